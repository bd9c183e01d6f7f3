"""The referral's steps as a pure table: which status may follow which, and who records it.

suggested -> referred -> accepted -> started -> completed, or declined (by the partner, from
referred) or withdrawn (by the trust, from any status that has not ended). Nothing is skipped
and nothing goes back; a step that has ended the referral is final.
"""

from __future__ import annotations

from .choices import ReferralStatus as S
from .choices import Side

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUGGESTED, S.REFERRED): Side.TRUST,
    (S.SUGGESTED, S.WITHDRAWN): Side.TRUST,
    (S.REFERRED, S.ACCEPTED): Side.PARTNER,
    (S.REFERRED, S.DECLINED): Side.PARTNER,
    (S.REFERRED, S.WITHDRAWN): Side.TRUST,
    (S.ACCEPTED, S.STARTED): Side.PARTNER,
    (S.ACCEPTED, S.WITHDRAWN): Side.TRUST,
    (S.STARTED, S.COMPLETED): Side.PARTNER,
    (S.STARTED, S.WITHDRAWN): Side.TRUST,
}

ENDED = frozenset({S.COMPLETED, S.DECLINED, S.WITHDRAWN})
# Steps that need a reason written down: an ending that is not a completion.
NOTE_REQUIRED = frozenset({S.DECLINED, S.WITHDRAWN})
# The order of the happy path, for tables and the dashboard.
PATH = (S.SUGGESTED, S.REFERRED, S.ACCEPTED, S.STARTED, S.COMPLETED)
# Referrals holding a place: accepted or started, not yet ended.
HOLDS_PLACE = frozenset({S.ACCEPTED, S.STARTED})


class TransitionRefused(Exception):
    """The step asked for does not follow the referral's status, or is not this side's to make."""


def next_steps(status: str, side: str) -> list[str]:
    """The statuses `side` may move a referral in `status` to, in the table's order."""
    return [to for (frm, to), who in TRANSITIONS.items() if frm == status and who == side]


def check_transition(status: str, to: str, side: str) -> None:
    """Raise `TransitionRefused` unless `side` may move a referral from `status` to `to`."""
    who = TRANSITIONS.get((status, to))
    if who is None:
        raise TransitionRefused(
            f"A referral that is {S(status).label.lower()} cannot become {S(to).label.lower()}."
        )
    if who != side:
        raise TransitionRefused(f"Only the {Side(who).label.lower()} can record this step.")
