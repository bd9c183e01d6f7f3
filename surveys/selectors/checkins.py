"""Reads for check-ins: the instrument in use, a team's settings, check-in status for a page of
the caseload, and the drafts and invitations pages and jobs look up (a person's journey is in
`journeys`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import add_months, trust_today
from directory.models import ServiceUser, Team, User
from directory.selectors import own_caseload_for

from ..choices import ResponseStatus
from ..models import (
    Instrument,
    Invitation,
    Item,
    Response,
    TeamSurveySettings,
)
from ..permissions import can_invite

OVERDUE_AFTER_DAYS = 28  # a check-in this long past its due date is overdue
BUILT_IN_KEY = "hope-control-opportunity"


def active_instrument() -> Instrument:
    """The newest active version of the built-in check-in."""
    instrument = (
        Instrument.objects.filter(key=BUILT_IN_KEY, active=True).order_by("-version").first()
    )
    if instrument is None:
        raise ValidationError("The check-in is not set up: run the migrations.")
    return instrument


def instrument_for(person: ServiceUser) -> Instrument:
    """The check-in the person's team uses (the newest active version of the key it chose), for
    every way of answering; the built-in where the team chose none or its choice is withdrawn."""
    key = (
        TeamSurveySettings.objects.filter(team_id=person.team_id)
        .values_list("instrument_key", flat=True)
        .first()
    )
    if key:
        chosen = Instrument.objects.filter(key=key, active=True).order_by("-version").first()
        if chosen is not None:
            return chosen
    return active_instrument()


def instrument_choices() -> list[tuple[str, str]]:
    """The instruments a team may choose, by key, newest active version's title."""
    choices: dict[str, str] = {}
    for key, title in (
        Instrument.objects.filter(active=True)
        .order_by("key", "-version")
        .values_list("key", "title")
    ):
        choices.setdefault(key, title)
    return list(choices.items())


def team_settings_for(team: Team) -> TeamSurveySettings:
    """The team's check-in settings, or the defaults (unsaved) where it has none."""
    found = TeamSurveySettings.objects.filter(team=team).first()
    return found or TeamSurveySettings(team=team)


def invitations_due_a_reminder() -> list[int]:
    """Open invitations whose team's reminder time has passed and that have not been reminded."""
    now = timezone.now()
    candidates = (
        Invitation.objects.filter(
            used_at__isnull=True,
            expires_at__gt=now,
            reminded_at__isnull=True,
            service_user__user__isnull=False,
        )
        .exclude(service_user__user__email="")
        .annotate(
            days=Coalesce(
                F("service_user__team__survey_settings__reminder_after_days"),
                Value(TeamSurveySettings.DEFAULT_REMINDER_DAYS),
            )
        )
        .values_list("pk", "created_at", "days")
    )
    return [
        pk for pk, created, days in candidates if created + datetime.timedelta(days=days) <= now
    ]


@dataclass(frozen=True)
class CheckinStatus:
    state: str  # "invited", "not_started", "due", "overdue", "done"
    label: str
    last: datetime.date | None
    due: datetime.date | None

    @property
    def needs_attention(self) -> bool:
        return self.state in ("not_started", "due", "overdue")


def checkin_status_for(
    people: Iterable[ServiceUser], *, today: datetime.date | None = None
) -> dict[int, CheckinStatus]:
    """Check-in status for each person, by primary key, in ONE query whatever the page size."""
    ids = [person.pk for person in people]
    if not ids:
        return {}
    today = today or trust_today()
    now = timezone.now()
    open_invitation = (
        Invitation.objects.filter(
            service_user=OuterRef("pk"), used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-expires_at")
        .values("expires_at")[:1]
    )
    rows = (
        ServiceUser.objects.filter(pk__in=ids)
        .annotate(
            last_done=Max(
                "survey_responses__completed_on",
                filter=Q(survey_responses__status=ResponseStatus.SUBMITTED),
            ),
            cycle=Coalesce(
                F("team__survey_settings__cycle_months"),
                Value(TeamSurveySettings.DEFAULT_CYCLE_MONTHS),
            ),
            invited_until=Subquery(open_invitation),
        )
        .values_list("pk", "last_done", "cycle", "invited_until")
    )
    statuses: dict[int, CheckinStatus] = {}
    for pk, last_done, cycle, invited_until in rows:
        due = add_months(last_done, cycle) if last_done else None
        if invited_until is not None:
            until = timezone.localdate(invited_until)
            statuses[pk] = CheckinStatus(
                "invited", f"Invited, link works until {until:%-d %b %Y}", last_done, due
            )
        elif due is None:
            statuses[pk] = CheckinStatus("not_started", "No check-in yet", None, None)
        elif today < due:
            statuses[pk] = CheckinStatus("done", f"Next due {due:%-d %b %Y}", last_done, due)
        elif today <= due + datetime.timedelta(days=OVERDUE_AFTER_DAYS):
            statuses[pk] = CheckinStatus("due", f"Due since {due:%-d %b %Y}", last_done, due)
        else:
            statuses[pk] = CheckinStatus(
                "overdue", f"Overdue since {due:%-d %b %Y}", last_done, due
            )
    return statuses


# --- what the check-in pages look up ------------------------------------------------------------


def response_for_filling(*, public_id: Any) -> Response | None:
    """A response with what its pages show: the instrument, the person, who typed it in."""
    return (
        Response.objects.select_related("instrument", "service_user", "entered_by", "invitation")
        .filter(public_id=public_id)
        .first()
    )


def items_in_order(instrument: Instrument) -> list[Item]:
    return list(instrument.items.order_by("number"))


def answers_by_item(response: Response) -> dict[int, int | None]:
    """The answers kept so far, by item id (None for a statement skipped)."""
    return dict(response.answers.values_list("item_id", "value"))


def open_draft(*, person: ServiceUser, instrument: Instrument, channel: str) -> Response | None:
    """The person's unsent check-in of this instrument, answered this way, if there is one."""
    return Response.objects.filter(
        service_user=person,
        instrument=instrument,
        channel=channel,
        status=ResponseStatus.DRAFT,
    ).first()


def sent_response_for_withdrawal(*, public_id: Any) -> Response | None:
    """A sent (not yet withdrawn) response with its person, for the withdraw page."""
    return (
        Response.objects.select_related("service_user", "instrument")
        .filter(public_id=public_id, status=ResponseStatus.SUBMITTED)
        .first()
    )


def invitation_for_token_hash(token_hash: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("instrument", "service_user")
        .filter(token_hash=token_hash)
        .first()
    )


def invitation_with_person(*, public_id: Any) -> Invitation | None:
    return Invitation.objects.select_related("service_user").filter(public_id=public_id).first()


def people_due_a_checkin(*, user: User) -> list[ServiceUser]:
    """People on the user's own caseload whose check-in needs attention and whom they may
    invite, with their logins (to tell who can be emailed)."""
    people = list(own_caseload_for(user=user).select_related("user"))
    statuses = checkin_status_for(people)
    return [p for p in people if statuses[p.pk].needs_attention and can_invite(user, p)]


def with_last_checkin(people: QuerySet[ServiceUser]) -> QuerySet[ServiceUser]:
    """People with `last_checkin_on`, the day of their latest sent check-in (None if none),
    read in the same query as the people (to sort a list by it)."""
    latest = (
        Response.objects.filter(service_user=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
        .order_by("-completed_on")
        .values("completed_on")[:1]
    )
    return people.annotate(last_checkin_on=Subquery(latest))
