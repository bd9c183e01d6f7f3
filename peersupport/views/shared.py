"""What the rota and workforce pages share: the week asked for, and the team or shift the user may
roster (404 where it is not theirs)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from common.dates import trust_time_zone, trust_today
from directory.models import Team

from ..models import Shift
from ..permissions import (
    can_roster,
    may_manage_workforce,
    rota_teams_visible_to,
    shifts_visible_to,
)
from ..selectors import (
    monday_of,
)


def week_asked(request: HttpRequest) -> datetime.date:
    """The week asked for (`?week=YYYY-MM-DD`, any day of it), or this week."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = trust_today()
    return monday_of(day)


def days_of_week(
    shifts: list[Shift], monday: datetime.date
) -> list[tuple[datetime.date, list[Shift]]]:
    zone = trust_time_zone()
    days: list[tuple[datetime.date, list[Shift]]] = [
        (monday + datetime.timedelta(days=n), []) for n in range(7)
    ]
    for shift in shifts:
        index = (shift.starts_at.astimezone(zone).date() - monday).days
        if 0 <= index < 7:
            days[index][1].append(shift)
    return days


def week_links(monday: datetime.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "previous_week": (monday - datetime.timedelta(days=7)).isoformat(),
        "next_week": (monday + datetime.timedelta(days=7)).isoformat(),
    }


def rota_team(request: HttpRequest, public_id: Any) -> Team:
    if not may_manage_workforce(request.user):
        raise PermissionDenied
    team = rota_teams_visible_to(request.user).filter(public_id=public_id).first()
    if team is None:
        raise Http404
    return team


def rostered_shift(request: HttpRequest, public_id: Any) -> Shift:
    if not may_manage_workforce(request.user):
        raise PermissionDenied
    shift = (
        shifts_visible_to(request.user)
        .select_related("team", "worker__user")
        .filter(public_id=public_id)
        .first()
    )
    if shift is None or not can_roster(request.user, shift):
        raise Http404
    return shift
