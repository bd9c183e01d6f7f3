"""Reads the workforce pages, API and services share, each bounded in queries."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from common.dates import add_months, trust_time_zone, trust_today
from directory.choices import TeamKind, TeamRole
from directory.models import Membership, Team, in_force_condition

from . import rules
from .choices import PostStatus, TrainingLevel
from .models import PeerPost, PeerWorker, RecoveryChampion, Shift, TrainingRecord

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


@dataclass(frozen=True)
class TeamCoverage:
    team: Team
    posts: list[PeerPost]
    filled_hours: Decimal
    champions: list[str]

    @property
    def filled(self) -> int:
        return sum(1 for p in self.posts if p.status == PostStatus.FILLED)

    @property
    def lacks_a_peer(self) -> bool:
        """Every community team should have a peer in post."""
        return self.team.kind == TeamKind.COMMUNITY and not self.filled


def team_coverage(*, teams: QuerySet[Team]) -> list[TeamCoverage]:
    """Each team's peer posts, filled hours and champions today: three queries in all."""
    team_list = list(teams.order_by("name"))
    posts: dict[int, list[PeerPost]] = {t.pk: [] for t in team_list}
    for post in PeerPost.objects.filter(team__in=team_list).select_related("worker__user"):
        posts[post.team_id].append(post)
    champions: dict[int, list[str]] = {t.pk: [] for t in team_list}
    for champion in (
        RecoveryChampion.objects.in_force().filter(team__in=team_list).select_related("user")
    ):
        champions[champion.team_id].append(str(champion.user))
    return [
        TeamCoverage(
            team=team,
            posts=posts[team.pk],
            filled_hours=sum(
                (p.hours_per_week for p in posts[team.pk] if p.status == PostStatus.FILLED),
                Decimal(0),
            ),
            champions=champions[team.pk],
        )
        for team in team_list
    ]


@dataclass(frozen=True)
class PeerRatio:
    on: datetime.date
    peers: int
    clinical_staff: int

    @property
    def per_hundred(self) -> Decimal | None:
        if not self.clinical_staff:
            return None
        return (Decimal(self.peers) * 100 / self.clinical_staff).quantize(Decimal("0.1"))


def peers_per_hundred_clinical_staff(*, trust_id: int, months: int = 6) -> list[PeerRatio]:
    """On the first of each of the last `months` months (and today), the trust's peer support
    workers per 100 clinical staff (care coordinators and team leaders), from the dated
    memberships: one query, counting distinct people."""
    today = trust_today()
    days = [add_months(today.replace(day=1), -n) for n in range(months - 1, -1, -1)]
    if today.day != 1:
        days.append(today)
    peer_role, clinical = (
        TeamRole.PEER_SUPPORT_WORKER,
        [
            TeamRole.CARE_COORDINATOR,
            TeamRole.TEAM_LEADER,
        ],
    )
    counts: dict[str, Count] = {}
    for n, day in enumerate(days):
        in_force = in_force_condition(day)
        counts[f"peers_{n}"] = Count("user", filter=in_force & Q(role=peer_role), distinct=True)
        counts[f"clinical_{n}"] = Count(
            "user", filter=in_force & Q(role__in=clinical), distinct=True
        )
    totals = Membership.objects.filter(team__trust_id=trust_id).aggregate(**counts)
    return [
        PeerRatio(on=day, peers=totals[f"peers_{n}"], clinical_staff=totals[f"clinical_{n}"])
        for n, day in enumerate(days)
    ]


def fixed_terms_ending(*, trust_id: int, within_months: int = 3) -> list[PeerPost]:
    today = trust_today()
    return list(
        PeerPost.objects.filter(
            trust_id=trust_id,
            fixed_term_ends_on__gte=today,
            fixed_term_ends_on__lte=add_months(today, within_months),
        )
        .select_related("team", "worker__user")
        .order_by("fixed_term_ends_on")
    )


def workers_without_post(*, trust_id: int) -> QuerySet[PeerWorker]:
    return (
        PeerWorker.objects.filter(trust_id=trust_id)
        .exclude(posts__status=PostStatus.FILLED)
        .select_related("user")
    )


@dataclass(frozen=True)
class TrainingCoverage:
    name: str
    staff: int
    with_foundation: int
    leaders: int
    leaders_with_leading: int

    @staticmethod
    def share(part: int, whole: int) -> int | None:
        return round(100 * part / whole) if whole else None

    @property
    def foundation_share(self) -> int | None:
        return self.share(self.with_foundation, self.staff)

    @property
    def leading_share(self) -> int | None:
        return self.share(self.leaders_with_leading, self.leaders)


def training_coverage(*, teams: QuerySet[Team], on: datetime.date) -> list[TrainingCoverage]:
    """Per team, and for the trust (last), the share of staff holding foundation training on a
    day and of team leaders holding "leading recovery in practice": one query."""
    team_list = list(teams.order_by("name"))
    held = TrainingRecord.objects.filter(user=OuterRef("user"), completed_on__lte=on).exclude(
        expires_on__lte=on
    )
    members = (
        Membership.objects.filter(in_force_condition(on), team__in=team_list)
        .annotate(
            foundation=Exists(held.filter(level=TrainingLevel.FOUNDATION)),
            leading=Exists(held.filter(level=TrainingLevel.LEADING_RECOVERY)),
        )
        .values("team_id", "user_id", "role", "foundation", "leading")
    )
    per_team: dict[int, dict[str, set[int]]] = {
        t.pk: {"staff": set(), "foundation": set(), "leaders": set(), "leading": set()}
        for t in team_list
    }
    trust: dict[str, set[int]] = {
        "staff": set(),
        "foundation": set(),
        "leaders": set(),
        "leading": set(),
    }
    for row in members:
        for bucket in (per_team[row["team_id"]], trust):
            bucket["staff"].add(row["user_id"])
            if row["foundation"]:
                bucket["foundation"].add(row["user_id"])
            if row["role"] == TeamRole.TEAM_LEADER:
                bucket["leaders"].add(row["user_id"])
                if row["leading"]:
                    bucket["leading"].add(row["user_id"])

    def line(name: str, b: dict[str, set[int]]) -> TrainingCoverage:
        return TrainingCoverage(
            name, len(b["staff"]), len(b["foundation"]), len(b["leaders"]), len(b["leading"])
        )

    return [line(t.name, per_team[t.pk]) for t in team_list] + [line("Whole trust", trust)]


def training_due(
    *, trust_id: int, on: datetime.date, within_days: int = 60
) -> list[TrainingRecord]:
    """Each member of staff's latest record of each level that has expired or expires within
    `within_days`: what HR must book refreshers for."""
    newer = TrainingRecord.objects.filter(
        user=OuterRef("user"), level=OuterRef("level"), completed_on__gt=OuterRef("completed_on")
    )
    return list(
        TrainingRecord.objects.filter(
            user__trust_id=trust_id,
            expires_on__isnull=False,
            expires_on__lte=on + datetime.timedelta(days=within_days),
        )
        .exclude(Exists(newer))
        .select_related("user")
        .order_by("expires_on", "user__last_name")
    )
