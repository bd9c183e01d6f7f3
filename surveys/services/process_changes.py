"""Recording a change to how a team works, from which its XmR charts take new limits."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from common.dates import month_of
from common.validators import validate_as, validate_name
from directory.audit import AuditContext
from directory.models import Team

from ..models import TeamProcessChange
from ..permissions import can_record_process_change
from ..selectors.league import league_version_bump


@transaction.atomic
def process_change_record(
    *, team: Team, month: datetime.date, note: str, audit: AuditContext
) -> TeamProcessChange:
    if audit.actor is None or not can_record_process_change(audit.actor, team):
        raise ValidationError("You cannot record a change for this team.")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say what changed."})
    validate_as("note", validate_name, note)
    change, _ = TeamProcessChange.objects.update_or_create(
        team=team,
        month=month_of(month),
        defaults={"note": note[:200], "recorded_by": audit.actor},
    )
    league_version_bump([team.trust_id])  # the team's charts take new limits from that month
    return change
