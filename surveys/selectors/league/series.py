"""A team over time: its series per domain, its positions in the league, its process changes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Max

from directory.models import Team

from ...choices import PeriodKind
from ...models import (
    TeamPeriodScore,
    TeamProcessChange,
)
from ...statistics import (
    Band,
    Direction,
    SpcPoint,
    XmrChart,
    xmr_chart,
)
from ..checkins import BUILT_IN_KEY
from .shared import (
    BAND_WORDS,
    DomainInfos,
    _annotated_info,
    _domain_order,
    _f,
    _funnels,
    _trust_figures,
    _with_rule,
    suppression_threshold,
)
from .version import kept_under_version

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


def team_months(
    *, team: Team, instrument_key: str = BUILT_IN_KEY, version: str | None = None
) -> list[datetime.date]:
    """The months the team has figures for, newest first (what a change can be recorded from):
    one query over the team's index, without working out the series."""
    return kept_under_version(
        team.trust_id,
        f"team-months:{team.pk}:{instrument_key}",
        lambda: list(
            TeamPeriodScore.objects.filter(
                team=team, instrument_key=instrument_key, period_kind=PeriodKind.MONTH
            )
            .order_by("-period_start")
            .values_list("period_start", flat=True)
            .distinct()
        ),
        version=version,
    )


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


def process_changes(*, team: Team, version: str | None = None) -> list[TeamProcessChange]:
    """The team's recorded changes, oldest first: one query, kept until the league version
    changes (recording a change renews it)."""
    return kept_under_version(
        team.trust_id,
        f"process-changes:{team.pk}",
        lambda: list(TeamProcessChange.objects.filter(team=team).order_by("month")),
        version=version,
    )
