"""The PostgreSQL path of the league rollups: month cells from the scores in one pass, then
every league row merged from the cells.

1. **Cells** (`surveys_rollupcell`): the sent scores of a team-month summed per instrument,
   domain and gaps, in one GROUP BY over the score rows (a sequential pass for a full run, the
   rollup index for an incremental one). This is the only statement that reads every score.
2. **League rows** of one trust and span, from its cells alone: month, quarter and rolling-year
   windows joined to the cell months they hold, counts and sums added, and the distinct people
   counted as the scores whose previous one lies before the window's start (gap > months into
   the window). Trust-wide rows fold the cells over teams first. Caseloads come from the dated
   team history: each episode counts for a window it overlaps when no earlier episode of the
   same person (with the team, or anywhere in the trust) does, so a plain count is a distinct
   count. Upserted on the unique keys; the span's rows not produced (everything withdrawn) go.
"""

# The statements are put together from this module's constants (column lists, the month
# arithmetic), never from input; every value is a bound parameter.
# ruff: noqa: S608
from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.db import connection

from .periods import Span
from .quantile import _G1, _G2, _G3, _G4, _Z, T_TABLE_MAX_DF, t_table

# Separates this lock's keys from any other advisory locks (two-key form: namespace, trust id).
_LOCK_NAMESPACE = 8_0_8

_MONTH_INDEX = "(extract(year FROM {0})::int * 12 + extract(month FROM {0})::int)"


def _people_after(gap: str, count: str) -> str:
    """The month cells' people as an array: element k+1 counts the scores whose previous one lies
    more than k months back, so a window starting k months before the cell counts them."""
    return (
        "ARRAY["
        + ", ".join(f"coalesce(sum({count}) FILTER (WHERE {gap} > {k}), 0)" for k in range(12))
        + "]::bigint[]"
    )


_EPISODES = f"""
    SELECT e.team_id, e.person_id, e.id, {_MONTH_INDEX.format("e.started_on")} - 1 AS fm,
           coalesce({_MONTH_INDEX.format("(e.ended_on - 1)")} - 1, 1000000) AS lm
      FROM directory_teamepisode e
      JOIN directory_team t ON t.id = e.team_id AND t.trust_id = %(trust)s
     WHERE e.started_on < %(src_end)s AND (e.ended_on IS NULL OR e.ended_on > %(src_first)s)
"""


def _caseload_grid(ranked: str) -> str:
    """Caseload by window length, scope and window start (month index m): each episode's +1
    and -1, clamped to the span's starts, summed along a dense run of months."""
    return f"""
    WITH deltas AS (
        SELECT l.kind, r.team_id, x.m, sum(x.d) AS d
          FROM {ranked} r
          CROSS JOIN lens l
          CROSS JOIN LATERAL (
              SELECT greatest(coalesce(r.prev_lm + 1, r.fm - l.len + 1), r.fm - l.len + 1,
                              %(m_first)s) AS s,
                     least(r.lm + 1, %(m_last)s + 1) AS e) AS b
          CROSS JOIN LATERAL (VALUES (b.s, 1), (b.e, -1)) AS x(m, d)
         WHERE b.s < b.e AND x.m <= %(m_last)s
         GROUP BY l.kind, r.team_id, x.m
    )
    SELECT k.kind, k.team_id, g.m,
           sum(coalesce(d.d, 0)) OVER (PARTITION BY k.kind, k.team_id ORDER BY g.m) AS caseload
      FROM (SELECT DISTINCT kind, team_id FROM deltas) AS k
     CROSS JOIN generate_series(%(m_first)s::int, %(m_last)s::int) AS g(m)
      LEFT JOIN deltas d ON d.kind = k.kind AND d.team_id = k.team_id AND d.m = g.m
    """


_LEAGUE_SQL = f"""
WITH windows AS (
    SELECT 'month'::text AS kind, m::date AS ps, (m + interval '1 month')::date AS pe
      FROM generate_series(%(first)s::date, %(last)s::date, interval '1 month') AS m
    UNION ALL
    SELECT 'quarter', q::date, (q + interval '3 months')::date
      FROM generate_series(%(q_first)s::date, %(q_last)s::date, interval '3 months') AS q
    UNION ALL
    SELECT 'rolling_12', (e - interval '11 months')::date, (e + interval '1 month')::date
      FROM generate_series(%(first)s::date, %(rolling_last)s::date, interval '1 month') AS e
),
-- One row per team (or, team empty, the trust) and month: sums, and people by gap.
months AS (
    SELECT team_id, period, instrument_key, domain,
           sum(responses) AS n, sum(total) AS s, sum(total_squares) AS q,
           sum(changes) AS cn, sum(change_total) AS cs, sum(change_squares) AS cq,
           {_people_after("gap", "responses")} AS people,
           {_people_after("change_gap", "changes")} AS change_people
      FROM surveys_rollupcell
     WHERE trust_id = %(trust)s AND period BETWEEN %(src_first)s AND %(src_last)s
       AND (team_id IS NULL OR %(all_teams)s OR team_id = ANY(%(team_ids)s::bigint[]))
     GROUP BY team_id, period, instrument_key, domain
),
grouped AS (
    SELECT m.team_id, w.kind, w.ps, w.pe, m.instrument_key, m.domain,
           sum(m.n) AS n, sum(m.s) AS s, sum(m.q) AS q,
           sum(m.people[{_MONTH_INDEX.format("m.period")} - {_MONTH_INDEX.format("w.ps")} + 1])
               AS people,
           sum(m.cn) AS cn, sum(m.cs) AS cs, sum(m.cq) AS cq,
           sum(m.change_people[{_MONTH_INDEX.format("m.period")}
                               - {_MONTH_INDEX.format("w.ps")} + 1]) AS change_people
      FROM windows w JOIN months m ON m.period >= w.ps AND m.period < w.pe
     GROUP BY m.team_id, w.kind, w.ps, w.pe, m.instrument_key, m.domain
),
measured AS (
    SELECT team_id, kind, ps, pe, instrument_key, domain, 'level'::text AS measure,
           n::bigint AS n, people::bigint AS people, s AS total, q AS total_squares
      FROM grouped
    UNION ALL
    SELECT team_id, kind, ps, pe, instrument_key, domain, 'change', cn, change_people, cs, cq
      FROM grouped WHERE cn > 0
),
-- Caseloads from the dated team history, at month grain (month index = year * 12 + month - 1).
-- A window counts an episode it overlaps unless an earlier one of the same person (with the
-- team; anywhere in the trust) also overlaps it, so each person once. For windows of L months
-- that is every window start from max(previous end + 1, start - L + 1) to the episode's end:
-- a +1 and a -1 per episode, summed along the months.
team_ranked AS (
    SELECT team_id, fm, lm,
           max(lm) OVER (PARTITION BY person_id, team_id ORDER BY fm, lm, id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_lm
      FROM ({_EPISODES}) AS e
     WHERE %(all_teams)s OR team_id = ANY(%(team_ids)s::bigint[])
),
trust_ranked AS (
    SELECT 0::bigint AS team_id, fm, lm,
           max(lm) OVER (PARTITION BY person_id ORDER BY fm, lm, id
                         ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_lm
      FROM ({_EPISODES}) AS e
),
lens AS (SELECT * FROM (VALUES ('month'::text, 1), ('quarter', 3), ('rolling_12', 12)) AS l(kind, len)),
team_grid AS ({_caseload_grid("team_ranked")}),
trust_grid AS MATERIALIZED ({_caseload_grid("trust_ranked")}),
periods AS (SELECT DISTINCT kind, ps, {_MONTH_INDEX.format("ps")} - 1 AS pm FROM measured),
caseloads AS (
    SELECT p.kind, p.ps, g.team_id, g.caseload
      FROM periods p JOIN team_grid g ON g.kind = p.kind AND g.m = p.pm
    UNION ALL
    -- The whole trust's caseload takes every episode; an incremental update (some teams only)
    -- keeps the one the last full or nightly run worked out, when there is one.
    SELECT p.kind, p.ps, NULL,
           coalesce(
               (SELECT s.caseload FROM surveys_teamperiodscore s
                 WHERE NOT %(all_teams)s AND s.trust_id = %(trust)s AND s.team_id IS NULL
                   AND s.period_kind = p.kind AND s.period_start = p.ps
                 LIMIT 1),
               (SELECT g.caseload FROM trust_grid g WHERE g.kind = p.kind AND g.m = p.pm))
      FROM periods p
),
t_table AS (SELECT * FROM unnest(%(dfs)s::int[], %(ts)s::numeric[]) AS t(df, q)),
figures AS (
    SELECT g.*, coalesce(c.caseload, 0) AS caseload,
           g.n < %(threshold)s AS suppressed,
           g.total / g.n AS mean_exact,
           CASE WHEN g.n < 2 THEN NULL
                ELSE sqrt(greatest((g.n * g.total_squares - g.total * g.total)
                                   / (g.n * (g.n - 1)), 0)) END AS sd,
           -- Cornish-Fisher beyond the table, in Horner's form (one division, no powers).
           CASE WHEN g.n - 1 > %(t_max)s
                THEN %(z)s + (%(g1)s + (%(g2)s + (%(g3)s + %(g4)s / (g.n - 1)::numeric)
                                                 / (g.n - 1)::numeric)
                                       / (g.n - 1)::numeric)
                             / (g.n - 1)::numeric
                ELSE t.q END AS tq
      FROM measured g
      LEFT JOIN caseloads c
        ON c.kind = g.kind AND c.ps = g.ps AND coalesce(c.team_id, 0) = coalesce(g.team_id, 0)
      LEFT JOIN t_table t ON t.df = g.n - 1
),
result AS (
    SELECT %(trust)s::bigint AS trust_id, team_id, kind, ps, pe, instrument_key, domain, measure,
           n, people,
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
    -- A row whose figures are unchanged is left as it is (a rerun writes nothing).
    WHERE (r.period_end, r.responses, r.people, r.total, r.total_squares, r.caseload,
           r.suppressed)
          IS DISTINCT FROM (EXCLUDED.period_end, EXCLUDED.responses, EXCLUDED.people,
                            EXCLUDED.total, EXCLUDED.total_squares, EXCLUDED.caseload,
                            EXCLUDED.suppressed)
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
    -- A row whose figures are unchanged is left as it is (a rerun writes nothing).
    WHERE (r.period_end, r.responses, r.people, r.total, r.total_squares, r.caseload,
           r.suppressed)
          IS DISTINCT FROM (EXCLUDED.period_end, EXCLUDED.responses, EXCLUDED.people,
                            EXCLUDED.total, EXCLUDED.total_squares, EXCLUDED.caseload,
                            EXCLUDED.suppressed)
),
gone AS (
    -- The span's rows it no longer produces (everything withdrawn): a set difference, one pass
    -- over each side. This sees the rows as they were before the inserts above.
    SELECT d.period_kind AS kind, d.period_start AS ps, coalesce(d.team_id, 0) AS team,
           d.instrument_key, d.domain, d.measure
      FROM surveys_teamperiodscore d
     WHERE d.trust_id = %(trust)s
       AND (   (d.period_kind = 'month' AND d.period_start BETWEEN %(first)s AND %(last)s)
            OR (d.period_kind = 'quarter' AND d.period_start BETWEEN %(q_first)s AND %(q_last)s)
            OR (d.period_kind = 'rolling_12'
                AND d.period_start BETWEEN %(r_first)s AND %(r_last)s))
       AND (d.team_id IS NULL OR %(all_teams)s OR d.team_id = ANY(%(team_ids)s::bigint[]))
    EXCEPT
    SELECT kind, ps, coalesce(team_id, 0), instrument_key, domain, measure FROM result
)
DELETE FROM surveys_teamperiodscore d
 USING gone g
 WHERE d.trust_id = %(trust)s AND d.period_kind = g.kind AND d.period_start = g.ps
   AND coalesce(d.team_id, 0) = g.team AND d.instrument_key = g.instrument_key
   AND d.domain = g.domain AND d.measure = g.measure
"""


def lock_trusts(cursor: Any, trust_ids: Sequence[int]) -> None:
    """Two rollups of a trust take turns: a per-trust advisory lock for this transaction, taken
    in id order so two runs over several trusts never deadlock."""
    for trust_id in sorted(trust_ids):
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, trust_id])


def _month_number(month: datetime.date) -> int:
    return month.year * 12 + month.month - 1


def _rollup_span_sql(span: Span, *, now: datetime.datetime, threshold: int) -> None:
    """The span's league rows again from the trust's cells (which must be up to date)."""
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
        "src_end": span.source_end,
        "m_first": _month_number(span.rolling_start_first),
        "m_last": _month_number(max(span.last, span.quarter_last, span.rolling_start_last)),
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
        lock_trusts(cursor, [span.trust_id])
        # Compiling this statement costs more than it saves; and the sorts fit in memory.
        cursor.execute("SET LOCAL jit = off; SET LOCAL work_mem = '256MB'")
        cursor.execute(_LEAGUE_SQL, params)
