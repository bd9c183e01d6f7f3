"""Withdrawing a sent check-in, for example one entered for the wrong person or in error.

The response and its answers stay on record, marked withdrawn with who did it and why; its
scores stop counting: the distance travelled of the person's other scores with the team is
worked out again (the first one may have gone) and the team-periods touched are marked for the
rollup, all in one transaction.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from common.validators import validate_as, validate_free_text
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import Team, User

from ..choices import ResponseStatus
from ..models import Response, ResponseScore
from ..permissions import can_withdraw
from .access import audit_checkin_access
from .scores import rollup_mark_pending, scores_recompute


@transaction.atomic
def response_withdraw(
    *, actor: User, response: Response, reason: str, audit: AuditContext
) -> tuple[Response, bool]:
    """Withdraw a sent response. Returns (response, withdrawn now?): withdrawing it again
    changes nothing."""
    locked = (
        Response.objects.select_for_update()
        .select_related("service_user", "instrument")
        .get(pk=response.pk)
    )
    if not can_withdraw(actor, locked.service_user):
        raise ValidationError("You cannot withdraw this person's check-ins.")
    if locked.status == ResponseStatus.WITHDRAWN:
        return locked, False
    if locked.status != ResponseStatus.SUBMITTED:
        raise ValidationError("Only a sent check-in can be withdrawn; a draft can be left unsent.")
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the check-in is being withdrawn."})
    validate_as("reason", validate_free_text, reason)
    locked.status = ResponseStatus.WITHDRAWN
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.withdrawal_reason = reason
    locked.full_clean()
    locked.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    ResponseScore.objects.filter(response=locked).update(sent=False)
    key = locked.instrument.key
    touched = scores_recompute(person_id=locked.service_user_id, instrument_key=key)
    assert locked.period is not None
    touched.add((locked.team_id, locked.period))
    rollup_mark_pending(
        trust_id=Team.objects.values_list("trust_id", flat=True).get(pk=locked.team_id),
        instrument_key=key,
        team_periods=touched,
    )
    audit_checkin_access(
        audit=audit,
        person=locked.service_user,
        resource="check-in (withdrawn)",
        action=AccessAction.CHANGE,
    )
    return locked, True
