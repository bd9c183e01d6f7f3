"""League-table reads: the rollup rows (`TeamPeriodScore`) laid out for pages, files and the API.

Nothing here reads a response: every figure comes from the rows the rollup jobs wrote, so a page
costs the same few queries whatever the number of responses or teams. Bands come from the
funnel plot (`surveys.statistics`), never from neighbours in the order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from directory.models import Team

from ..choices import Domain, DomainKind, Measure, PeriodKind, RollupStatus
from ..models import (
    ExternalBenchmark,
    Item,
    RollupRun,
    ScoringRule,
    TeamPeriodScore,
    TeamProcessChange,
)
from ..statistics import (
    Band,
    Direction,
    Funnel,
    Rollup,
    SpcPoint,
    XmrChart,
    mean_funnel,
    proportion_funnel,
    xmr_chart,
)
from .checkins import BUILT_IN_KEY

# Only for rows whose instrument is no longer stored: each instrument's scoring rules say which
# of its domains are about how the person is doing.
_BUILT_IN_WELLBEING = frozenset({Domain.HOPE, Domain.CONTROL, Domain.OPPORTUNITY})

BAND_WORDS = {
    Band.ABOVE_998: "Well above the trust (beyond 99.8% limit)",
    Band.ABOVE_95: "Above the trust (beyond 95% limit)",
    Band.WITHIN: "Within the limits",
    Band.BELOW_95: "Below the trust (beyond 95% limit)",
    Band.BELOW_998: "Well below the trust (beyond 99.8% limit)",
    Band.SUPPRESSED: "Too few responses",
}


def suppression_threshold() -> int:
    return int(settings.LEAGUE_SUPPRESSION_THRESHOLD)


def domain_label(domain: str) -> str:
    try:
        return str(Domain(domain).label)
    except ValueError:
        return domain.replace("-", " ").replace("_", " ").capitalize()


@dataclass(frozen=True)
class DomainInfo:
    """How an instrument's scoring rule says one domain is read: its name, its kind and which way
    is better."""

    domain: str
    label: str
    kind: str
    higher_is_better: bool = True
    position: int = 0  # the number of the domain's first statement: the check-in's own order

    @property
    def default_measure(self) -> str:
        # Domains about how the person is doing are compared as distance travelled, never as raw
        # levels ranked: a team that works with people who are more unwell is not a worse team.
        return Measure.CHANGE if self.kind == DomainKind.WELLBEING else Measure.LEVEL

    @property
    def is_service(self) -> bool:
        return self.kind == DomainKind.SERVICE


def _domain_info(
    domain: str,
    label: str | None,
    kind: str | None,
    higher_is_better: bool | None,
    position: int | None = None,
) -> DomainInfo:
    """A domain's reading from its scoring rule's columns, annotated on a row by `_RULE`; a domain
    whose instrument is no longer stored is read as the built-in check-in would read it."""
    if kind is None:
        kind = DomainKind.WELLBEING if domain in _BUILT_IN_WELLBEING else DomainKind.SERVICE
    return DomainInfo(
        domain=domain,
        label=label or domain_label(domain),
        kind=kind,
        higher_is_better=True if higher_is_better is None else higher_is_better,
        position=_fallback_position(domain) if position is None else position,
    )


def _fallback_position(domain: str) -> int:
    order = [Domain.HOPE, Domain.CONTROL, Domain.OPPORTUNITY]
    return order.index(Domain(domain)) if domain in order else 10_000


def _annotated_info(row: TeamPeriodScore) -> DomainInfo:
    """The reading of a row fetched through `_with_rule`."""
    return _domain_info(
        row.domain,
        getattr(row, "rule_label", None),
        getattr(row, "rule_kind", None),
        getattr(row, "rule_higher", None),
        getattr(row, "rule_position", None),
    )


@dataclass(frozen=True)
class DomainInfos:
    """Domain readings per instrument key, from the newest version's scoring rules."""

    by_key: dict[str, dict[str, DomainInfo]]

    def get(self, instrument_key: str, domain: str) -> DomainInfo:
        found = self.by_key.get(instrument_key, {}).get(domain)
        return found if found is not None else _domain_info(domain, None, None, None)

    def add(self, instrument_key: str, info: DomainInfo) -> None:
        self.by_key.setdefault(instrument_key, {})[info.domain] = info


def _with_rule(rows: QuerySet[TeamPeriodScore]) -> QuerySet[TeamPeriodScore]:
    """The scoring rule of each rollup row's domain (the instrument's newest version), as columns
    of the rows' own query, so reading it costs no query of its own."""
    newest = ScoringRule.objects.filter(
        instrument__key=OuterRef("instrument_key"), domain=OuterRef("domain")
    ).order_by("-instrument__version")
    return rows.annotate(
        rule_label=Subquery(newest.values("label")[:1]),
        rule_kind=Subquery(newest.values("kind")[:1]),
        rule_higher=Subquery(newest.values("higher_is_better")[:1]),
        rule_title=Subquery(newest.values("instrument__title")[:1]),
        rule_position=Subquery(
            Item.objects.filter(
                instrument__key=OuterRef("instrument_key"), domain=OuterRef("domain")
            )
            .order_by("-instrument__version", "number")
            .values("number")[:1]
        ),
    )


def period_label(kind: str, start: datetime.date) -> str:
    if kind == PeriodKind.QUARTER:
        return f"Quarter from {start:%B %Y}"
    if kind == PeriodKind.ROLLING_12:
        return f"12 months from {start:%B %Y}"
    return f"{start:%B %Y}"


def _f(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class LeagueChoice:
    """What a league table shows: one period of one kind, one instrument's domain and measure."""

    period_kind: str
    period_start: datetime.date
    instrument_key: str
    domain: str
    measure: str
    label: str = field(default="", compare=False)

    @property
    def period_label(self) -> str:
        return period_label(self.period_kind, self.period_start)

    @property
    def domain_label(self) -> str:
        return self.label or domain_label(self.domain)


@dataclass(frozen=True)
class LeagueOptions:
    """What the trust has rows for, for the choice form; `default` is what to show first."""

    periods: dict[str, list[datetime.date]]  # newest first, per period kind
    domains: dict[str, list[str]]  # per instrument key
    measures: dict[tuple[str, str], list[str]]  # per (instrument key, domain)
    default: LeagueChoice | None
    infos: DomainInfos = field(default_factory=lambda: DomainInfos({}))
    titles: dict[str, str] = field(default_factory=dict)  # each instrument key's title

    def instrument_titles(self) -> dict[str, str]:
        """Each instrument's title for the choice form (its key where it is no longer stored)."""
        return {key: self.titles.get(key) or key for key in self.domains}

    def choice(
        self,
        *,
        period_kind: str,
        period_start: datetime.date,
        instrument_key: str,
        domain: str,
        measure: str,
    ) -> LeagueChoice:
        """A choice with its domain's label from the instrument's scoring rule."""
        return LeagueChoice(
            period_kind,
            period_start,
            instrument_key,
            domain,
            measure,
            label=self.infos.get(instrument_key, domain).label,
        )

    def domain_labels(self) -> dict[str, str]:
        """Each domain's label for the choice form (the built-in check-in's when names clash)."""
        labels: dict[str, str] = {}
        for key in sorted(self.domains, key=lambda k: k == BUILT_IN_KEY):
            for name in self.domains[key]:
                labels[name] = self.infos.get(key, name).label
        return labels


# What the choice form needs of each trust-wide row, with its domain's scoring rule.
_OPTION_COLUMNS = (
    "period_kind",
    "period_start",
    "instrument_key",
    "domain",
    "measure",
    "rule_label",
    "rule_kind",
    "rule_higher",
    "rule_position",
    "rule_title",
)


def league_options(*, trust_id: int) -> LeagueOptions:
    """The periods, instruments, domains and measures the trust's trust-wide rows cover, and how
    each domain is read: one query."""
    rows = (
        _with_rule(TeamPeriodScore.objects.filter(trust_id=trust_id, team__isnull=True))
        .values_list(*_OPTION_COLUMNS)
        .distinct()
    )
    periods: dict[str, set[datetime.date]] = {}
    domains: dict[str, set[str]] = {}
    measures: dict[tuple[str, str], set[str]] = {}
    infos = DomainInfos({})
    titles: dict[str, str] = {}
    for kind, start, key, domain, measure, label, domain_kind, higher, position, title in rows:
        infos.add(key, _domain_info(domain, label, domain_kind, higher, position))
        if title:
            titles[key] = title
        periods.setdefault(kind, set()).add(start)
        domains.setdefault(key, set()).add(domain)
        measures.setdefault((key, domain), set()).add(measure)
    ordered_periods = {kind: sorted(days, reverse=True) for kind, days in periods.items()}
    ordered_domains = {
        key: sorted(names, key=partial(_domain_order, infos, key)) for key, names in domains.items()
    }
    default = None
    if ordered_periods and ordered_domains:
        kind = PeriodKind.MONTH if PeriodKind.MONTH in ordered_periods else next(iter(periods))
        key = BUILT_IN_KEY if BUILT_IN_KEY in ordered_domains else sorted(ordered_domains)[0]
        names = ordered_domains[key]
        # The first domain about the team's help (ranked by level), else the first wellbeing
        # domain as distance travelled.
        service = [name for name in names if infos.get(key, name).is_service]
        domain = service[0] if service else names[0]
        wanted = infos.get(key, domain).default_measure
        available = measures[(key, domain)]
        measure = wanted if wanted in available else sorted(available)[0]
        default = LeagueChoice(
            kind,
            ordered_periods[kind][0],
            key,
            domain,
            measure,
            label=infos.get(key, domain).label,
        )
    return LeagueOptions(
        periods=ordered_periods,
        domains=ordered_domains,
        measures={pair: sorted(values) for pair, values in measures.items()},
        default=default,
        infos=infos,
        titles=titles,
    )


def as_at(*, trust_id: int) -> datetime.datetime | None:
    """When the figures were worked out: the latest finished rollup run covering the trust, or,
    without one, the newest row's computed time. At most two queries."""
    run = (
        RollupRun.objects.filter(Q(trust_id=trust_id) | Q(trust__isnull=True))
        .filter(status=RollupStatus.DONE, finished_at__isnull=False)
        .aggregate(latest=Max("finished_at"))["latest"]
    )
    if run is not None:
        return run
    return TeamPeriodScore.objects.filter(trust_id=trust_id).aggregate(latest=Max("computed_at"))[
        "latest"
    ]


@dataclass(frozen=True)
class LeagueRow:
    """One team's figures, band and change since the previous period; mean and interval are None
    when suppressed."""

    team_id: int
    team_name: str
    team_public_id: str
    responses: int
    people: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    caseload: int | None
    response_rate: float | None
    suppressed: bool
    band: Band
    rate_band: Band
    previous_mean: float | None
    lower_95: float | None = None
    upper_95: float | None = None
    lower_998: float | None = None
    upper_998: float | None = None

    @property
    def change(self) -> float | None:
        if self.mean is None or self.previous_mean is None:
            return None
        return self.mean - self.previous_mean

    @property
    def band_words(self) -> str:
        return BAND_WORDS[self.band]

    @property
    def rate_band_words(self) -> str:
        return BAND_WORDS[self.rate_band]


@dataclass(frozen=True)
class TrustFigures:
    """The trust-wide row: the target of the funnel."""

    responses: int
    people: int
    mean: float | None
    sd: float | None
    ci_low: float | None
    ci_high: float | None
    response_rate: float | None
    suppressed: bool


@dataclass(frozen=True)
class League:
    choice: LeagueChoice
    rows: list[LeagueRow]
    trust: TrustFigures | None
    previous_start: datetime.date | None
    funnel: Funnel | None
    rate_funnel: Funnel | None
    overdispersion: bool
    threshold: int = field(default=8)

    @property
    def shown(self) -> list[LeagueRow]:
        return [row for row in self.rows if not row.suppressed]


def _previous_start(trust_id: int, choice: LeagueChoice) -> datetime.date | None:
    return TeamPeriodScore.objects.filter(
        trust_id=trust_id,
        team__isnull=True,
        period_kind=choice.period_kind,
        instrument_key=choice.instrument_key,
        domain=choice.domain,
        measure=choice.measure,
        period_start__lt=choice.period_start,
    ).aggregate(previous=Max("period_start"))["previous"]


def _trust_figures(row: TeamPeriodScore | None) -> TrustFigures | None:
    if row is None:
        return None
    return TrustFigures(
        responses=row.responses,
        people=row.people,
        mean=_f(row.mean),
        sd=_f(row.sd),
        ci_low=_f(row.ci_low),
        ci_high=_f(row.ci_high),
        response_rate=_f(row.response_rate),
        suppressed=row.suppressed,
    )


def _funnels(
    team_rows: list[TeamPeriodScore],
    trust: TrustFigures | None,
    *,
    overdispersion: bool,
    threshold: int,
) -> tuple[Funnel | None, Funnel | None]:
    funnel = None
    if trust is not None and not trust.suppressed and trust.mean is not None and trust.sd:
        funnel = mean_funnel(
            units={
                str(row.team_id): Rollup(
                    count=row.responses,
                    total=float(row.total),
                    total_squares=float(row.total_squares),
                )
                for row in team_rows
            },
            target=trust.mean,
            sd=trust.sd,
            overdispersion=overdispersion,
            threshold=threshold,
        )
    rated = {
        str(row.team_id): (min(row.people, row.caseload), row.caseload)
        for row in team_rows
        if row.caseload
    }
    rate_funnel = None
    if rated and sum(n for _, n in rated.values()):
        target = trust.response_rate if trust is not None else None
        rate_funnel = proportion_funnel(units=rated, target=target, threshold=threshold)
    return funnel, rate_funnel


def league_table(*, trust_id: int, choice: LeagueChoice, overdispersion: bool = False) -> League:
    """The trust's teams for one choice, ordered by mean (suppressed rows last), each with its
    funnel band, response-rate band and change since the previous period of the same kind.

    Three queries whatever the number of teams.
    """
    threshold = suppression_threshold()
    previous = _previous_start(trust_id, choice)
    starts = [choice.period_start] + ([previous] if previous else [])
    rows = list(
        TeamPeriodScore.objects.filter(
            trust_id=trust_id,
            period_kind=choice.period_kind,
            period_start__in=starts,
            instrument_key=choice.instrument_key,
            domain=choice.domain,
            measure=choice.measure,
        ).select_related("team")
    )
    current = [row for row in rows if row.period_start == choice.period_start]
    trust_row = next((row for row in current if row.team_id is None), None)
    team_rows = [row for row in current if row.team_id is not None]
    previous_means = {
        row.team_id: _f(row.mean)
        for row in rows
        if row.period_start == previous and row.team_id is not None and not row.suppressed
    }
    trust = _trust_figures(trust_row)
    funnel, rate_funnel = _funnels(
        team_rows, trust, overdispersion=overdispersion, threshold=threshold
    )
    placed = {unit.key: unit for unit in funnel.units} if funnel else {}
    rate_placed = {unit.key: unit for unit in rate_funnel.units} if rate_funnel else {}
    league_rows: list[LeagueRow] = []
    for row in team_rows:
        assert row.team is not None
        unit = placed.get(str(row.team_id))
        rate_unit = rate_placed.get(str(row.team_id))
        suppressed = row.suppressed or row.mean is None
        limits = unit.limits if unit is not None else None
        league_rows.append(
            LeagueRow(
                team_id=row.team.pk,
                team_name=row.team.name,
                team_public_id=str(row.team.public_id),
                responses=row.responses,
                people=row.people,
                mean=None if suppressed else _f(row.mean),
                sd=None if suppressed else _f(row.sd),
                ci_low=None if suppressed else _f(row.ci_low),
                ci_high=None if suppressed else _f(row.ci_high),
                caseload=row.caseload,
                response_rate=_f(row.response_rate),
                suppressed=suppressed,
                band=Band.SUPPRESSED if suppressed or unit is None else unit.band,
                rate_band=rate_unit.band if rate_unit is not None else Band.SUPPRESSED,
                previous_mean=None if suppressed else previous_means.get(row.team.pk),
                lower_95=limits.lower_95 if limits else None,
                upper_95=limits.upper_95 if limits else None,
                lower_998=limits.lower_998 if limits else None,
                upper_998=limits.upper_998 if limits else None,
            )
        )
    league_rows.sort(
        key=lambda r: (r.suppressed, -(r.mean if r.mean is not None else 0.0), r.team_name)
    )
    return League(
        choice=choice,
        rows=league_rows,
        trust=trust,
        previous_start=previous,
        funnel=funnel,
        rate_funnel=rate_funnel,
        overdispersion=overdispersion,
        threshold=threshold,
    )


# --- a team over time -----------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesMonth:
    period_start: datetime.date
    responses: int
    mean: float | None  # None when suppressed: a gap the chart skips
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    point: SpcPoint | None = None


@dataclass(frozen=True)
class DomainSeries:
    """One domain's monthly figures for a team and its XmR chart over the shown months.

    Suppressed months are left out of the chart (skipped, not zero and not joined across): the
    XmR rules read consecutive shown months, and the table lists every month, the suppressed
    ones as "too few responses". Limits are trial limits under 12 shown months.
    """

    domain: str
    measure: str
    months: list[SeriesMonth]
    chart: XmrChart
    label: str = ""

    @property
    def shown(self) -> list[SeriesMonth]:
        return [month for month in self.months if month.point is not None]


@dataclass(frozen=True)
class TeamPosition:
    """The team's place among the trust's teams in the latest month, per domain."""

    domain: str
    measure: str
    period_start: datetime.date
    rank: int | None
    ranked: int
    band: Band
    label: str = ""

    @property
    def band_words(self) -> str:
        return BAND_WORDS[self.band]


def team_series(
    *, team: Team, instrument_key: str = BUILT_IN_KEY, rebase_months: tuple[datetime.date, ...] = ()
) -> list[DomainSeries]:
    """Each domain of the instrument over the months, as its default measure, improvement read
    the way its scoring rule says: one query."""
    rows = _with_rule(
        TeamPeriodScore.objects.filter(
            team=team, instrument_key=instrument_key, period_kind=PeriodKind.MONTH
        )
    ).order_by("domain", "period_start")
    infos = DomainInfos({})
    by_domain: dict[str, list[TeamPeriodScore]] = {}
    for row in rows:
        if row.domain not in infos.by_key.get(instrument_key, {}):
            infos.add(
                instrument_key,
                _annotated_info(row),
            )
        if row.measure == infos.get(instrument_key, row.domain).default_measure:
            by_domain.setdefault(row.domain, []).append(row)
    series: list[DomainSeries] = []
    for domain in sorted(by_domain, key=lambda name: _domain_order(infos, instrument_key, name)):
        info = infos.get(instrument_key, domain)
        months = by_domain[domain]
        shown = [row for row in months if not row.suppressed and row.mean is not None]
        rebase_at = [
            index
            for index, row in enumerate(shown)
            if any(
                row.period_start >= change
                and (index == 0 or shown[index - 1].period_start < change)
                for change in rebase_months
            )
        ]
        chart = xmr_chart(
            [float(row.mean) for row in shown if row.mean is not None],
            improvement=Direction.INCREASE if info.higher_is_better else Direction.DECREASE,
            rebase_at=rebase_at,
        )
        points = {row.pk: point for row, point in zip(shown, chart.points, strict=True)}
        series.append(
            DomainSeries(
                domain=domain,
                measure=months[0].measure,
                months=[
                    SeriesMonth(
                        period_start=row.period_start,
                        responses=row.responses,
                        mean=None if row.suppressed else _f(row.mean),
                        ci_low=None if row.suppressed else _f(row.ci_low),
                        ci_high=None if row.suppressed else _f(row.ci_high),
                        suppressed=row.suppressed or row.mean is None,
                        point=points.get(row.pk),
                    )
                    for row in months
                ],
                chart=chart,
                label=info.label,
            )
        )
    return series


def _domain_order(infos: DomainInfos, instrument_key: str, domain: str) -> tuple[int, int, str]:
    """Service domains first (they are what the league ranks), each kind in the check-in's own
    order."""
    info = infos.get(instrument_key, domain)
    return (0 if info.is_service else 1, info.position, domain)


def team_positions(*, team: Team, instrument_key: str = BUILT_IN_KEY) -> list[TeamPosition]:
    """The team's rank and funnel band among the trust's teams in the latest month it has rows
    for, per domain: two queries. Ranks are shown beside the band, which is what matters."""
    latest = TeamPeriodScore.objects.filter(
        team=team, instrument_key=instrument_key, period_kind=PeriodKind.MONTH
    ).aggregate(latest=Max("period_start"))["latest"]
    if latest is None:
        return []
    rows = list(
        _with_rule(
            TeamPeriodScore.objects.filter(
                trust_id=team.trust_id,
                instrument_key=instrument_key,
                period_kind=PeriodKind.MONTH,
                period_start=latest,
            )
        )
    )
    positions: list[TeamPosition] = []
    threshold = suppression_threshold()
    infos = DomainInfos({})
    for row in rows:
        infos.add(
            instrument_key,
            _annotated_info(row),
        )
    domains = sorted(
        {row.domain for row in rows}, key=lambda name: _domain_order(infos, instrument_key, name)
    )
    for domain in domains:
        info = infos.get(instrument_key, domain)
        measure = info.default_measure
        these = [row for row in rows if row.domain == domain and row.measure == measure]
        trust = _trust_figures(next((row for row in these if row.team_id is None), None))
        team_rows = [row for row in these if row.team_id is not None]
        own = next((row for row in team_rows if row.team_id == team.pk), None)
        if own is None:
            continue
        funnel, _ = _funnels(team_rows, trust, overdispersion=False, threshold=threshold)
        band = Band.SUPPRESSED
        if funnel is not None and not own.suppressed:
            band = next(unit.band for unit in funnel.units if unit.key == str(team.pk))
        ranked = sorted(
            (row for row in team_rows if not row.suppressed and row.mean is not None),
            key=lambda row: -float(row.mean or 0),
        )
        rank = next((i + 1 for i, row in enumerate(ranked) if row.team_id == team.pk), None)
        positions.append(
            TeamPosition(
                domain=domain,
                measure=measure,
                period_start=latest,
                rank=rank,
                ranked=len(ranked),
                band=band,
                label=info.label,
            )
        )
    return positions


# --- other trusts: trust-wide rows only -------------------------------------------------------


@dataclass(frozen=True)
class BenchmarkRow:
    trust_name: str
    ods_code: str
    own: bool
    responses: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool
    imported: bool = False


def benchmark_rows(*, trust_id: int, choice: LeagueChoice) -> list[BenchmarkRow]:
    """Every trust's trust-wide row on this instance for the choice, and the rows the caller's
    trust imported from other instances: names only, never a team. Two queries; the caller's
    own trust first, then by mean."""
    rows = TeamPeriodScore.objects.filter(
        team__isnull=True,
        period_kind=choice.period_kind,
        period_start=choice.period_start,
        instrument_key=choice.instrument_key,
        domain=choice.domain,
        measure=choice.measure,
    ).select_related("trust")
    result = [
        BenchmarkRow(
            trust_name=row.trust.name,
            ods_code=row.trust.ods_code or "",
            own=row.trust_id == trust_id,
            responses=row.responses,
            mean=None if row.suppressed else _f(row.mean),
            ci_low=None if row.suppressed else _f(row.ci_low),
            ci_high=None if row.suppressed else _f(row.ci_high),
            suppressed=row.suppressed or row.mean is None,
        )
        for row in rows
    ]
    imported = ExternalBenchmark.objects.filter(
        trust_id=trust_id,
        period_kind=choice.period_kind,
        period_start=choice.period_start,
        instrument_key=choice.instrument_key,
        domain=choice.domain,
        measure=choice.measure,
    )
    result += [
        BenchmarkRow(
            trust_name=row.trust_name,
            ods_code=row.ods_code,
            own=False,
            responses=row.responses,
            mean=None if row.suppressed else _f(row.mean),
            ci_low=None if row.suppressed else _f(row.ci_low),
            ci_high=None if row.suppressed else _f(row.ci_high),
            suppressed=row.suppressed or row.mean is None,
            imported=True,
        )
        for row in imported
    ]
    result.sort(key=lambda r: (not r.own, r.suppressed, -(r.mean or 0.0), r.trust_name))
    return result


@dataclass(frozen=True)
class TrustRow:
    """One of the trust's own trust-wide rows, as the aggregate file carries it."""

    period_kind: str
    period_start: datetime.date
    period_end: datetime.date
    instrument_key: str
    domain: str
    measure: str
    responses: int
    mean: float | None
    ci_low: float | None
    ci_high: float | None
    suppressed: bool


def trust_rows(*, trust_id: int) -> list[TrustRow]:
    """Every trust-wide row of the trust, suppression applied (no mean or interval): one query."""
    rows = TeamPeriodScore.objects.filter(trust_id=trust_id, team__isnull=True).order_by(
        "period_kind", "period_start", "instrument_key", "domain", "measure"
    )
    return [
        TrustRow(
            period_kind=row.period_kind,
            period_start=row.period_start,
            period_end=row.period_end,
            instrument_key=row.instrument_key,
            domain=row.domain,
            measure=row.measure,
            responses=row.responses,
            mean=None if row.suppressed else _f(row.mean),
            ci_low=None if row.suppressed else _f(row.ci_low),
            ci_high=None if row.suppressed else _f(row.ci_high),
            suppressed=row.suppressed or row.mean is None,
        )
        for row in rows
    ]


def process_changes(*, team: Team) -> list[TeamProcessChange]:
    """The team's recorded changes, oldest first: one query."""
    return list(TeamProcessChange.objects.filter(team=team).order_by("month"))
