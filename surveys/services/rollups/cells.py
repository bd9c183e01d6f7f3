"""Month cells: the sent scores of each team-month summed per instrument, domain and gaps, and
folded over teams into trust-wide cells. The one step that reads score rows; every league row
is merged from the cells (see `sql`)."""

# The statements are put together from this module's constants, never from input.
# ruff: noqa: S608
from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.db import connection

from common.dates import add_months, month_of, months_between

from .sql import lock_trusts

# In the rollup index's order, so the groups stream out of an index-only scan.
_CELL_COLUMNS = """trust_id, period, team_id, instrument_key, domain, gap, trust_gap, change_gap,
    change_trust_gap"""

_CELL_SUMS = """count(*), sum(score), sum(score * score), count(change), sum(change),
    sum(change * change)"""

_INSERT_CELLS = f"""
INSERT INTO surveys_rollupcell ({_CELL_COLUMNS}, responses, total, total_squares, changes,
                                change_total, change_squares)
"""

# A full run: every score of the trusts and months, in one pass.
CELLS_FOR_MONTHS = f"""
{_INSERT_CELLS}
SELECT {_CELL_COLUMNS}, {_CELL_SUMS}
  FROM surveys_responsescore
 WHERE sent AND trust_id = ANY(%(trusts)s::bigint[])
   AND period BETWEEN %(first)s AND %(last)s
 GROUP BY {_CELL_COLUMNS}
"""

# An incremental one: the pending team-months only, each through the rollup index.
CELLS_FOR_TEAM_MONTHS = f"""
{_INSERT_CELLS}
SELECT {", ".join("s." + c.strip() for c in _CELL_COLUMNS.split(","))}, {_CELL_SUMS}
  FROM unnest(%(teams)s::bigint[], %(periods)s::date[]) AS p(team_id, period)
  JOIN surveys_responsescore s
    ON s.trust_id = %(trust)s AND s.period = p.period AND s.team_id = p.team_id AND s.sent
 GROUP BY {", ".join("s." + c.strip() for c in _CELL_COLUMNS.split(","))}
"""

# The trust-wide cells of the months given, folded from the team cells by the trust gaps.
TRUST_CELLS_FOR_MONTHS = f"""
{_INSERT_CELLS}
SELECT trust_id, period, NULL, instrument_key, domain, trust_gap, trust_gap, change_trust_gap,
       change_trust_gap, sum(responses), sum(total), sum(total_squares), sum(changes),
       sum(change_total), sum(change_squares)
  FROM surveys_rollupcell
 WHERE trust_id = ANY(%(trusts)s::bigint[]) AND team_id IS NOT NULL
   AND period = ANY(%(periods)s::date[])
 GROUP BY trust_id, period, instrument_key, domain, trust_gap, change_trust_gap
"""


def _months_from(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    start = month_of(first)
    return [add_months(start, k) for k in range(months_between(last, start) + 1)]


def cells_rebuild_months(
    trust_ids: Sequence[int], first: datetime.date, last: datetime.date
) -> None:
    """Every cell of the trusts' months first..last again, in one pass over their scores."""
    with connection.cursor() as cursor:
        lock_trusts(cursor, trust_ids)
        # One index-only scan of the rollup index, its rows summed as they stream past in
        # group order: about twice as fast as a sequential scan into a hash aggregate, which
        # the planner would otherwise pick. Compiling the statement costs more than it saves.
        cursor.execute(
            "SET LOCAL jit = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_hashagg = off"
        )
        cursor.execute(
            "DELETE FROM surveys_rollupcell WHERE trust_id = ANY(%s::bigint[]) "
            "AND period BETWEEN %s AND %s",
            [list(trust_ids), first, last],
        )
        cursor.execute(CELLS_FOR_MONTHS, {"trusts": list(trust_ids), "first": first, "last": last})
        cursor.execute(
            TRUST_CELLS_FOR_MONTHS,
            {"trusts": list(trust_ids), "periods": _months_from(first, last)},
        )


def cells_rebuild_team_months(
    trust_id: int, team_months: Sequence[tuple[int, datetime.date]]
) -> None:
    """The cells of just these team-months again, each read through the rollup index."""
    teams = [team for team, _ in team_months]
    periods = [period for _, period in team_months]
    with connection.cursor() as cursor:
        lock_trusts(cursor, [trust_id])
        cursor.execute(
            "DELETE FROM surveys_rollupcell c USING unnest(%s::bigint[], %s::date[]) AS p(t, m) "
            "WHERE c.trust_id = %s AND c.team_id = p.t AND c.period = p.m",
            [teams, periods, trust_id],
        )
        cursor.execute(
            CELLS_FOR_TEAM_MONTHS, {"trust": trust_id, "teams": teams, "periods": periods}
        )
        months = sorted(set(periods))
        cursor.execute(
            "DELETE FROM surveys_rollupcell WHERE trust_id = %s AND team_id IS NULL "
            "AND period = ANY(%s::date[])",
            [trust_id, months],
        )
        cursor.execute(TRUST_CELLS_FOR_MONTHS, {"trusts": [trust_id], "periods": months})
