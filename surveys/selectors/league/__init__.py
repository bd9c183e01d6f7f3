"""League-table reads: the rollup rows (`TeamPeriodScore`) laid out for pages, files and the API.

Nothing here reads a response: every figure comes from the rows the rollup jobs wrote, so a page
costs the same few queries whatever the number of responses or teams. Bands come from the
funnel plot (`surveys.statistics`), never from neighbours in the order.

One module per use: `options` for the choices and when figures were worked out, `table` for a
trust's league, `series` for a team over time, `benchmark` for other trusts and the aggregate
file; `shared` holds what they share.
"""

from .benchmark import BenchmarkRow, TrustRow, benchmark_rows, trust_rows
from .options import LeagueChoice, LeagueOptions, as_at, league_options
from .series import (
    DomainSeries,
    SeriesMonth,
    TeamPosition,
    process_changes,
    team_months,
    team_positions,
    team_series,
)
from .shared import (
    BAND_WORDS,
    DomainInfo,
    DomainInfos,
    TrustFigures,
    domain_label,
    period_label,
    suppression_threshold,
)
from .table import League, LeagueRow, league_table
from .version import league_version, league_version_bump

__all__ = [
    "BAND_WORDS",
    "BenchmarkRow",
    "DomainInfo",
    "DomainInfos",
    "DomainSeries",
    "League",
    "LeagueChoice",
    "LeagueOptions",
    "LeagueRow",
    "SeriesMonth",
    "TeamPosition",
    "TrustFigures",
    "TrustRow",
    "as_at",
    "benchmark_rows",
    "domain_label",
    "league_options",
    "league_table",
    "league_version",
    "league_version_bump",
    "period_label",
    "process_changes",
    "suppression_threshold",
    "team_months",
    "team_positions",
    "team_series",
    "trust_rows",
]
