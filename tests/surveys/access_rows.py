"""Authorisation rows for check-in pages and endpoints.

Answers are seen by the person and the clinicians who work with them; never by administrators,
QA managers, HR or network coordinators. Invitation links work for anyone holding them, and show
nothing about the person.
"""

from __future__ import annotations

import datetime

from surveys import services
from surveys.choices import RollupKind
from surveys.models import RollupRun
from tests.access import ASSIGNED_PEER_ONLY, NO_PEER, Case, api, expect, page
from tests.audit import audit_as

from .factories import built_in, draft_with_answers, sent_response

NEVER = {"qa_manager": 403, "hr": 403, "network_coordinator": 403, "administrator": 403}
CLINICIANS = {"care_coordinator": 200, "team_leader": 200, "peer_support_worker": 200}


def _draft(w):
    w.extras["draft"] = draft_with_answers(w.person, {1: 4})
    return {"public_id": w.extras["draft"].public_id, "page": 1}


def _draft_id(w):
    return {"public_id": _draft(w)["public_id"]}


def _sent(w):
    w.extras["sent"] = sent_response(w.person, on=datetime.date(2026, 1, 10))
    return {"public_id": w.extras["sent"].public_id}


def _teammate_sent(w):
    w.extras["sent"] = sent_response(w.teammate_person, on=datetime.date(2026, 1, 10))
    return {"public_id": w.extras["sent"].public_id}


WITHDRAW_REASON = {"reason": "Entered for the wrong person."}


def _token(w):
    invitation = services.invitation_create(
        actor=w.user("care_coordinator"),
        audit=audit_as(w.user("care_coordinator")),
        service_user=w.person,
    )
    return {"token": services.invitation_issue_link(invitation=invitation, audit=audit_as(None))}


def _invitation(w):
    invitation = services.invitation_create(
        actor=w.user("care_coordinator"),
        audit=audit_as(w.user("care_coordinator")),
        service_user=w.person,
    )
    return {"public_id": invitation.public_id}


def _run(w, trust):
    run = RollupRun.objects.create(kind=RollupKind.FULL, trust=trust)
    return {"public_id": run.public_id}


# Only the person fills in their own signed-in check-in; clinicians who could see them get 404.
OWN_DRAFT = page(404, service_user=200, **NEVER)
OWN_DRAFT_REDIRECT = page(404, service_user=302, **NEVER)

ROWS = {
    "surveys:start": [Case(page(403, service_user=200))],
    "surveys:invitation": [
        Case(expect(200), kwargs=_token, label="a working link, shown to anyone"),
        Case(
            expect(302),
            kwargs=_token,
            method="post",
            writes=True,
            label="starting from a working link",
            audits="check-in",
        ),
        Case(expect(404), kwargs=lambda w: {"token": "x" * 43}, label="an unknown link"),
    ],
    "surveys:fill": [
        Case(OWN_DRAFT, kwargs=_draft, label="own draft", audits="check-in answers"),
        Case(
            OWN_DRAFT_REDIRECT,
            kwargs=lambda w: {"public_id": _sent(w)["public_id"], "page": 1},
            label="a sent check-in goes to its confirmation",
        ),
    ],
    "surveys:saved": [Case(OWN_DRAFT, kwargs=_draft_id)],
    "surveys:check": [Case(OWN_DRAFT, kwargs=_draft_id, audits="check-in answers")],
    "surveys:submit": [
        Case(
            page(404, service_user=302, **NEVER),
            kwargs=_draft_id,
            method="post",
            data=lambda w: {"idempotency_key": str(w.extras["draft"].idempotency_key)},
            writes=True,
            audits="check-in",
        )
    ],
    "surveys:done": [Case(OWN_DRAFT, kwargs=_sent)],
    "surveys:journey": [
        Case(
            page(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NEVER),
            kwargs=lambda w: {"public_id": w.person.public_id},
            audits="check-in journey",
            label="a person on the coordinator's caseload",
        ),
        Case(
            page(
                200,
                service_user=404,
                care_coordinator=404,
                other_trust_staff=404,
                **NO_PEER,
                **NEVER,
            ),
            kwargs=lambda w: {"public_id": w.teammate_person.public_id},
            audits="check-in journey",
            label="a person on a colleague's caseload",
        ),
        Case(
            page(404, other_trust_staff=200, **NEVER),
            kwargs=lambda w: {"public_id": w.foreign_person.public_id},
            audits="check-in journey",
            label="a person in another trust",
        ),
    ],
    "surveys:staff_entry": [
        Case(
            page(403, other_trust_staff=404, **{**CLINICIANS, **ASSIGNED_PEER_ONLY}),
            kwargs=lambda w: {"public_id": w.person.public_id},
            audits="check-in staff entry",
        ),
        Case(
            page(
                403,
                team_leader=200,
                care_coordinator=404,
                other_trust_staff=404,
                **NO_PEER,
            ),
            kwargs=lambda w: {"public_id": w.teammate_person.public_id},
            audits="check-in staff entry",
            label="a person on a colleague's caseload",
        ),
    ],
    "surveys:invite": [
        Case(
            page(403, care_coordinator=200, team_leader=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.person.public_id},
            audits="check-in status",
        ),
        Case(
            page(403, care_coordinator=404, team_leader=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.teammate_person.public_id},
            audits="check-in status",
            label="a person on a colleague's caseload",
        ),
    ],
    "surveys:invitation_link": [
        Case(
            page(403, care_coordinator=200, team_leader=200, other_trust_staff=404),
            kwargs=_invitation,
            audits="check-in invitation",
        )
    ],
    "surveys:invite_caseload": [Case(page(403, care_coordinator=200))],
    "surveys:team_settings": [
        Case(
            page(403, team_leader=200, administrator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
        ),
        Case(
            page(403, team_leader=404, administrator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.other_team.public_id},
            label="another team in the trust",
        ),
    ],
    # Withdrawing a sent check-in: the person's coordinator and their team's leaders only.
    "surveys:withdraw": [
        Case(
            page(403, care_coordinator=200, team_leader=200, other_trust_staff=404),
            kwargs=_sent,
            audits="check-in",
        ),
        Case(
            page(403, care_coordinator=404, team_leader=200, other_trust_staff=404),
            kwargs=_teammate_sent,
            audits="check-in",
            label="a person on a colleague's caseload",
        ),
        Case(
            page(403, care_coordinator=302, team_leader=302, other_trust_staff=404),
            kwargs=_sent,
            method="post",
            data=lambda w: WITHDRAW_REASON,
            writes=True,
            audits="check-in (withdrawn)",
            label="withdrawing",
        ),
    ],
    # League tables: aggregated figures only. The trust-wide pages are QA managers' alone; a
    # team's page is also its leaders' and care coordinators', never another team's.
    "surveys:league": [Case(page(403, qa_manager=200))],
    "surveys:league_csv": [
        Case(page(403, qa_manager=404), label="no figures yet: nothing to export")
    ],
    "surveys:benchmark": [
        Case(page(403, qa_manager=200)),
        Case(page(403, qa_manager=400), method="post", label="an import with no file"),
    ],
    "surveys:benchmark_csv": [Case(page(403, qa_manager=200))],
    "surveys:league_team": [
        Case(
            page(403, qa_manager=200, team_leader=200, care_coordinator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
        ),
        Case(
            page(403, qa_manager=200, team_leader=404, care_coordinator=404, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.other_team.public_id},
            label="another team in the trust",
        ),
        Case(
            page(403, qa_manager=404, team_leader=404, care_coordinator=404, other_trust_staff=200),
            kwargs=lambda w: {"public_id": w.other_trust_team.public_id},
            label="a team in another trust",
        ),
        Case(
            page(403, qa_manager=400, team_leader=400, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
            method="post",
            label="recording a change with no month to choose: leaders and QA managers only",
        ),
    ],
    "surveys:league_team_csv": [
        Case(
            page(403, qa_manager=200, team_leader=200, care_coordinator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
        ),
        Case(
            page(403, qa_manager=404, team_leader=404, care_coordinator=404, other_trust_staff=200),
            kwargs=lambda w: {"public_id": w.other_trust_team.public_id},
            label="a team in another trust",
        ),
    ],
    "api:league-list": [Case(api(403, qa_manager=404), label="no figures yet")],
    "api:league-team-detail": [
        Case(
            api(403, qa_manager=200, team_leader=200, care_coordinator=200, other_trust_staff=404),
            kwargs=lambda w: {"public_id": w.team.public_id},
        ),
        Case(
            api(403, qa_manager=404, team_leader=404, care_coordinator=404, other_trust_staff=200),
            kwargs=lambda w: {"public_id": w.other_trust_team.public_id},
            label="a team in another trust",
        ),
    ],
    # The questions are public knowledge; anyone signed in may read them.
    "api:checkin-instrument-list": [Case(api(200, partner_contact=200))],
    "api:checkin-instrument-detail": [
        Case(api(200, partner_contact=200), kwargs=lambda w: {"public_id": built_in().public_id})
    ],
    "api:checkin-list": [Case(api(200, **NEVER))],
    "api:checkin-detail": [
        Case(
            api(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NEVER),
            kwargs=_sent,
            audits="check-in",
        ),
    ],
    "api:checkin-withdraw": [
        Case(
            api(403, care_coordinator=200, team_leader=200, other_trust_staff=404),
            kwargs=_sent,
            method="post",
            data=lambda w: WITHDRAW_REASON,
            writes=True,
            audits="check-in (withdrawn)",
        ),
        Case(
            api(403, care_coordinator=404, team_leader=200, other_trust_staff=404),
            kwargs=_teammate_sent,
            method="post",
            data=lambda w: WITHDRAW_REASON,
            writes=True,
            audits="check-in (withdrawn)",
            label="a person on a colleague's caseload",
        ),
    ],
    "api:checkin-scores-detail": [
        Case(
            api(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NEVER),
            kwargs=lambda w: {"public_id": w.person.public_id},
            audits="check-in journey",
        ),
        Case(
            api(404, other_trust_staff=200, **NEVER),
            kwargs=lambda w: {"public_id": w.foreign_person.public_id},
            audits="check-in journey",
            label="a person in another trust",
        ),
    ],
    # League recompute: QA managers of the trust only; another trust's run is not found.
    "surveys:rollup_recompute": [
        Case(page(403, qa_manager=200)),
        Case(
            page(403, qa_manager=302),
            method="post",
            writes=True,
            label="asking for a recompute",
        ),
    ],
    "surveys:rollup_status": [
        Case(page(403, qa_manager=200), kwargs=lambda w: _run(w, w.trust), label="own trust's run"),
        Case(
            page(403, qa_manager=404),
            kwargs=lambda w: _run(w, w.other_trust),
            label="another trust's run",
        ),
    ],
}

NOT_AUDITED = {
    "surveys:saved": "says the answers are kept; shows nothing from them",
    "surveys:done": "confirms sending; audits 'check-in journey' only when it shows the journey "
    "(test_views.py, the half-hour after a link check-in)",
    "surveys:team_settings": "a team's settings: no person's record",
    "api:checkin-instrument-detail": "the questionnaire itself: no person's record",
    "surveys:league_team": "a team's aggregated figures: no person's record",
    "surveys:league_team_csv": "a team's aggregated figures: no person's record",
    "api:league-team-detail": "a team's aggregated figures: no person's record",
    "surveys:rollup_status": "a rollup job's progress: aggregates only, no person's record",
}
