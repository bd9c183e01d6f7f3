"""A team's check-in settings: which check-in it uses, cycle, link lifetime and reminder."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from directory.models import Team, User

from ..models import Instrument, TeamSurveySettings
from ..permissions import can_change_team_settings


@transaction.atomic
def team_settings_update(
    *,
    actor: User,
    team: Team,
    cycle_months: int,
    link_valid_days: int,
    reminder_after_days: int,
    instrument_key: str | None = None,
) -> TeamSurveySettings:
    """Save the team's settings; `instrument_key` (None: unchanged) must name a loaded, active
    instrument, which every way of answering then uses for the team's people."""
    if not can_change_team_settings(actor, team):
        raise ValidationError("You cannot change this team's check-in settings.")
    if reminder_after_days >= link_valid_days:
        raise ValidationError(
            {"reminder_after_days": "Send the reminder before the link stops working."}
        )
    found = TeamSurveySettings.objects.select_for_update().filter(team=team).first()
    team_settings = found or TeamSurveySettings(team=team)
    team_settings.cycle_months = cycle_months
    team_settings.link_valid_days = link_valid_days
    team_settings.reminder_after_days = reminder_after_days
    if instrument_key is not None:
        if not Instrument.objects.filter(key=instrument_key, active=True).exists():
            raise ValidationError({"instrument_key": "Choose a check-in that is in use."})
        team_settings.instrument_key = instrument_key
    team_settings.full_clean()
    team_settings.save()
    return team_settings
