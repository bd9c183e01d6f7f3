"""Reads for a person's journey: their sent check-ins, the overview and the journey page's
sections, with the words that describe a change."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from directory.models import ServiceUser

from ..choices import DomainKind, ResponseStatus, ScoringMethod
from ..models import Item, Response, ResponseScore, ScoringRule
from ..models.instruments import domain_label
from .checkins import BUILT_IN_KEY


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


def score_words(value: Decimal) -> str:
    """A score as people write it: 4, 3.5, 4.25 (no trailing zeros)."""
    text = f"{value.quantize(Decimal('0.01')):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# How big a change reads, as a share of the range the scores can take (on a 1 to 5 scale:
# under 0.2 is about the same, under 0.6 a little, under 1.4 plainly, beyond that much).
CHANGE_WORDS = ((0.05, ""), (0.15, "a little "), (0.35, ""), (1.0, "much "))


def describe_change(
    before: Decimal | None,
    after: Decimal | None,
    *,
    before_on: datetime.date,
    after_on: datetime.date,
    low: int,
    high: int,
    which: str,
) -> str | None:
    """A change between two scores in words ("A little higher than in March 2026 (the first
    check-in)."), or None when either is missing. The numbers themselves are in the table."""
    if before is None or after is None:
        return None
    when = (
        f"on {before_on:%-d %B}"
        if (before_on.year, before_on.month) == (after_on.year, after_on.month)
        else f"in {before_on:%B %Y}"
    )
    share = float(abs(after - before)) / max(high - low, 1)
    if share < CHANGE_WORDS[0][0]:
        return f"About the same as {when} ({which})."
    size = next((words for limit, words in CHANGE_WORDS[1:] if share < limit), "much ")
    direction = "higher" if after > before else "lower"
    return f"{(size + direction).capitalize()} than {when} ({which})."


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
            dated = [(day, value) for day, value in series if value is not None]
            scored = [value for _, value in dated]
            low, high = _chart_range(
                scored, [bounds[(i, domain)] for i in ids if (i, domain) in bounds], is_mean
            )
            first_line = last_line = None
            if len(dated) >= 2:
                first_line = describe_change(
                    dated[0][1],
                    dated[-1][1],
                    before_on=dated[0][0],
                    after_on=dated[-1][0],
                    low=low,
                    high=high,
                    which="the first check-in",
                )
            if len(dated) >= 3:
                last_line = describe_change(
                    dated[-2][1],
                    dated[-1][1],
                    before_on=dated[-2][0],
                    after_on=dated[-1][0],
                    low=low,
                    high=high,
                    which="the check-in before",
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
