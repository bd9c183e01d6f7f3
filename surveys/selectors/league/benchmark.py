"""Other trusts: trust-wide rows only, beside the trust's own, and the aggregate file's rows."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ...models import (
    ExternalBenchmark,
    TeamPeriodScore,
)
from .options import LeagueChoice
from .shared import _f

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
