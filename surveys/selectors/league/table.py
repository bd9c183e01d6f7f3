"""A trust's league table for one choice: its teams in order, banded from the funnel plot."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max

from ...models import (
    TeamPeriodScore,
)
from ...statistics import (
    Band,
    Funnel,
)
from .options import LeagueChoice
from .shared import BAND_WORDS, TrustFigures, _f, _funnels, _trust_figures, suppression_threshold


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
