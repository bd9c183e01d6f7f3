"""The portable path of the league rollups: the ORM and `surveys.statistics` in exact decimals."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

from django.db.models import Count, DecimalField, F, Q, Sum

from directory.models import TeamEpisode

from ...choices import Measure
from ...models import ResponseScore, TeamPeriodScore
from .periods import Span, _buckets
from .quantile import t_975

_SIX = Decimal("0.000001")
_FOUR = Decimal("0.0001")

# --- portable: the ORM and surveys.statistics ---------------------------------------------------


@dataclass
class _Sums:
    n: int = 0
    total: Decimal = Decimal(0)
    squares: Decimal = Decimal(0)

    def add(self, n: int, total: Decimal, squares: Decimal) -> None:
        self.n += n
        self.total += total
        self.squares += squares


def _round(value: Decimal, places: Decimal = _SIX) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def figures(
    *, n: int, total: Decimal, squares: Decimal, threshold: int
) -> dict[str, Decimal | None]:
    """Mean, sample sd and the 95% t interval in exact decimals, rounded as stored; empty when
    suppressed. The same arithmetic as the SQL (and as `surveys.statistics.mean_estimate`)."""
    if n < threshold:
        return {"mean": None, "sd": None, "ci_low": None, "ci_high": None}
    with localcontext() as ctx:
        ctx.prec = 40
        mean = total / n
        if n < 2:
            return {"mean": _round(mean), "sd": None, "ci_low": None, "ci_high": None}
        variance = max((n * squares - total * total) / (n * (n - 1)), Decimal(0))
        sd = variance.sqrt()
        half = t_975(n - 1) * sd / Decimal(n).sqrt()
        return {
            "mean": _round(mean),
            "sd": _round(sd),
            "ci_low": _round(mean - half),
            "ci_high": _round(mean + half),
        }


def _caseloads(span: Span, periods: set[tuple[str, datetime.date, datetime.date]]) -> dict:
    """People with an episode overlapping each period, per team and (key None) trust-wide."""
    if not periods:
        return {}
    earliest = min(start for _, start, _ in periods)
    latest = max(end for _, _, end in periods)
    episodes = list(
        TeamEpisode.objects.filter(team__trust_id=span.trust_id, started_on__lt=latest)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=earliest))
        .values_list("person_id", "team_id", "started_on", "ended_on")
    )
    people: dict[tuple, set[int]] = defaultdict(set)
    for kind, start, end in periods:
        for person_id, team_id, started_on, ended_on in episodes:
            if started_on < end and (ended_on is None or ended_on > start):
                people[(kind, start, team_id)].add(person_id)
                people[(kind, start, None)].add(person_id)
    return {key: len(value) for key, value in people.items()}


def _rollup_span_portable(span: Span, *, now: datetime.datetime, threshold: int) -> None:
    scores = ResponseScore.objects.filter(
        sent=True,
        trust_id=span.trust_id,
        period__range=(span.source_first, span.source_last),
    )
    squared: Any = DecimalField(max_digits=24, decimal_places=4)
    per_person = scores.values(
        "team_id", "service_user_id", "period", "instrument_key", "domain"
    ).annotate(
        n=Count("id"),
        total=Sum("score"),
        squares=Sum(F("score") * F("score"), output_field=squared),
        change_n=Count("change"),
        change_total=Sum("change"),
        change_squares=Sum(F("change") * F("change"), output_field=squared),
    )
    sums: dict[tuple, _Sums] = defaultdict(_Sums)
    people: dict[tuple, set[int]] = defaultdict(set)
    wanted = None if span.team_ids is None else set(span.team_ids)
    for row in per_person.order_by():
        measures = [(Measure.LEVEL, row["n"], row["total"], row["squares"])]
        if row["change_n"]:
            measures.append(
                (Measure.CHANGE, row["change_n"], row["change_total"], row["change_squares"])
            )
        for kind, start, end in _buckets(span, row["period"]):
            teams: list[int | None] = [None]
            if wanted is None or row["team_id"] in wanted:
                teams.append(row["team_id"])
            for team_id in teams:
                for measure, n, total, squares in measures:
                    key = (team_id, kind, start, end, row["instrument_key"], row["domain"], measure)
                    sums[key].add(n, Decimal(total), Decimal(squares))
                    people[key].add(row["service_user_id"])
    caseloads = _caseloads(span, {(kind, start, end) for _, kind, start, end, *_ in sums})
    rows = []
    for key in sorted(sums, key=lambda k: (k[0] is not None, k[0] or 0, *k[1:])):
        team_id, kind, start, end, instrument_key, domain, measure = key
        total = sums[key]
        answering = len(people[key])
        caseload = caseloads.get((kind, start, team_id), 0)
        rows.append(
            TeamPeriodScore(
                trust_id=span.trust_id,
                team_id=team_id,
                period_kind=kind,
                period_start=start,
                period_end=end,
                instrument_key=instrument_key,
                domain=domain,
                measure=measure,
                responses=total.n,
                people=answering,
                total=_round(total.total, _FOUR),
                total_squares=_round(total.squares, _FOUR),
                caseload=caseload,
                response_rate=(
                    None
                    if caseload == 0
                    else _round(min(Decimal(answering) / caseload, Decimal(1)))
                ),
                suppressed=total.n < threshold,
                computed_at=now,
                **figures(n=total.n, total=total.total, squares=total.squares, threshold=threshold),
            )
        )
    TeamPeriodScore.objects.filter(span.owned_rows()).delete()
    TeamPeriodScore.objects.bulk_create(rows, batch_size=500)
