"""Rota pages. Thin: permissions decide, selectors read, services check the rules and write."""

from .own import FeedLinkView, MyRotaView, ShiftTakeView, feed
from .rota import (
    RotaTeamsView,
    ShiftAssignView,
    ShiftCreateView,
    ShiftUnassignView,
    TeamWeekView,
    WeekCopyView,
    WorkerWeekView,
)
from .workforce import (
    CoverageView,
    PostCreateView,
    PostFillView,
    TrainingImportView,
    TrainingView,
    WorkerView,
)

__all__ = [
    "CoverageView",
    "FeedLinkView",
    "MyRotaView",
    "PostCreateView",
    "PostFillView",
    "RotaTeamsView",
    "ShiftAssignView",
    "ShiftCreateView",
    "ShiftTakeView",
    "ShiftUnassignView",
    "TeamWeekView",
    "TrainingImportView",
    "TrainingView",
    "WeekCopyView",
    "WorkerView",
    "WorkerWeekView",
    "feed",
]
