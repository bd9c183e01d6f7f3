"""The SQL the league benchmark measures the project's rollup against: (a) the best bare
statement over a plain table with one row per response and domain columns, and a hand-written
statement over the score rows as a yardstick. Imported by league_scale.py once Django is set up."""

# ruff: noqa: S608  (statements built from constants and column lists, never from input)

from __future__ import annotations

from datetime import date

from django.db import connection

MAX_DOMAINS = 8  # domain columns d1..d8 (and c1..c8 for change) in the plain table


def _sums(prefix: str) -> str:
    return ", ".join(
        f"count({prefix}{n}) AS n_{prefix}{n}, sum({prefix}{n}) AS s_{prefix}{n}, "
        f"sum({prefix}{n} * {prefix}{n}) AS q_{prefix}{n}"
        for n in range(1, MAX_DOMAINS + 1)
    )


def _merged(prefix: str) -> str:
    return ", ".join(
        f"sum(n_{prefix}{n}) AS n_{prefix}{n}, sum(s_{prefix}{n}) AS s_{prefix}{n}, "
        f"sum(q_{prefix}{n}) AS q_{prefix}{n}"
        for n in range(1, MAX_DOMAINS + 1)
    )


def _merged_columns() -> str:
    return f"count(*) AS responses, {_sums('d')}, {_sums('c')}"


def baseline_month_rows() -> None:
    """Month rows per trust and team in one pass, and the trust-wide month rows from them."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_rollup")
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE bench_plain_rollup AS
            SELECT 'month'::text AS kind, trust_id, team_id, period AS period_start,
                   instrument_key, {_merged_columns()}
            FROM bench_plain_response
            GROUP BY trust_id, team_id, period, instrument_key
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_plain_rollup
            SELECT 'month', trust_id, NULL, period_start, instrument_key, sum(responses),
                   {_merged("d")}, {_merged("c")}
            FROM bench_plain_rollup WHERE kind = 'month'
            GROUP BY trust_id, period_start, instrument_key
            """
        )


def baseline_longer_periods() -> None:
    """Quarters and rolling 12 months merged from the month rows: no pass over the responses."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO bench_plain_rollup
            SELECT 'quarter', trust_id, team_id, date_trunc('quarter', period_start)::date,
                   instrument_key, sum(responses), {_merged("d")}, {_merged("c")}
            FROM bench_plain_rollup WHERE kind = 'month'
            GROUP BY trust_id, team_id, date_trunc('quarter', period_start), instrument_key
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_plain_rollup
            SELECT 'rolling_12', m.trust_id, m.team_id, e.period_start, m.instrument_key,
                   sum(m.responses), {_merged("d").replace("sum(", "sum(m.")}, {_merged("c").replace("sum(", "sum(m.")}
            FROM (SELECT DISTINCT period_start FROM bench_plain_rollup WHERE kind = 'month') AS e
            JOIN bench_plain_rollup AS m
              ON m.kind = 'month' AND m.period_start > e.period_start - interval '12 months'
             AND m.period_start <= e.period_start
            GROUP BY m.trust_id, m.team_id, e.period_start, m.instrument_key
            """
        )


def baseline_full() -> None:
    baseline_month_rows()
    baseline_longer_periods()


# --- the same from the project's score rows, as one hand-written statement ----------------------


def reference_month_rows() -> None:
    """What (a) computes, from `surveys_responsescore` (one row per response and domain, level
    and change side by side): the cost of the narrow layout itself, whatever the service adds.
    Not the project's rollup: a yardstick for it."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_score_rollup")
        cursor.execute(
            """
            CREATE UNLOGGED TABLE bench_score_rollup AS
            SELECT 'month'::text AS kind, trust_id, team_id, period AS period_start,
                   instrument_key, domain, count(*) AS responses,
                   sum(score) AS s_level, sum(score * score) AS q_level,
                   count(change) AS n_change, sum(change) AS s_change,
                   sum(change * change) AS q_change
            FROM surveys_responsescore
            WHERE sent
            GROUP BY trust_id, team_id, period, instrument_key, domain
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_score_rollup
            SELECT 'month', trust_id, NULL, period_start, instrument_key, domain, {_SCORE_MERGE}
            FROM bench_score_rollup WHERE kind = 'month'
            GROUP BY trust_id, period_start, instrument_key, domain
            """
        )


_SCORE_MERGE = (
    "sum(responses), sum(s_level), sum(q_level), sum(n_change), sum(s_change), sum(q_change)"
)


def reference_full() -> None:
    reference_month_rows()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO bench_score_rollup
            SELECT 'quarter', trust_id, team_id, date_trunc('quarter', period_start)::date,
                   instrument_key, domain, {_SCORE_MERGE}
            FROM bench_score_rollup WHERE kind = 'month'
            GROUP BY trust_id, team_id, date_trunc('quarter', period_start), instrument_key,
                     domain
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_score_rollup
            SELECT 'rolling_12', m.trust_id, m.team_id, e.period_start, m.instrument_key,
                   m.domain, {_SCORE_MERGE}
            FROM (SELECT DISTINCT period_start FROM bench_score_rollup WHERE kind = 'month') AS e
            JOIN bench_score_rollup AS m
              ON m.kind = 'month' AND m.period_start > e.period_start - interval '12 months'
             AND m.period_start <= e.period_start
            GROUP BY m.trust_id, m.team_id, e.period_start, m.instrument_key, m.domain
            """
        )


def reference_one_team_period(team_id: int, trust_id: int, period: date, key: str) -> None:
    """One team-month's rows again from its score rows, through the rollup index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), sum(score), sum(score * score), count(change), sum(change),
                   sum(change * change), domain
            FROM surveys_responsescore
            WHERE sent AND trust_id = %s AND period = %s AND team_id = %s
              AND instrument_key = %s
            GROUP BY domain
            """,
            [trust_id, period, team_id, key],
        )
        cursor.fetchall()


# --- (b) the project's rollup -----------------------------------------------------------------
