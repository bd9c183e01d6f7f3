"""League rows written directly, as the rollup jobs would, so page tests don't depend on them.

`period_scores` takes each team's scores for one period, writes one row per team and the
trust-wide row, with count, sums, mean, sd and interval from `surveys.statistics`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.utils import timezone

from common.dates import add_months
from directory.models import Team, Trust
from surveys.choices import Measure, PeriodKind
from surveys.models import TeamPeriodScore
from surveys.selectors import BUILT_IN_KEY
from surveys.selectors.league import league_version_bump
from surveys.statistics import Rollup, mean_estimate, merge_all

THRESHOLD = 8


def _d(value: float | None, places: int = 6) -> Decimal | None:
    return None if value is None else round(Decimal(str(value)), places)


def score_row(
    *,
    trust: Trust,
    team: Team | None,
    rollup: Rollup,
    period: datetime.date,
    domain: str,
    measure: str = Measure.LEVEL,
    kind: str = PeriodKind.MONTH,
    instrument_key: str = BUILT_IN_KEY,
    caseload: int | None = None,
    people: int | None = None,
) -> TeamPeriodScore:
    estimate = mean_estimate(rollup, threshold=THRESHOLD)
    months = {"month": 1, "quarter": 3, "rolling_12": 12}[str(kind)]
    people = rollup.count if people is None else people
    return TeamPeriodScore.objects.create(
        trust=trust,
        team=team,
        period_kind=kind,
        period_start=period,
        period_end=add_months(period, months),
        instrument_key=instrument_key,
        domain=domain,
        measure=measure,
        responses=rollup.count,
        people=people,
        total=round(Decimal(str(rollup.total)), 4),
        total_squares=round(Decimal(str(rollup.total_squares)), 4),
        mean=_d(estimate.mean),
        sd=_d(estimate.sd),
        ci_low=_d(estimate.lower),
        ci_high=_d(estimate.upper),
        caseload=caseload,
        response_rate=_d(people / caseload) if caseload else None,
        suppressed=estimate.suppressed,
        computed_at=timezone.now(),
    )


def period_scores(
    *,
    trust: Trust,
    scores: Mapping[Team, Sequence[float]],
    period: datetime.date,
    domain: str = "hope",
    measure: str = Measure.LEVEL,
    kind: str = PeriodKind.MONTH,
    instrument_key: str = BUILT_IN_KEY,
    caseloads: Mapping[Team, int] | None = None,
) -> dict[Team | None, TeamPeriodScore]:
    """One row per team and the trust-wide row (team None) for one period."""
    rows: dict[Team | None, TeamPeriodScore] = {}
    rollups = {team: Rollup.of(values) for team, values in scores.items()}
    for team, rollup in rollups.items():
        rows[team] = score_row(
            trust=trust,
            team=team,
            rollup=rollup,
            period=period,
            domain=domain,
            measure=measure,
            kind=kind,
            instrument_key=instrument_key,
            caseload=(caseloads or {}).get(team),
        )
    total_caseload = sum((caseloads or {}).values()) or None
    rows[None] = score_row(
        trust=trust,
        team=None,
        rollup=merge_all(rollups.values()),
        period=period,
        domain=domain,
        measure=measure,
        kind=kind,
        instrument_key=instrument_key,
        caseload=total_caseload,
    )
    # As the rollup does when it writes rows: pages drop the figures they kept.
    league_version_bump([trust.pk])
    return rows


def spread(mean: float, count: int, *, width: float = 1.0) -> list[float]:
    """`count` scores around `mean`, alternating above and below, so the sd is non-zero."""
    return [mean + (width if i % 2 else -width) * ((i % 3) + 1) / 3 for i in range(count)]
