"""Writes for check-ins, each one transaction naming who acts, one module per use case.

Reads and changes of a person's answers are written to the access audit
(`directory.services.access_record`) with the caller's audit context. Where nobody is signed in
and no system actor is named, only the person's own one-time link can have let them in, and the
audit says so.

The names below are the public ones: callers write `from surveys import services` and
`services.response_submit(...)`, whichever module holds it. Reads
(the instrument in use, a team's settings, invitations due a reminder) are in `selectors`.
"""

from .access import INVITATION_ACTOR, audit_checkin_access
from .emails import coordinator_tell_of_checkin, invitation_email
from .instruments import instrument_load, instrument_load_refusal
from .invitations import (
    LINK_IN_USE,
    hash_token,
    invitation_create,
    invitation_email_later,
    invitation_held_by,
    invitation_issue_link,
    invitation_start,
    invitation_url,
    invitations_for_caseload,
    link_actor,
)
from .responses import (
    instrument_specs,
    response_record,
    response_save_answers,
    response_staff_details_set,
    response_start,
    response_submit,
)
from .rollups import (
    ROLLUP_COALESCE_SECONDS,
    rollup_enqueue_pending,
    rollup_nightly,
    rollup_pending_apply,
    rollup_recompute,
    rollup_request,
    rollup_run_full,
)
from .scores import rollup_mark_pending, score_figures, scores_recompute, scores_write
from .team_settings import team_settings_update
from .withdrawals import response_withdraw

__all__ = [
    "INVITATION_ACTOR",
    "LINK_IN_USE",
    "ROLLUP_COALESCE_SECONDS",
    "audit_checkin_access",
    "coordinator_tell_of_checkin",
    "hash_token",
    "instrument_load",
    "instrument_load_refusal",
    "instrument_specs",
    "invitation_create",
    "invitation_email",
    "invitation_email_later",
    "invitation_held_by",
    "invitation_issue_link",
    "invitation_start",
    "invitation_url",
    "invitations_for_caseload",
    "link_actor",
    "response_record",
    "response_save_answers",
    "response_staff_details_set",
    "response_start",
    "response_submit",
    "response_withdraw",
    "rollup_enqueue_pending",
    "rollup_mark_pending",
    "rollup_nightly",
    "rollup_pending_apply",
    "rollup_recompute",
    "rollup_request",
    "rollup_run_full",
    "score_figures",
    "scores_recompute",
    "scores_write",
    "team_settings_update",
]
