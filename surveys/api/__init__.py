"""Check-in endpoints: instruments (read), responses (send with an idempotency key; read what
you may), and a person's scores over time. The same permission functions as the pages.

One module per group: `checkins` for instruments, responses and scores; `league` for the
aggregated league tables and team series."""

from .checkins import InstrumentViewSet, PersonScoresViewSet, ResponseViewSet
from .league import LeagueViewSet, TeamSeriesViewSet

__all__ = [
    "InstrumentViewSet",
    "LeagueViewSet",
    "PersonScoresViewSet",
    "ResponseViewSet",
    "TeamSeriesViewSet",
]
