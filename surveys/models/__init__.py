"""The check-ins' data: instruments, responses and their scores, and the league-table rollups."""

from .benchmarks import ExternalBenchmark
from .instruments import FROZEN_MESSAGE, Instrument, Item, ScoringRule
from .process_changes import TeamProcessChange
from .responses import Answer, Invitation, Response, ResponseScore, TeamSurveySettings
from .rollups import RollupCell, RollupPending, RollupRun, TeamPeriodScore

__all__ = [
    "FROZEN_MESSAGE",
    "Answer",
    "ExternalBenchmark",
    "Instrument",
    "Invitation",
    "Item",
    "Response",
    "ResponseScore",
    "RollupCell",
    "RollupPending",
    "RollupRun",
    "ScoringRule",
    "TeamPeriodScore",
    "TeamProcessChange",
    "TeamSurveySettings",
]
