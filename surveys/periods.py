"""Days and months as the trust counts them: in its own time zone, whatever the server's."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

TRUST_TIME_ZONE = ZoneInfo("Europe/London")  # every trust the product serves is in England


def trust_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where the trust is."""
    return (now or timezone.now()).astimezone(TRUST_TIME_ZONE).date()


def period_of(day: datetime.date) -> datetime.date:
    """The month a day falls in, as its first day: what rollups group by."""
    return day.replace(day=1)
