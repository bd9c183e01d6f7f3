"""Reads the workforce pages, API and services share, each bounded in queries."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from common.dates import trust_time_zone, trust_today
from directory.models import Team

from . import rules
from .models import PeerWorker, Shift, TrainingRecord

# How far either side of a shift the rules look: the 7-day limit and the week containing it.
RULES_REACH = datetime.timedelta(days=8)


def monday_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def week_bounds(monday: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Monday 00:00 to the next Monday 00:00 in the trust's zone, as moments."""
    zone = trust_time_zone()
    start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
    return start, rules.next_week(start.astimezone(rules.UTC), zone)


def shift_label(shift: Shift) -> str:
    """A shift as rota messages name it: "Group, North Fells CMHT, Mon 2 Mar 09:00 to 17:00"."""
    zone = trust_time_zone()
    start, end = shift.starts_at.astimezone(zone), shift.ends_at.astimezone(zone)
    until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%a %-d %b %H:%M}"
    return f"{shift.get_kind_display()}, {shift.team.name}, {start:%a %-d %b %H:%M} to {until}"


def span_of(shift: Shift) -> rules.Span:
    return rules.Span(
        key=str(shift.public_id),
        label=shift_label(shift),
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        break_minutes=shift.break_minutes,
        required_level=shift.required_level,
        required_level_label=shift.get_required_level_display() if shift.required_level else "",
    )


def terms_of(worker: PeerWorker) -> rules.Terms:
    records = TrainingRecord.objects.filter(user_id=worker.user_id)
    return rules.Terms(
        name=str(worker.user),
        contracted_hours=rules.Fraction(str(worker.contracted_hours)),
        opted_out=worker.has_opted_out,
        training=tuple(
            rules.Held(level=r.level, completed_on=r.completed_on, expires_on=r.expires_on)
            for r in records
        ),
    )


def rostered_around(*, worker: PeerWorker, shift: Shift) -> QuerySet[Shift]:
    """The worker's other shifts near enough to `shift` for any rule to reach."""
    return (
        Shift.objects.filter(
            worker=worker,
            starts_at__lt=shift.ends_at + RULES_REACH,
            ends_at__gt=shift.starts_at - RULES_REACH,
        )
        .exclude(pk=shift.pk)
        .select_related("team")
    )


def team_week(*, team: Team, monday: datetime.date) -> list[Shift]:
    """A team's shifts starting in a week, with their workers: two tables, one query."""
    start, end = week_bounds(monday)
    return list(
        Shift.objects.filter(team=team, starts_at__gte=start, starts_at__lt=end)
        .select_related("team", "worker__user")
        .order_by("starts_at", "pk")
    )


def worker_week(*, worker: PeerWorker, monday: datetime.date) -> list[Shift]:
    start, end = week_bounds(monday)
    return list(
        Shift.objects.filter(worker=worker, starts_at__gte=start, starts_at__lt=end)
        .select_related("team")
        .order_by("starts_at")
    )


def upcoming_shifts(*, worker: PeerWorker, weeks: int = 4) -> list[Shift]:
    start, _ = week_bounds(monday_of(trust_today()))
    end = start + datetime.timedelta(weeks=weeks)
    return list(
        Shift.objects.filter(worker=worker, ends_at__gt=start, starts_at__lt=end)
        .select_related("team")
        .order_by("starts_at")
    )


def feed_shifts(*, worker: PeerWorker) -> QuerySet[Shift]:
    """What a calendar feed carries: from four weeks back to twelve ahead."""
    today, _ = week_bounds(monday_of(trust_today()))
    return (
        Shift.objects.filter(
            worker=worker,
            ends_at__gt=today - datetime.timedelta(weeks=4),
            starts_at__lt=today + datetime.timedelta(weeks=12),
        )
        .select_related("team")
        .order_by("starts_at")
    )


def held_levels(*, user_id: int, on: datetime.date) -> set[str]:
    return set(
        TrainingRecord.objects.filter(user_id=user_id, completed_on__lte=on)
        .exclude(expires_on__lte=on)
        .values_list("level", flat=True)
    )


def open_shifts_for(*, worker: PeerWorker) -> list[Shift]:
    """Open shifts in the worker's trust from now on whose training they hold today."""

    held = held_levels(user_id=worker.user_id, on=trust_today())
    shifts = (
        Shift.objects.filter(trust_id=worker.trust_id, worker__isnull=True)
        .filter(starts_at__gt=timezone.now())
        .select_related("team")
        .order_by("starts_at")
    )
    return [s for s in shifts if not s.required_level or s.required_level in held]


def workers_for_assignment(*, shift: Shift) -> QuerySet[PeerWorker]:
    """The trust's peer workers, any of whom may be offered a shift (the rules decide)."""
    return PeerWorker.objects.filter(trust_id=shift.trust_id).select_related("user")


def workers_with_shifts(
    *, workers: Iterable[PeerWorker], monday: datetime.date
) -> list[PeerWorker]:
    start, end = week_bounds(monday)
    return list(
        PeerWorker.objects.filter(pk__in=[w.pk for w in workers])
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "shifts",
                queryset=Shift.objects.filter(starts_at__gte=start, starts_at__lt=end)
                .select_related("team")
                .order_by("starts_at"),
                to_attr="week_shifts",
            )
        )
    )


def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def worker_for_feed(token: str) -> PeerWorker | None:
    """The worker whose calendar feed this secret opens, while it is still theirs."""
    if not token:
        return None
    return (
        PeerWorker.objects.select_related("user").filter(feed_token_hash=feed_token_hash(token))
    ).first()
