"""Reads for check-ins: the instrument in use, a team's settings, a person's journey, check-in
status for a page of the caseload, and the drafts and invitations pages and jobs look up."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Max, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from common.dates import add_months, trust_today
from directory.models import ServiceUser, Team, User
from directory.selectors import own_caseload_for

from ..choices import DomainKind, ResponseStatus, ScoringMethod
from ..models import (
    Instrument,
    Invitation,
    Item,
    Response,
    ResponseScore,
    ScoringRule,
    TeamSurveySettings,
)
from ..models.instruments import domain_label
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


def journey_responses(*, person: ServiceUser) -> list[Response]:
    """The person's sent check-ins, oldest first, each with its scores (`response.scores`
    prefetched): two queries whatever the count."""
    return list(
        Response.objects.filter(service_user=person, status=ResponseStatus.SUBMITTED)
        .select_related("instrument")
        .only(
            "public_id",
            "completed_on",
            "submitted_at",
            "channel",
            "status",
            "answered_count",
            "instrument__title",
            "instrument__key",
            "instrument__version",
        )
        .prefetch_related(
            Prefetch(
                "scores",
                queryset=ResponseScore.objects.filter(sent=True).only(
                    "response_id", "domain", "score"
                ),
            )
        )
        .order_by("completed_on", "submitted_at", "pk")
    )


def scores_by_domain(response: Response) -> dict[str, Decimal]:
    """A response's scores by domain, from the rows `journey_responses` prefetched."""
    return {row.domain: row.score for row in response.scores.all()}


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
    """The built-in check-in's latest score per domain and the change since the first; None
    before any."""
    section = next((s for s in journey(person=person) if s.key == BUILT_IN_KEY), None)
    if section is None:
        return None
    latest = section.responses[-1]
    domains = [
        DomainOverview(
            label=domain.label,
            latest=latest.scores.get(domain.key),
            change=domain.since_first if len(section.responses) > 1 else None,
        )
        for domain in section.domains
    ]
    return CheckinOverview(
        count=len(section.responses), latest_on=latest.completed_on, domains=domains
    )


@dataclass(frozen=True)
class DomainJourney:
    """One domain of the journey: its scores over time and the change in words."""

    key: str
    label: str
    kind: str
    low: int  # the range its scores can take, for the chart
    high: int
    series: list[tuple[datetime.date, Decimal | None]]
    since_first: str | None
    since_last: str | None
    latest: Decimal | None


@dataclass(frozen=True)
class JourneyCheckin:
    """One sent check-in as the journey's table shows it."""

    public_id: Any
    completed_on: datetime.date
    channel: str
    version: int
    scores: dict[str, Decimal]


@dataclass(frozen=True)
class InstrumentJourney:
    """Every check-in the person sent of one instrument (all its versions), with each domain's
    scores over time."""

    key: str
    title: str
    responses: list[JourneyCheckin]
    domains: list[DomainJourney]


def journey(*, person: ServiceUser) -> list[InstrumentJourney]:
    """The person's journey, one section per instrument they answered (the built-in first),
    each domain labelled as its scoring rule names it. Four queries whatever the count: the
    responses, their scores, the instruments' rules and their items' scales."""
    responses = journey_responses(person=person)
    if not responses:
        return []
    instrument_ids = {r.instrument_id for r in responses}
    rules = list(
        ScoringRule.objects.filter(instrument_id__in=instrument_ids).values_list(
            "instrument_id", "domain", "label", "kind", "method", "lookup"
        )
    )
    first_item: dict[tuple[int, str], int] = {}
    bounds: dict[tuple[int, str], tuple[int, int]] = {}
    for instrument_id, domain, number, scale in Item.objects.filter(
        instrument_id__in=instrument_ids
    ).values_list("instrument_id", "domain", "number", "scale"):
        values = [int(point["value"]) for point in scale]
        first_item[(instrument_id, domain)] = min(
            number, first_item.get((instrument_id, domain), number)
        )
        low, high = bounds.get((instrument_id, domain), (min(values), max(values)))
        bounds[(instrument_id, domain)] = (min(low, *values), max(high, *values))
    by_key: dict[str, list[Response]] = {}
    for response in responses:
        by_key.setdefault(response.instrument.key, []).append(response)
    sections = []
    for key, own in sorted(by_key.items(), key=lambda kv: (kv[0] != BUILT_IN_KEY, kv[0])):
        ids = {r.instrument_id for r in own}
        newest = max(own, key=lambda r: r.instrument.version).instrument
        # Domains of every version answered (the person's wellbeing first, then the service),
        # in the order of their first statement, named as the newest version names them.
        version_of = {r.instrument_id: r.instrument.version for r in own}
        meta: dict[str, tuple[int, str, str, bool]] = {}
        for instrument_id, domain, label, kind, method, lookup in sorted(
            (rule for rule in rules if rule[0] in ids), key=lambda rule: version_of[rule[0]]
        ):
            meta[domain] = (
                first_item.get((instrument_id, domain), 0),
                label or domain_label(domain),
                kind,
                method == ScoringMethod.MEAN and lookup is None,
            )
        checkins = [
            JourneyCheckin(
                public_id=r.public_id,
                completed_on=r.completed_on or r.submitted_at.date(),  # type: ignore[union-attr]
                channel=r.channel,
                version=r.instrument.version,
                scores=scores_by_domain(r),
            )
            for r in own
        ]
        domains = []
        for domain, (_, label, kind, is_mean) in sorted(
            meta.items(), key=lambda kv: (kv[1][2] != DomainKind.WELLBEING, kv[1][0], kv[0])
        ):
            series = [(c.completed_on, c.scores.get(domain)) for c in checkins]
            scored = [value for _, value in series if value is not None]
            low, high = _chart_range(
                scored, [bounds[(i, domain)] for i in ids if (i, domain) in bounds], is_mean
            )
            first_line = last_line = None
            if len(scored) >= 2:
                first_line = describe_change(
                    scored[0], scored[-1], since="since the first check-in"
                )
            if len(scored) >= 3:
                last_line = describe_change(
                    scored[-2], scored[-1], since="since the check-in before"
                )
            domains.append(
                DomainJourney(
                    key=domain,
                    label=label,
                    kind=kind,
                    low=low,
                    high=high,
                    series=series,
                    since_first=first_line,
                    since_last=last_line,
                    latest=scored[-1] if scored else None,
                )
            )
        sections.append(
            InstrumentJourney(key=key, title=newest.title, responses=checkins, domains=domains)
        )
    return sections


def _chart_range(
    scored: list[Decimal], scale_bounds: list[tuple[int, int]], is_mean: bool
) -> tuple[int, int]:
    """The range a domain's chart spans: its scale's for a mean; else what the scores reach."""
    if is_mean and scale_bounds:
        return min(b[0] for b in scale_bounds), max(b[1] for b in scale_bounds)
    if not scored:
        return 0, 1
    low, high = math.floor(min(scored)), math.ceil(max(scored))
    return low, high if high > low else low + 1


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
