"""League-table rollups: the sent scores of a trust summed into `TeamPeriodScore`, set-based.

A rollup row is a function of the sent `ResponseScore` rows and the dated team history alone, so
every way of computing it (a full recompute in batches, the incremental update of pending
team-periods, the nightly run, two at once, a rerun after a killed worker) leaves the identical
table. How:

- On PostgreSQL one statement per batch: the scores of one trust and range of months are bucketed
  into months, quarters and rolling 12 months, grouped (team rows and the trust-wide row in one
  pass, by GROUPING SETS), the figures worked out in exact numerics, upserted on the unique keys,
  and the rows of the batch's range that were not produced (everything withdrawn) deleted.
- Elsewhere (SQLite, the embedded default) one GROUP BY query per batch through the ORM, the
  figures from `surveys.statistics` in exact decimals, rows replaced delete-then-insert (Django
  cannot upsert on a partial unique index there).
- Each batch is one transaction holding a per-trust advisory lock (PostgreSQL), so two rollups of
  a trust take turns and a batch killed midway rolls back whole.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from typing import Any

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.db.models import Count, DecimalField, F, Min, Q, Sum
from django.utils import timezone

from common.dates import add_months, month_of, trust_today
from directory.audit import AuditContext
from directory.models import TeamEpisode, Trust, User

from ..choices import Measure, PeriodKind, RollupKind, RollupStatus
from ..models import ResponseScore, RollupPending, RollupRun, TeamPeriodScore
from ..statistics import t_quantile, z_for

log = logging.getLogger(__name__)

# Months per batch of a full recompute: one calendar quarter, so each quarter's row is computed
# once. A batch reads 14 months of one trust's scores (the rolling 12-month rows need the 11
# months before it) through the partial rollup index: about 0.2 s per 100k scores on PostgreSQL.
ROLLUP_BATCH_MONTHS = 3
# How long a burst of sends is gathered before the one incremental update runs.
ROLLUP_COALESCE_SECONDS = 30
# The t quantile is looked up exactly up to this many degrees of freedom (about 7 ms each to
# work out, once per process); beyond it the Cornish-Fisher expansion around the normal value
# is within 1e-10 of it.
T_TABLE_MAX_DF = 100
# A "recompute now" still queued or running after this long is taken to have died with its
# worker, and no longer stops another being asked for.
ROLLUP_RUN_STALE = datetime.timedelta(hours=2)
# Separates this lock's keys from any other advisory locks (two-key form: namespace, trust id).
_LOCK_NAMESPACE = 8_0_8

_SIX = Decimal("0.000001")
_FOUR = Decimal("0.0001")
_PENDING_GUARD_KEY = "surveys:rollup-pending-enqueued"


# --- the t quantile, shared by both paths ------------------------------------------------------


@cache
def t_table() -> tuple[tuple[int, ...], tuple[Decimal, ...]]:
    """t(0.975, df) for df 1..T_TABLE_MAX_DF, from `surveys.statistics.t_quantile`."""
    dfs = tuple(range(1, T_TABLE_MAX_DF + 1))
    return dfs, tuple(Decimal(repr(t_quantile(0.975, df=df))) for df in dfs)


_Z = Decimal(repr(z_for(0.95)))
# Cornish-Fisher terms of t(df) around z: z + g1/df + g2/df^2 + g3/df^3 + g4/df^4.
_G1 = (_Z**3 + _Z) / 4
_G2 = (5 * _Z**5 + 16 * _Z**3 + 3 * _Z) / 96
_G3 = (3 * _Z**7 + 19 * _Z**5 + 17 * _Z**3 - 15 * _Z) / 384
_G4 = (79 * _Z**9 + 776 * _Z**7 + 1482 * _Z**5 - 1920 * _Z**3 - 945 * _Z) / 92160


def t_975(df: int) -> Decimal:
    if df <= T_TABLE_MAX_DF:
        return t_table()[1][df - 1]
    d = Decimal(df)
    return _Z + _G1 / d + _G2 / d**2 + _G3 / d**3 + _G4 / d**4


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


# --- PostgreSQL: one statement per batch --------------------------------------------------------

_ROLLUP_SQL = """
WITH src AS (
    SELECT trust_id, team_id, service_user_id, period, instrument_key, domain,
           'level'::text AS measure, score AS value
      FROM surveys_responsescore
     WHERE sent AND trust_id = %(trust)s AND period BETWEEN %(src_first)s AND %(src_last)s
    UNION ALL
    SELECT trust_id, team_id, service_user_id, period, instrument_key, domain,
           'change', change
      FROM surveys_responsescore
     WHERE sent AND change IS NOT NULL AND trust_id = %(trust)s
       AND period BETWEEN %(src_first)s AND %(src_last)s
),
bucketed AS (
    SELECT 'month' AS kind, period AS ps, (period + interval '1 month')::date AS pe, src.*
      FROM src WHERE period BETWEEN %(first)s AND %(last)s
    UNION ALL
    SELECT 'quarter', date_trunc('quarter', period)::date,
           (date_trunc('quarter', period) + interval '3 months')::date, src.*
      FROM src WHERE period BETWEEN %(q_first)s AND (%(q_last)s::date + interval '2 months')
    UNION ALL
    -- Each month's scores count towards the 12 rolling rows ending in it and the 11 after:
    -- every score is copied 12 times at most, with no range join.
    SELECT 'rolling_12', (period + (k.i - 11) * interval '1 month')::date,
           (period + (k.i + 1) * interval '1 month')::date, src.*
      FROM src CROSS JOIN generate_series(0, 11) AS k(i)
     WHERE (period + k.i * interval '1 month')::date BETWEEN %(first)s AND %(rolling_last)s
),
per_person AS (
    SELECT trust_id, team_id, kind, ps, pe, instrument_key, domain, measure, service_user_id,
           count(*) AS n, sum(value) AS total, sum(value * value) AS total_squares
      FROM bucketed
     GROUP BY GROUPING SETS (
        (trust_id, kind, ps, pe, instrument_key, domain, measure, service_user_id, team_id),
        (trust_id, kind, ps, pe, instrument_key, domain, measure, service_user_id)
     )
    HAVING GROUPING(team_id) = 1 OR %(all_teams)s OR team_id = ANY(%(team_ids)s::bigint[])
),
grouped AS (
    SELECT trust_id, team_id, kind, ps, pe, instrument_key, domain, measure,
           sum(n)::bigint AS n, count(*) AS people,
           sum(total) AS total, sum(total_squares) AS total_squares
      FROM per_person
     GROUP BY trust_id, team_id, kind, ps, pe, instrument_key, domain, measure
),
periods AS (SELECT DISTINCT kind, ps, pe FROM grouped),
caseloads AS (
    SELECT p.kind, p.ps, e.team_id, count(DISTINCT e.person_id) AS caseload
      FROM periods p
      JOIN directory_teamepisode e
        ON e.started_on < p.pe AND (e.ended_on IS NULL OR e.ended_on > p.ps)
      JOIN directory_team t ON t.id = e.team_id AND t.trust_id = %(trust)s
     GROUP BY GROUPING SETS ((p.kind, p.ps, e.team_id), (p.kind, p.ps))
),
t_table AS (SELECT * FROM unnest(%(dfs)s::int[], %(ts)s::numeric[]) AS t(df, q)),
figures AS (
    SELECT g.*, coalesce(c.caseload, 0) AS caseload,
           g.n < %(threshold)s AS suppressed,
           g.total / g.n AS mean_exact,
           CASE WHEN g.n < 2 THEN NULL
                ELSE sqrt(greatest((g.n * g.total_squares - g.total * g.total)
                                   / (g.n * (g.n - 1)), 0)) END AS sd,
           CASE WHEN g.n - 1 > %(t_max)s
                THEN %(z)s + %(g1)s / (g.n - 1)::numeric + %(g2)s / power((g.n - 1)::numeric, 2)
                     + %(g3)s / power((g.n - 1)::numeric, 3)
                     + %(g4)s / power((g.n - 1)::numeric, 4)
                ELSE t.q END AS tq
      FROM grouped g
      LEFT JOIN caseloads c
        ON c.kind = g.kind AND c.ps = g.ps AND c.team_id IS NOT DISTINCT FROM g.team_id
      LEFT JOIN t_table t ON t.df = g.n - 1
),
result AS (
    SELECT trust_id, team_id, kind, ps, pe, instrument_key, domain, measure, n, people,
           round(total, 4) AS total, round(total_squares, 4) AS total_squares,
           CASE WHEN suppressed THEN NULL ELSE round(mean_exact, 6) END AS mean,
           CASE WHEN suppressed THEN NULL ELSE round(sd, 6) END AS sd,
           CASE WHEN suppressed OR sd IS NULL THEN NULL
                ELSE round(mean_exact - tq * sd / sqrt(n::numeric), 6) END AS ci_low,
           CASE WHEN suppressed OR sd IS NULL THEN NULL
                ELSE round(mean_exact + tq * sd / sqrt(n::numeric), 6) END AS ci_high,
           caseload,
           CASE WHEN caseload = 0 THEN NULL
                ELSE round(least(people::numeric / caseload, 1), 6) END AS response_rate,
           suppressed
      FROM figures
),
team_rows AS (
    INSERT INTO surveys_teamperiodscore AS r (
        trust_id, team_id, period_kind, period_start, period_end, instrument_key, domain,
        measure, responses, people, total, total_squares, mean, sd, ci_low, ci_high, caseload,
        response_rate, suppressed, computed_at)
    SELECT trust_id, team_id, kind, ps, pe, instrument_key, domain, measure, n, people, total,
           total_squares, mean, sd, ci_low, ci_high, caseload, response_rate, suppressed,
           %(now)s
      FROM result WHERE team_id IS NOT NULL
    ON CONFLICT (trust_id, team_id, period_kind, period_start, instrument_key, domain, measure)
       WHERE team_id IS NOT NULL
    DO UPDATE SET period_end = EXCLUDED.period_end, responses = EXCLUDED.responses,
        people = EXCLUDED.people, total = EXCLUDED.total, total_squares = EXCLUDED.total_squares,
        mean = EXCLUDED.mean, sd = EXCLUDED.sd, ci_low = EXCLUDED.ci_low,
        ci_high = EXCLUDED.ci_high, caseload = EXCLUDED.caseload,
        response_rate = EXCLUDED.response_rate, suppressed = EXCLUDED.suppressed,
        computed_at = EXCLUDED.computed_at
    RETURNING r.id
),
trust_rows AS (
    INSERT INTO surveys_teamperiodscore AS r (
        trust_id, team_id, period_kind, period_start, period_end, instrument_key, domain,
        measure, responses, people, total, total_squares, mean, sd, ci_low, ci_high, caseload,
        response_rate, suppressed, computed_at)
    SELECT trust_id, NULL, kind, ps, pe, instrument_key, domain, measure, n, people, total,
           total_squares, mean, sd, ci_low, ci_high, caseload, response_rate, suppressed,
           %(now)s
      FROM result WHERE team_id IS NULL
    ON CONFLICT (trust_id, period_kind, period_start, instrument_key, domain, measure)
       WHERE team_id IS NULL
    DO UPDATE SET period_end = EXCLUDED.period_end, responses = EXCLUDED.responses,
        people = EXCLUDED.people, total = EXCLUDED.total, total_squares = EXCLUDED.total_squares,
        mean = EXCLUDED.mean, sd = EXCLUDED.sd, ci_low = EXCLUDED.ci_low,
        ci_high = EXCLUDED.ci_high, caseload = EXCLUDED.caseload,
        response_rate = EXCLUDED.response_rate, suppressed = EXCLUDED.suppressed,
        computed_at = EXCLUDED.computed_at
    RETURNING r.id
)
DELETE FROM surveys_teamperiodscore d
 WHERE d.trust_id = %(trust)s
   AND (   (d.period_kind = 'month' AND d.period_start BETWEEN %(first)s AND %(last)s)
        OR (d.period_kind = 'quarter' AND d.period_start BETWEEN %(q_first)s AND %(q_last)s)
        OR (d.period_kind = 'rolling_12'
            AND d.period_start BETWEEN %(r_first)s AND %(r_last)s))
   AND (d.team_id IS NULL OR %(all_teams)s OR d.team_id = ANY(%(team_ids)s::bigint[]))
   AND d.id NOT IN (SELECT id FROM team_rows UNION ALL SELECT id FROM trust_rows)
"""


def _rollup_span_sql(span: Span, *, now: datetime.datetime, threshold: int) -> None:
    dfs, ts = t_table()
    params: dict[str, Any] = {
        "trust": span.trust_id,
        "first": span.first,
        "last": span.last,
        "rolling_last": span.rolling_last,
        "q_first": span.quarter_first,
        "q_last": span.quarter_last,
        "r_first": span.rolling_start_first,
        "r_last": span.rolling_start_last,
        "src_first": span.source_first,
        "src_last": span.source_last,
        "all_teams": span.team_ids is None,
        "team_ids": list(span.team_ids or ()),
        "threshold": threshold,
        "t_max": T_TABLE_MAX_DF,
        "dfs": list(dfs),
        "ts": list(ts),
        "z": _Z,
        "g1": _G1,
        "g2": _G2,
        "g3": _G3,
        "g4": _G4,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, span.trust_id])
        # The distinct-people counts sort every bucketed score; in memory that is several times
        # faster than the default 4 MB spilling to disk. For this transaction only.
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_ROLLUP_SQL, params)


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


# --- the services -------------------------------------------------------------------------------


def _use_sql(portable: bool | None) -> bool:
    if portable is None:
        return connection.vendor == "postgresql"
    return not portable


def rollup_span(
    span: Span,
    *,
    now: datetime.datetime,
    portable: bool | None = None,
) -> None:
    """Recompute one span's rows, in the caller's transaction (which must be atomic)."""
    threshold = settings.LEAGUE_SUPPRESSION_THRESHOLD
    if _use_sql(portable):
        _rollup_span_sql(span, now=now, threshold=threshold)
    else:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, span.trust_id]
                )
        _rollup_span_portable(span, now=now, threshold=threshold)


def month_batches(
    first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """first..last split into runs of at most ROLLUP_BATCH_MONTHS months, cut at quarter ends."""
    batches = []
    start = month_of(first)
    last = month_of(last)
    while start <= last:
        end = min(add_months(quarter_of(start), ROLLUP_BATCH_MONTHS - 1), last)
        batches.append((start, end))
        start = add_months(end, 1)
    return batches


def rollup_recompute(
    *,
    trust_ids: Sequence[int] | None = None,
    first_period: datetime.date,
    last_period: datetime.date,
    run: RollupRun | None = None,
    portable: bool | None = None,
    after_batch: Callable[[int], None] | None = None,
) -> int:
    """Recompute every rollup row of months first_period..last_period (and the quarter and
    rolling-12 rows they hold) for the trusts named, or all trusts. Returns the batches done.

    Each batch (one trust, up to a quarter) is one transaction: a worker killed midway leaves the
    batches before it done and the one it was in untouched, and a rerun gives the same table.
    `run`, when given, gets its progress after each batch and its finish time at the end.
    """
    if trust_ids is None:
        trust_ids = list(Trust.objects.order_by("pk").values_list("pk", flat=True))
    batches = month_batches(first_period, last_period)
    now = timezone.now()
    if run is not None:
        RollupRun.objects.filter(pk=run.pk).update(
            status=RollupStatus.RUNNING,
            started_at=now,
            steps_total=len(batches) * len(trust_ids),
            steps_done=0,
            first_period=month_of(first_period),
            last_period=month_of(last_period),
        )
    done = 0
    try:
        for trust_id in trust_ids:
            for first, last in batches:
                with transaction.atomic():
                    rollup_span(
                        Span(trust_id=trust_id, first=first, last=last, rolling_last=last),
                        now=now,
                        portable=portable,
                    )
                    done += 1
                    if run is not None:
                        RollupRun.objects.filter(pk=run.pk).update(steps_done=done)
                if after_batch is not None:
                    after_batch(done)
    except Exception as exc:
        if run is not None:
            RollupRun.objects.filter(pk=run.pk).update(
                status=RollupStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
            )
        raise
    if run is not None:
        RollupRun.objects.filter(pk=run.pk).update(
            status=RollupStatus.DONE, finished_at=timezone.now()
        )
    return done


def rollup_run_full(*, run_id: int, portable: bool | None = None) -> int:
    """Carry out a queued run (a "recompute now" or a scheduled full run)."""
    run = RollupRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RollupStatus.DONE:
        return 0
    today = month_of(trust_today())
    return rollup_recompute(
        trust_ids=None if run.trust_id is None else [run.trust_id],
        first_period=run.first_period or today,
        last_period=run.last_period or today,
        run=run,
        portable=portable,
    )


def rollup_nightly(*, portable: bool | None = None) -> int:
    """The current and previous month of every trust: heals any update missed while the broker
    was down."""
    this_month = month_of(trust_today())
    run = RollupRun.objects.create(
        kind=RollupKind.NIGHTLY,
        first_period=add_months(this_month, -1),
        last_period=this_month,
    )
    return rollup_recompute(
        first_period=add_months(this_month, -1), last_period=this_month, run=run, portable=portable
    )


@transaction.atomic
def rollup_pending_apply(*, portable: bool | None = None) -> int:
    """Take every pending team-period (skipping any another worker holds), and redo just those
    teams' month rows, the quarter and rolling-12 rows holding them, and the trust-wide rows, in
    one transaction. Returns the team-periods taken."""
    taken = list(
        RollupPending.objects.select_for_update(skip_locked=True)
        .order_by("trust_id", "period", "team_id")
        .values_list("pk", "trust_id", "team_id", "period")
    )
    if not taken:
        return 0
    RollupPending.objects.filter(pk__in=[pk for pk, *_ in taken]).delete()
    this_month = month_of(trust_today())
    by_trust: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for _, trust_id, team_id, period in taken:
        by_trust[trust_id].append((team_id, period))
    now = timezone.now()
    for trust_id, marks in sorted(by_trust.items()):
        months = [period for _, period in marks]
        first, last = min(months), max(months)
        rollup_span(
            Span(
                trust_id=trust_id,
                first=first,
                last=last,
                rolling_last=max(last, min(add_months(last, 11), this_month)),
                team_ids=tuple(sorted({team_id for team_id, _ in marks})),
            ),
            now=now,
            portable=portable,
        )
    return len(taken)


def rollup_enqueue_pending() -> None:
    """Queue the incremental update after commit, once per coalescing window however many
    sends there are: the first send in a window queues it, the rest find it queued."""
    from .. import tasks

    def enqueue() -> None:
        # Run in-process (the embedded default), the update is done at once, so there is no
        # window to gather a burst in: every send runs it.
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        if eager or django_cache.add(_PENDING_GUARD_KEY, 1, timeout=ROLLUP_COALESCE_SECONDS):
            tasks.rollup_pending.apply_async(countdown=ROLLUP_COALESCE_SECONDS)

    transaction.on_commit(enqueue)


# --- recompute now ------------------------------------------------------------------------------


def rollup_request(*, trust: Trust, requested_by: User, audit: AuditContext) -> RollupRun:
    """A QA manager's "recompute now" for their trust, from its first sent score to this month.

    A second request while one is queued or running gets that one (a double click makes one
    run); the run is queued once this commits."""
    from .. import tasks

    with transaction.atomic():
        Trust.objects.select_for_update().filter(pk=trust.pk).first()
        active = RollupRun.objects.filter(
            trust=trust,
            kind=RollupKind.FULL,
            status__in=[RollupStatus.QUEUED, RollupStatus.RUNNING],
        )
        active.filter(created_at__lt=timezone.now() - ROLLUP_RUN_STALE).update(
            status=RollupStatus.FAILED,
            finished_at=timezone.now(),
            error="Stopped without finishing.",
        )
        existing = active.first()
        if existing is not None:
            return existing
        this_month = month_of(trust_today())
        first = (
            ResponseScore.objects.filter(trust=trust, sent=True).aggregate(first=Min("period"))[
                "first"
            ]
            or this_month
        )
        run = RollupRun.objects.create(
            kind=RollupKind.FULL,
            trust=trust,
            requested_by=requested_by,
            first_period=min(first, this_month),
            last_period=this_month,
            steps_total=len(month_batches(min(first, this_month), this_month)),
        )
        log.info("rollup requested: run %s via %s", run.public_id, audit.via)
        transaction.on_commit(lambda: tasks.rollup_full.delay(run.pk))
    return run
