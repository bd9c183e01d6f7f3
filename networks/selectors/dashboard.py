"""The network dashboard's figures: referrals reaching each step by opportunity kind, partner
and team, month by month; opportunities nobody has been referred to; the median time from
referral to start. Counts only, never a person; each figure is one grouped query."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.functions import TruncMonth

from common.dates import add_months, month_of, trust_today
from directory.models import User
from directory.permissions import roles_of

from ..choices import OpportunityKind, ReferralStatus
from ..models import Opportunity, Referral, ReferralStep
from ..permissions import opportunities_visible_to

STAGES = (
    ReferralStatus.REFERRED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.STARTED,
    ReferralStatus.COMPLETED,
)
MONTHS = 12


@dataclass(frozen=True)
class Row:
    """A label and the number of referrals that reached each stage, in `STAGES` order."""

    label: str
    counts: tuple[int, ...]


def months_shown(today: datetime.date) -> list[datetime.date]:
    """The first days of the last twelve months, oldest first."""
    first = add_months(month_of(today), -(MONTHS - 1))
    return [add_months(first, n) for n in range(MONTHS)]


def _trust_steps(user: User) -> QuerySet[ReferralStep]:
    trust_id = roles_of(user).trust_id
    if trust_id is None:
        return ReferralStep.objects.none()
    return ReferralStep.objects.filter(referral__team__trust_id=trust_id)


def steps_of_trust(user: User, since: datetime.date) -> QuerySet[ReferralStep]:
    """Steps of referrals made by the user's trust's teams, on or after `since`."""
    return _trust_steps(user).filter(
        status__in=STAGES,
        happened_on__gte=since,
    )


def _table(rows: QuerySet, key: str, labels: dict) -> list[Row]:
    counts: dict[object, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[row[key]][row["status"]] = row["n"]
    ordered = sorted(counts, key=lambda k: str(labels.get(k, k)))
    return [
        Row(str(labels.get(k, k)), tuple(counts[k].get(stage, 0) for stage in STAGES))
        for k in ordered
    ]


def by_month(user: User, today: datetime.date | None = None) -> list[Row]:
    """Each of the last twelve months, oldest first, with the steps reached in it."""
    months = months_shown(today or trust_today())
    rows = (
        steps_of_trust(user, months[0])
        .annotate(month=TruncMonth("happened_on"))
        .values("month", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[datetime.date, dict[str, int]] = defaultdict(dict)
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, datetime.datetime) else month
        counts[month][row["status"]] = row["n"]
    return [
        Row(f"{m:%B %Y}", tuple(counts.get(m, {}).get(stage, 0) for stage in STAGES))
        for m in months
    ]


def by_kind(user: User, today: datetime.date | None = None) -> list[Row]:
    since = months_shown(today or trust_today())[0]
    rows = (
        steps_of_trust(user, since)
        .values("referral__opportunity__kind", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _table(rows, "referral__opportunity__kind", dict(OpportunityKind.choices))


def by_partner(user: User, today: datetime.date | None = None) -> list[Row]:
    since = months_shown(today or trust_today())[0]
    rows = (
        steps_of_trust(user, since)
        .values("referral__partner__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _table(rows, "referral__partner__name", {})


def by_team(user: User, today: datetime.date | None = None) -> list[Row]:
    since = months_shown(today or trust_today())[0]
    rows = (
        steps_of_trust(user, since)
        .values("referral__team__name", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return _table(rows, "referral__team__name", {})


def never_referred(user: User) -> QuerySet[Opportunity]:
    """Open opportunities of the trust's partners that nobody has been referred to (a
    suggestion the person did not take up does not count)."""
    referred = Referral.objects.filter(opportunity=OuterRef("pk")).exclude(
        status=ReferralStatus.SUGGESTED
    )
    return (
        opportunities_visible_to(user)
        .filter(is_active=True, partner__is_active=True)
        .exclude(Exists(referred))
        .select_related("partner")
        .order_by("partner__name", "title")
    )


def median_days_to_start(user: User) -> tuple[float | None, int]:
    """The median number of days from referral to start, and over how many referrals."""
    steps = (
        _trust_steps(user)
        .filter(
            status__in=(ReferralStatus.REFERRED, ReferralStatus.STARTED),
        )
        .values_list("referral_id", "status", "happened_on")
    )
    referred: dict[int, datetime.date] = {}
    started: dict[int, datetime.date] = {}
    for referral_id, status, day in steps:
        (referred if status == ReferralStatus.REFERRED else started)[referral_id] = day
    waits = [(started[r] - referred[r]).days for r in started if r in referred]
    if not waits:
        return None, 0
    return statistics.median(waits), len(waits)
