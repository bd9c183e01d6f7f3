"""League tables' data at scale: N sent check-ins for 500 teams over 36 months. Run by hand.

    createdb recovery_care_bench   # once; the name must contain "bench"
    DATABASE_URL=postgres:///recovery_care_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres:///recovery_care_bench .venv/bin/python bench/league_data.py
    DATABASE_URL=postgres:///recovery_care_bench .venv/bin/python bench/league_data.py \\
        --responses 10000000

It empties the database's trusts, people and check-ins, then writes, all fictional:

- TRUSTS trusts of TEAMS_PER_TRUST teams; per team a team leader and a care coordinator, per trust
  a QA manager; one service user per RESPONSES_PER_PERSON responses, each with a valid synthetic
  NHS number (999 prefix, Modulus 11), an open team episode and a care coordinator;
- `bench_plain_response`: one row per response with its trust, team, person, stored period,
  instrument key and the domains as columns (d1..d8 the scores, c1..c8 the change since the
  person's first check-in with the team), the bare-SQL baseline bench/league_scale.py times;
- from it, the project's own rows: `surveys_response` (sent) and `surveys_responsescore` (one row
  per response and domain, with trust, team, period, instrument key and change copied on).

How it loads, and why:

- What comes from Python (directory rows, whose NHS numbers use the project's own check digit
  function) goes in through COPY (psycopg 3 `cursor.copy()`): one stream, no per-row statement.
- What is derived from those rows (the responses and their scores) is made inside PostgreSQL with
  INSERT ... SELECT over generate_series: nothing crosses the socket, and it is several times
  faster than producing the same rows in Python and copying them in.
- The people, response and score tables' indexes, unique and foreign-key constraints are dropped before
  the load and made again after it (one sort per index instead of millions of index inserts);
  foreign keys come back NOT VALID, as the rows are consistent by construction and validating
  60 million rows four times would double the load. ANALYZE at the end.

Scores are a deterministic function of the row number, so two runs with the same arguments give
the same data. Each person stays with one team; 80% of teams use the built-in check-in (four
domains: hope, control, opportunity and how much the team helped), the rest an eight-domain one.
"""

# SQL here is built from this module's constants only, never from input: S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_site.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from league_directory import (  # noqa: E402  (after Django is set up)
    TEAMS_PER_TRUST,
    TRUSTS,
    fill_directory,
)

from surveys.services.rollups.cells import CELLS_FOR_MONTHS, TRUST_CELLS_FOR_MONTHS  # noqa: E402

MONTHS = 36
RESPONSES_PER_PERSON = 12  # a check-in every 3 months over 36 months
CHECK_IN_EVERY_MONTHS = MONTHS // RESPONSES_PER_PERSON
WIDE_TEAM_EVERY = 5  # one team in five uses the eight-domain instrument
BUILT_IN_KEY = "hope-control-opportunity"
WIDE_KEY = "bench-eight-domains"
BUILT_IN_DOMAINS = ("hope", "control", "opportunity", "team_help")
WIDE_DOMAINS = tuple(f"domain_{n}" for n in range(1, 9))
MAX_DOMAINS = 8

# The tables this script empties and fills; CASCADE takes whatever hangs off them.
FILLED = ("directory_trust", "directory_user")
LOADED = (
    "directory_serviceuser",
    "directory_teamepisode",
    "directory_carerelationship",
    "surveys_response",
    "surveys_responsescore",
)


def refuse_unless_bench_database() -> str:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(
            f"Refusing to run against {connection.vendor} database {name!r}: this script empties "
            "trusts, people and check-ins. Point DATABASE_URL at a PostgreSQL database made for "
            "the purpose, whose name contains 'bench'."
        )
    return name


@contextmanager
def step(label: str) -> Iterator[None]:
    print(f"{label} ...", end=" ", flush=True)
    started = time.perf_counter()
    yield
    print(f"{time.perf_counter() - started:6.1f} s", flush=True)


def first_month(months: int) -> date:
    today = date.today()
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _hundredths(n: int, k: str, r: str) -> str:
    """Domain n's score, in hundredths, for check-in k of the person whose row is r: the person's
    own level, the team's, a little drift with each check-in and some noise, 80 to 500. Integer
    arithmetic on row numbers: runs repeat exactly, and it is several times cheaper than numeric."""
    return (
        f"least(500, 80 + (g.p * {31 + n} + {17 * n}) % 200 + (g.team_id * {37 + n}) % 60"
        f" + {k} * 4 + ({r} * 2654435761 + {104729 * n}) % 61)"
    )


def make_plain_table(cursor: Any, responses: int, start: date) -> None:
    """One row per response: the baseline table, and the source of the project's rows.

    Row r (0-based) is person r / 12 + 1's check-in k = r % 12, in month (person % 3) + 3k, so
    a person's check-ins run in row order and the first one is k = 0. Change is the score minus
    that first score, which is the same arithmetic at k = 0 and row r - k: no window sort over
    the whole table is needed (a window function over person gives the same numbers)."""
    teams = TRUSTS * TEAMS_PER_TRUST
    scores = ", ".join(
        f"CASE WHEN {n} <= g.domains THEN {_hundredths(n, 'g.k', 'g.r')} / 100.0 END"
        f"::numeric(7, 2) AS d{n}"
        for n in range(1, MAX_DOMAINS + 1)
    )
    changes = ", ".join(
        f"CASE WHEN {n} <= g.domains AND g.k > 0 THEN "
        f"({_hundredths(n, 'g.k', 'g.r')} - {_hundredths(n, '0', '(g.r - g.k)')}) / 100.0 END"
        f"::numeric(7, 2) AS c{n}"
        for n in range(1, MAX_DOMAINS + 1)
    )
    cursor.execute("DROP TABLE IF EXISTS bench_plain_response")
    cursor.execute(
        f"""
        CREATE UNLOGGED TABLE bench_plain_response AS
        SELECT g.r + 1 AS response_id, (g.team_id - 1) / {TEAMS_PER_TRUST} + 1 AS trust_id,
               g.team_id, g.p AS service_user_id,
               ('{start.isoformat()}'::date + make_interval(
                   months => (g.p % {CHECK_IN_EVERY_MONTHS} + {CHECK_IN_EVERY_MONTHS} * g.k)::int
               ))::date AS period,
               CASE WHEN g.domains = {len(WIDE_DOMAINS)} THEN '{WIDE_KEY}'
                    ELSE '{BUILT_IN_KEY}' END::varchar(60) AS instrument_key,
               g.k AS check_in, {scores}, {changes}
        FROM (
            SELECT r, r / {RESPONSES_PER_PERSON} + 1 AS p, r % {RESPONSES_PER_PERSON} AS k,
                   (r / {RESPONSES_PER_PERSON}) % {teams} + 1 AS team_id,
                   CASE WHEN ((r / {RESPONSES_PER_PERSON}) % {teams}) % {WIDE_TEAM_EVERY} = 4
                        THEN {len(WIDE_DOMAINS)} ELSE {len(BUILT_IN_DOMAINS)} END AS domains
            FROM generate_series(0::bigint, {int(responses) - 1}) AS r
        ) AS g
        """
    )


def load_responses(cursor: Any, built_in_id: int, wide_id: int) -> None:
    """The project's rows from the plain table: sent responses, then one score row per domain."""
    cursor.execute(
        f"""
        INSERT INTO surveys_response (
            id, public_id, idempotency_key, channel, status, started_at, submitted_at,
            completed_on, period, answered_count, instrument_id, service_user_id, team_id,
            withdrawal_reason)
        SELECT b.response_id, gen_random_uuid(), gen_random_uuid(), 'signed_in', 'submitted',
               day + time '11:50', day + time '12:00', day, b.period,
               CASE WHEN b.instrument_key = '{BUILT_IN_KEY}' THEN 12 ELSE 24 END,
               CASE WHEN b.instrument_key = '{BUILT_IN_KEY}' THEN {int(built_in_id)} ELSE {int(wide_id)} END,
               b.service_user_id, b.team_id, ''
        FROM bench_plain_response AS b,
             LATERAL (SELECT b.period + (b.response_id % 28)::int AS day) AS d
        """
    )
    cursor.execute(
        "SELECT setval(pg_get_serial_sequence('surveys_response', 'id'), "
        "(SELECT max(id) FROM surveys_response))"
    )
    built_in = ", ".join(
        f"('{BUILT_IN_KEY}', '{name}', {n})" for n, name in enumerate(BUILT_IN_DOMAINS, 1)
    )
    wide = ", ".join(f"('{WIDE_KEY}', '{name}', {n})" for n, name in enumerate(WIDE_DOMAINS, 1))
    pick = lambda prefix: (  # noqa: E731
        "CASE x.n " + " ".join(f"WHEN {n} THEN b.{prefix}{n}" for n in range(1, 9)) + " END"
    )
    # Each person stays with one team and answers every CHECK_IN_EVERY_MONTHS months, so the
    # months back to their previous score (what sending keeps on each row) follow from the
    # check-in's number: none before the first, and none with a change before the second.
    every = min(CHECK_IN_EVERY_MONTHS, 12)
    gap = f"CASE WHEN b.check_in = 0 THEN 12 ELSE {every} END"
    change_gap = f"CASE b.check_in WHEN 0 THEN NULL WHEN 1 THEN 12 ELSE {every} END"
    cursor.execute(
        f"""
        INSERT INTO surveys_responsescore (
            response_id, trust_id, team_id, service_user_id, period, instrument_key, domain,
            score, change, sent, gap, trust_gap, change_gap, change_trust_gap)
        SELECT b.response_id, b.trust_id, b.team_id, b.service_user_id, b.period,
               b.instrument_key, x.domain, {pick("d")}, {pick("c")}, true,
               {gap}, {gap}, {change_gap}, {change_gap}
        FROM bench_plain_response AS b
        JOIN (VALUES {built_in}, {wide}) AS x (instrument_key, domain, n)
          ON x.instrument_key = b.instrument_key
        """
    )


def drop_indexes(cursor: Any, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes and unique and foreign-key constraints (not the primary keys or
    checks); returns the statements that make them again."""
    remake: list[str] = []
    for table in tables:
        cursor.execute(
            """
            SELECT conname, pg_get_constraintdef(oid), contype FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('u', 'f')
            """,
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index AS x
            JOIN pg_class AS i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = x.indexrelid)
            """,
            [table],
        )
        indexes = cursor.fetchall()
        for name, definition, kind in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            not_valid = " NOT VALID" if kind == "f" else ""
            remake.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}{not_valid}')
        for name, definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
            remake.insert(0, definition)
    return remake


def ensure_wide_instrument(cursor: Any) -> tuple[int, int]:
    cursor.execute(
        "SELECT id FROM surveys_instrument WHERE key = %s ORDER BY version DESC LIMIT 1",
        [BUILT_IN_KEY],
    )
    row = cursor.fetchone()
    if row is None:
        sys.exit("The built-in check-in is missing: run `manage.py migrate` on this database.")
    built_in_id = row[0]
    cursor.execute("SELECT id FROM surveys_instrument WHERE key = %s", [WIDE_KEY])
    row = cursor.fetchone()
    if row is None:
        cursor.execute(
            """
            INSERT INTO surveys_instrument
                (public_id, key, version, title, introduction, licence_note, active, created_at)
            VALUES (gen_random_uuid(), %s, 1, 'Benchmark eight-domain check-in', '', '', true,
                    now())
            RETURNING id
            """,
            [WIDE_KEY],
        )
        row = cursor.fetchone()
    return built_in_id, row[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    args = parser.parse_args()
    name = refuse_unless_bench_database()
    responses = args.responses
    people = -(-responses // RESPONSES_PER_PERSON)
    start = first_month(MONTHS)
    print(
        f"{name}: {responses:,} responses, {people:,} people, {TRUSTS * TEAMS_PER_TRUST} teams "
        f"in {TRUSTS} trusts, {MONTHS} months from {start:%Y-%m}"
    )
    started = time.perf_counter()
    with connection.cursor() as wrapper:
        cursor = wrapper.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET maintenance_work_mem = '512MB'")
        with step("emptying trusts, people and check-ins"):
            cursor.execute("TRUNCATE " + ", ".join(FILLED) + " RESTART IDENTITY CASCADE")
            cursor.execute("DELETE FROM surveys_instrument WHERE key = %s", [WIDE_KEY])
            built_in_id, wide_id = ensure_wide_instrument(cursor)
        with step("dropping indexes of people, responses and scores"):
            remake = drop_indexes(cursor, LOADED)
        with step(f"COPY trusts, teams, staff and {people:,} people"):
            fill_directory(cursor, people)
        with step(f"plain table, {responses:,} rows"):
            make_plain_table(cursor, responses, start)
        with step("responses and their scores"):
            load_responses(cursor, built_in_id, wide_id)
        with step(f"indexes and constraints again ({len(remake)})"):
            for statement in remake:
                cursor.execute(statement)
        with step("VACUUM ANALYZE (what autovacuum keeps a live table at)"):
            cursor.execute("VACUUM ANALYZE")
        with step("month cells, as the migration that brought them makes them"):
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute("SELECT array_agg(id) FROM directory_trust")
            trusts = cursor.fetchone()[0]
            cursor.execute(
                CELLS_FOR_MONTHS,
                {
                    "trusts": trusts,
                    "first": start,
                    "last": date(start.year + MONTHS // 12, start.month, 1),
                },
            )
            cursor.execute("SELECT array_agg(DISTINCT period) FROM surveys_rollupcell")
            cursor.execute(
                TRUST_CELLS_FOR_MONTHS, {"trusts": trusts, "periods": cursor.fetchone()[0]}
            )
            cursor.execute("ANALYZE surveys_rollupcell")
        cursor.execute("SELECT count(*) FROM surveys_responsescore")
        scores = cursor.fetchone()[0]
    print(f"{scores:,} score rows; {time.perf_counter() - started:.0f} s in all")


if __name__ == "__main__":
    main()
