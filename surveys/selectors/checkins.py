"""Reads for check-ins: the instrument in use, a team's settings, a person's journey, check-in
status for a page of the caseload, and the drafts and invitations pages and jobs look up."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import add_months, trust_today
from directory.models import ServiceUser, Team, User
from directory.selectors import own_caseload_for

from ..choices import Domain, ResponseStatus
from ..models import Instrument, Invitation, Item, Response, TeamSurveySettings
from ..permissions import can_invite

JOURNEY_DOMAINS = (Domain.HOPE, Domain.CONTROL, Domain.OPPORTUNITY)
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


def journey_responses(*, person: ServiceUser) -> list[Response]:
    """The person's sent check-ins, oldest first, reading only the stored scores."""
    return list(
        Response.objects.filter(service_user=person, status=ResponseStatus.SUBMITTED)
        .select_related("instrument")
        .only(
            "public_id",
            "completed_on",
            "submitted_at",
            "channel",
            "answered_count",
            "hope_score",
            "control_score",
            "opportunity_score",
            "other_score",
            "instrument__title",
            "instrument__key",
            "instrument__version",
        )
        .order_by("completed_on", "submitted_at")
    )


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


def score_words(value: Decimal) -> str:
    """A score as people write it: 4, 3.5, 4.25 (no trailing zeros)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def describe_change(before: Decimal | None, after: Decimal | None, *, since: str) -> str | None:
    """A change between two scores in plain words, or None when either is missing."""
    if before is None or after is None:
        return None
    difference = after - before
    if difference == 0:
        return f"The same {since}: {score_words(after)}."
    direction = "Up" if difference > 0 else "Down"
    return (
        f"{direction} {score_words(abs(difference))} {since}, "
        f"from {score_words(before)} to {score_words(after)}."
    )


@dataclass(frozen=True)
class DomainOverview:
    label: str
    latest: Decimal | None
    change: str | None  # since the first check-in, in words


@dataclass(frozen=True)
class CheckinOverview:
    """The person's check-ins at a glance, for pages beside the journey (the recovery plan)."""

    count: int
    latest_on: datetime.date | None  # set on every sent check-in; drafts have none
    domains: list[DomainOverview]


def checkin_overview(*, person: ServiceUser) -> CheckinOverview | None:
    """Latest score per domain and the change since the first check-in; None before any."""
    responses = journey_responses(person=person)
    if not responses:
        return None
    first, latest = responses[0], responses[-1]
    domains = [
        DomainOverview(
            label=label,
            latest=getattr(latest, field),
            change=describe_change(
                getattr(first, field), getattr(latest, field), since="since the first check-in"
            )
            if len(responses) > 1
            else None,
        )
        for label, field in (
            ("Hope", "hope_score"),
            ("Control", "control_score"),
            ("Opportunity", "opportunity_score"),
        )
    ]
    return CheckinOverview(count=len(responses), latest_on=latest.completed_on, domains=domains)


@dataclass(frozen=True)
class DomainJourney:
    """One domain of the journey: its scores over time and the change in words."""

    key: str
    label: str
    series: list[tuple[datetime.date, Decimal | None]]
    since_first: str | None
    since_last: str | None
    latest: Decimal | None


def builtin_journey(*, person: ServiceUser) -> tuple[list[Response], list[DomainJourney]]:
    """The person's built-in check-ins and, per domain, its scores, latest score and the change
    in words: what the journey page and the confirmation after a link check-in both show."""
    responses = [r for r in journey_responses(person=person) if r.instrument.key == BUILT_IN_KEY]
    labels = dict(Domain.choices)
    domains = []
    for domain in JOURNEY_DOMAINS:
        series = [(r.completed_on, r.score_for(domain)) for r in responses if r.completed_on]
        scored = [value for _, value in series if value is not None]
        first_line = last_line = None
        if len(scored) >= 2:
            first_line = describe_change(scored[0], scored[-1], since="since the first check-in")
        if len(scored) >= 3:
            last_line = describe_change(scored[-2], scored[-1], since="since the check-in before")
        domains.append(
            DomainJourney(
                key=domain,
                label=labels[domain],
                series=series,
                since_first=first_line,
                since_last=last_line,
                latest=scored[-1] if scored else None,
            )
        )
    return responses, domains


# --- what the check-in pages look up ------------------------------------------------------------


def response_for_filling(*, public_id: Any) -> Response | None:
    """A response with what its pages show: the instrument, the person, who typed it in."""
    return (
        Response.objects.select_related("instrument", "service_user", "entered_by")
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
