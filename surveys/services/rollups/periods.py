"""Which rollup rows a batch owns: the months, quarters and rolling 12 months of a span."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from common.dates import add_months

from ...choices import PeriodKind

# --- which rows a batch owns --------------------------------------------------------------------


def quarter_of(month: datetime.date) -> datetime.date:
    return month.replace(month=(month.month - 1) // 3 * 3 + 1, day=1)


@dataclass(frozen=True)
class Span:
    """The rows one batch recomputes: month rows for months first..last, quarter rows for the
    quarters holding them, rolling-12 rows ending in months first..rolling_last. With `team_ids`,
    only those teams' rows (and the trust-wide rows) are redone."""

    trust_id: int
    first: datetime.date
    last: datetime.date
    rolling_last: datetime.date
    team_ids: tuple[int, ...] | None = None

    @property
    def quarter_first(self) -> datetime.date:
        return quarter_of(self.first)

    @property
    def quarter_last(self) -> datetime.date:
        return quarter_of(self.last)

    @property
    def rolling_start_first(self) -> datetime.date:
        return add_months(self.first, -11)

    @property
    def rolling_start_last(self) -> datetime.date:
        return add_months(self.rolling_last, -11)

    @property
    def source_first(self) -> datetime.date:
        return self.rolling_start_first

    @property
    def source_last(self) -> datetime.date:
        return max(add_months(self.quarter_last, 2), self.rolling_last)

    @property
    def source_end(self) -> datetime.date:
        """The first day after the last month the span reads."""
        return add_months(self.source_last, 1)

    def owned_rows(self) -> Q:
        """The rollup rows this span replaces."""
        kinds = (
            Q(period_kind=PeriodKind.MONTH, period_start__range=(self.first, self.last))
            | Q(
                period_kind=PeriodKind.QUARTER,
                period_start__range=(self.quarter_first, self.quarter_last),
            )
            | Q(
                period_kind=PeriodKind.ROLLING_12,
                period_start__range=(self.rolling_start_first, self.rolling_start_last),
            )
        )
        owned = Q(trust_id=self.trust_id) & kinds
        if self.team_ids is not None:
            owned &= Q(team__isnull=True) | Q(team_id__in=self.team_ids)
        return owned


def _buckets(
    span: Span, period: datetime.date
) -> Iterable[tuple[str, datetime.date, datetime.date]]:
    """The (kind, start, end) rows of `span` a month's scores count towards."""
    if span.first <= period <= span.last:
        yield PeriodKind.MONTH, period, add_months(period, 1)
    quarter = quarter_of(period)
    if span.quarter_first <= quarter <= span.quarter_last:
        yield PeriodKind.QUARTER, quarter, add_months(quarter, 3)
    end = max(period, span.first)
    last = min(add_months(period, 11), span.rolling_last)
    while end <= last:
        yield PeriodKind.ROLLING_12, add_months(end, -11), add_months(end, 1)
        end = add_months(end, 1)
