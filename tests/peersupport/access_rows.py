"""Authorisation rows for the peer workforce pages.

HR rosters every team of their own trust; a peer support worker sees their own rota and the
open shifts they could take; nobody else uses these pages. No page here shows a person's
clinical record.
"""

from __future__ import annotations

from peersupport.models import PeerPost, PeerWorker, Shift
from peersupport.services import feed_link_issue
from tests.access import Case, api, expect, page
from tests.audit import audit_as

from .factories import ShiftFactory, at

PEERS = ("peer_support_worker", "assigned_peer_support_worker")


def _workers(w) -> dict[str, PeerWorker]:
    """Workforce records for both peer personas, made once per case."""
    if (
        "workers" not in w.extras
        or not PeerWorker.objects.filter(pk=w.extras["workers"]["peer_support_worker"].pk).exists()
    ):
        w.extras["workers"] = {
            role: PeerWorker.objects.create(user=w.user(role), trust=w.trust, contracted_hours=30)
            for role in PEERS
        }
    return w.extras["workers"]


def _shift(w, team=None, **kwargs) -> Shift:
    return ShiftFactory.create(
        team=team or w.team,
        starts_at=at("2030-01-07", "09:00"),
        ends_at=at("2030-01-07", "13:00"),
        **kwargs,
    )


def _with_workers(w):
    _workers(w)
    return {}


def _team(w):
    return {"public_id": w.team.public_id}


def _foreign_team(w):
    return {"public_id": w.other_trust_team.public_id}


def _open_shift(w):
    _workers(w)
    return {"public_id": _shift(w).public_id}


def _assigned_shift(w):
    worker = _workers(w)["peer_support_worker"]
    return {"public_id": _shift(w, worker=worker).public_id}


def _foreign_shift(w):
    return {"public_id": _shift(w, team=w.other_trust_team).public_id}


def _peer_week(w):
    return {"public_id": _workers(w)["peer_support_worker"].public_id}


def _feed(w):
    _workers(w)
    user = w.user("peer_support_worker")
    return {"token": feed_link_issue(actor=user, audit=audit_as(user))}


HR = {"hr": 200}
NEW_SHIFT = {
    "day_0": "7",
    "day_1": "1",
    "day_2": "2030",
    "starts": "09:00",
    "ends": "12:00",
    "kind": "group",
    "required_level": "",
    "break_minutes": "0",
}
IT_IS_NOT_A_RECORD = "a team's, shift's or worker's rota: no person's record"

NOT_AUDITED = {
    "peersupport:team_week": IT_IS_NOT_A_RECORD,
    "peersupport:week_copy": IT_IS_NOT_A_RECORD,
    "peersupport:shift_create": IT_IS_NOT_A_RECORD,
    "peersupport:shift_assign": IT_IS_NOT_A_RECORD,
    "peersupport:shift_unassign": IT_IS_NOT_A_RECORD,
    "peersupport:shift_take": IT_IS_NOT_A_RECORD,
    "peersupport:worker_week": IT_IS_NOT_A_RECORD,
    "peersupport:feed": "a worker's own shifts as a calendar: no person's record",
}

ROWS = {
    "peersupport:rota": [Case(page(403, **HR))],
    "peersupport:team_week": [
        Case(page(403, **HR), kwargs=_team),
        Case(page(403, hr=404), kwargs=_foreign_team, label="another trust's team"),
    ],
    "peersupport:shift_create": [
        Case(page(403, **HR), kwargs=_team),
        Case(page(403, hr=404), kwargs=_foreign_team, label="another trust's team"),
        Case(
            page(403, hr=302),
            kwargs=_team,
            method="post",
            data=lambda w: NEW_SHIFT,
            writes=True,
            label="adding",
        ),
    ],
    "peersupport:week_copy": [
        Case(page(403, hr=302), kwargs=_team, method="post", writes=True),
        Case(page(403, hr=404), kwargs=_foreign_team, method="post", label="another trust's"),
    ],
    "peersupport:shift_assign": [
        Case(page(403, **HR), kwargs=_open_shift),
        Case(page(403, hr=404), kwargs=_foreign_shift, label="another trust's shift"),
        Case(
            page(403, hr=302),
            kwargs=_open_shift,
            method="post",
            data=lambda w: {"worker": str(_workers(w)["peer_support_worker"].public_id)},
            writes=True,
            label="assigning",
        ),
    ],
    "peersupport:shift_unassign": [
        Case(page(403, hr=302), kwargs=_assigned_shift, method="post", writes=True),
        Case(page(403, hr=404), kwargs=_foreign_shift, method="post", label="another trust's"),
    ],
    "peersupport:shift_take": [
        Case(
            page(403, peer_support_worker=302, assigned_peer_support_worker=302),
            kwargs=_open_shift,
            method="post",
            writes=True,
        ),
        Case(
            page(403, peer_support_worker=404, assigned_peer_support_worker=404),
            kwargs=lambda w: _with_workers(w) | _foreign_shift(w),
            method="post",
            label="another trust's shift",
        ),
    ],
    "peersupport:worker_week": [
        Case(
            page(403, hr=200, peer_support_worker=200, assigned_peer_support_worker=404),
            kwargs=_peer_week,
        )
    ],
    "peersupport:my_rota": [
        Case(
            page(403, peer_support_worker=200, assigned_peer_support_worker=200),
            kwargs=_with_workers,
        )
    ],
    "peersupport:feed_link": [
        Case(
            page(403, peer_support_worker=302, assigned_peer_support_worker=302),
            kwargs=_with_workers,
            method="post",
            writes=True,
        )
    ],
    "peersupport:feed": [
        Case(expect(200), kwargs=_feed, label="a working feed address, for anyone holding it"),
        Case(expect(404), kwargs=lambda w: {"token": "x" * 43}, label="an unknown address"),
    ],
}

ROWS |= {
    "api:peer-shift-list": [
        Case(
            api(403, hr=200, peer_support_worker=200, assigned_peer_support_worker=200),
            kwargs=_with_workers,
        )
    ],
    "api:peer-shift-detail": [
        Case(
            api(403, hr=200, peer_support_worker=200, assigned_peer_support_worker=200),
            kwargs=_open_shift,
        ),
        Case(
            api(403, hr=404, peer_support_worker=404, assigned_peer_support_worker=404),
            kwargs=lambda w: _with_workers(w) | _foreign_shift(w),
            label="another trust's shift",
        ),
    ],
    "api:peer-shift-assign": [
        Case(
            api(403, hr=200),
            kwargs=_open_shift,
            method="post",
            data=lambda w: {"worker": str(_workers(w)["peer_support_worker"].public_id)},
            writes=True,
        )
    ],
    "api:peer-shift-unassign": [
        Case(api(403, hr=200), kwargs=_assigned_shift, method="post", writes=True)
    ],
    "api:peer-worker-list": [
        Case(
            api(403, hr=200, peer_support_worker=200, assigned_peer_support_worker=200),
            kwargs=_with_workers,
        )
    ],
    "api:peer-worker-detail": [
        Case(
            api(403, hr=200, peer_support_worker=200, assigned_peer_support_worker=404),
            kwargs=_peer_week,
        )
    ],
}
NOT_AUDITED |= {
    "api:peer-shift-detail": IT_IS_NOT_A_RECORD,
    "api:peer-shift-assign": IT_IS_NOT_A_RECORD,
    "api:peer-shift-unassign": IT_IS_NOT_A_RECORD,
    "api:peer-worker-detail": IT_IS_NOT_A_RECORD,
}


def _post(w, team=None):
    post = PeerPost.objects.create(
        trust=(team or w.team).trust,
        team=team or w.team,
        title="peer_support_worker",
        band="3",
        hours_per_week=30,
    )
    return {"public_id": post.public_id}


ROWS |= {
    "peersupport:coverage": [Case(page(403, **HR))],
    "peersupport:post_create": [
        Case(page(403, **HR), kwargs=_team),
        Case(page(403, hr=404), kwargs=_foreign_team, label="another trust's team"),
    ],
    "peersupport:post_fill": [
        Case(page(403, **HR), kwargs=lambda w: _with_workers(w) | _post(w)),
        Case(
            page(403, hr=404),
            kwargs=lambda w: _post(w, w.other_trust_team),
            label="another trust's post",
        ),
    ],
    # HR and the worker; another peer in the same team is not found.
    "peersupport:worker": [
        Case(
            page(403, hr=200, peer_support_worker=200, assigned_peer_support_worker=404),
            kwargs=_peer_week,
        )
    ],
}
NOT_AUDITED |= {
    "peersupport:post_create": IT_IS_NOT_A_RECORD,
    "peersupport:post_fill": "a peer post: no person's record",
    "peersupport:worker": "a member of staff's workforce record: no service user's record",
}

ROWS |= {
    "peersupport:training": [Case(page(403, **HR))],
    "peersupport:training_import": [Case(page(403, **HR))],
}
