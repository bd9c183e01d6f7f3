"""Days and months as a trust counts them: in its own time zone, whatever the server's."""

from __future__ import annotations

import calendar
import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def trust_time_zone() -> ZoneInfo:
    """The zone trusts keep their days in (every trust the product serves is in England)."""
    return ZoneInfo(getattr(settings, "TRUST_TIME_ZONE", settings.TIME_ZONE))


def trust_today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date where the trust is."""
    return (now or timezone.now()).astimezone(trust_time_zone()).date()


def in_trust_zone(moment: datetime.datetime) -> datetime.datetime:
    """A moment as the trust's clocks show it."""
    return moment.astimezone(trust_time_zone())


def month_of(day: datetime.date) -> datetime.date:
    """The month a day falls in, as its first day: what rollups group by."""
    return day.replace(day=1)


def months_between(later: datetime.date, earlier: datetime.date) -> int:
    """Whole calendar months from `earlier`'s month to `later`'s (negative when it is before)."""
    return (later.year - earlier.year) * 12 + later.month - earlier.month


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), or that month's last day when it has no such
    day: 31 January plus one month is 28 or 29 February."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )
