"""The PostgreSQL path of the league rollups: one statement per batch."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection

from .periods import Span
from .quantile import _G1, _G2, _G3, _G4, _Z, T_TABLE_MAX_DF, t_table

# Separates this lock's keys from any other advisory locks (two-key form: namespace, trust id).
_LOCK_NAMESPACE = 8_0_8


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
