"""Fictional peer workforce demo data: workers, training (some of it expired), a month of rotas
checked by the same rules as the pages, and peers assigned to people. Safe to run again."""

from __future__ import annotations

import contextlib
import datetime
from decimal import Decimal

from common.dates import add_months, trust_time_zone, trust_today
from directory.audit import AuditContext
from directory.choices import CareRelationshipKind, TeamRole, TrustRole
from directory.demo import DemoDirectory
from directory.models import CareRelationship, Membership, ServiceUser, TrustRoleGrant

from .choices import Band, PostStatus, PostTitle, ShiftKind, TrainingLevel
from .models import PeerPost, PeerWorker, Shift, TrainingRecord
from .selectors import monday_of
from .services import (
    RosterRuleBroken,
    champion_designate,
    post_create,
    post_fill,
    shift_assign,
    shift_create,
)

SEEDING = AuditContext.for_system("peer workforce demo data")
PEOPLE_PER_PEER = 4
HOURS = [Decimal("37.5"), Decimal("22.5"), Decimal("30.0")]

# (weekday, start, end, kind, break minutes, training needed): a team's usual week.
USUAL_WEEK = [
    (0, "10:00", "13:00", ShiftKind.GROUP, 0, TrainingLevel.FOUNDATION),
    (1, "09:00", "16:30", ShiftKind.COMMUNITY_VISIT, 30, ""),
    (2, "13:00", "17:00", ShiftKind.DROP_IN, 0, ""),
    (3, "09:30", "12:30", ShiftKind.WARD_SESSION, 0, TrainingLevel.ROLE_SPECIFIC),
    (4, "10:00", "14:00", ShiftKind.GROUP, 0, TrainingLevel.FOUNDATION),
]


def seed_peersupport(directory: DemoDirectory) -> None:
    today = trust_today()
    workers = _workers(directory, today)
    _training(workers, directory, today)
    _rotas(directory, workers, today)
    _assignments(directory)
    _posts(directory, workers, today)


# Per team of the first trust, in order: (title, band, hours, months of fixed term left or
# None, filled by the team's peer?, status if not). South Dales (a community team) is only
# recruiting, so the coverage page flags it; the recovery team has no post at all.
POSTS: list[list[tuple[str, str, Decimal, int | None, bool, str]]] = [
    [
        (PostTitle.PEER_SUPPORT_WORKER, Band.BAND_3, Decimal("30.0"), 2, True, ""),
        (PostTitle.SENIOR_PEER_SUPPORT_WORKER, Band.BAND_4, Decimal("37.5"), None, False, "vacant"),
    ],
    [(PostTitle.PEER_SUPPORT_WORKER, Band.BAND_3, Decimal("22.5"), None, True, "")],
    [(PostTitle.PEER_SUPPORT_WORKER, Band.BAND_3, Decimal("22.5"), 12, False, "recruiting")],
    [(PostTitle.PEER_TRAINER, Band.BAND_4, Decimal("37.5"), None, True, "")],
    [(PostTitle.PEER_SUPPORT_WORKER, Band.BAND_3, Decimal("30.0"), None, False, "vacant")],
    [(PostTitle.PEER_SUPPORT_WORKER, Band.BAND_3, Decimal("37.5"), 1, True, "")],
    [],
]


def _posts(directory: DemoDirectory, workers: list[PeerWorker], today: datetime.date) -> None:
    trust = directory.trusts["fellside"]
    hr = (
        TrustRoleGrant.objects.filter(trust=trust, role=TrustRole.HR).select_related("user").first()
    )
    if hr is None:
        return
    for index, (team, specs) in enumerate(zip(directory.teams["fellside"], POSTS, strict=True)):
        if PeerPost.objects.filter(team=team).exists():
            continue  # seeded before
        first_peer = (
            Membership.objects.filter(
                team=team, role=TeamRole.PEER_SUPPORT_WORKER, ended_on__isnull=True
            )
            .order_by("pk")
            .first()
        )
        peer = next(
            (w for w in workers if first_peer is not None and w.user_id == first_peer.user_id),
            None,
        )
        for title, band, hours, months, filled, status in specs:
            post = post_create(
                actor=hr.user,
                team=team,
                title=title,
                band=band,
                hours_per_week=hours,
                fixed_term_ends_on=add_months(today, months) if months else None,
                status=status or PostStatus.VACANT,
                audit=SEEDING,
            )
            if filled and peer is not None:
                post_fill(actor=hr.user, post=post, worker=peer, on=peer.started_on, audit=SEEDING)
        leader = Membership.objects.filter(
            team=team, role=TeamRole.TEAM_LEADER, ended_on__isnull=True
        ).first()
        if leader is not None and index in (0, 1, 3):
            champion_designate(actor=hr.user, team=team, user=leader.user, audit=SEEDING)


def _workers(directory: DemoDirectory, today: datetime.date) -> list[PeerWorker]:
    peers = Membership.objects.filter(
        role=TeamRole.PEER_SUPPORT_WORKER, ended_on__isnull=True
    ).select_related("user", "team")
    workers = []
    for n, membership in enumerate(peers.order_by("pk")):
        worker, _ = PeerWorker.objects.get_or_create(
            user=membership.user,
            defaults={
                "trust_id": membership.team.trust_id,
                "contracted_hours": HOURS[n % len(HOURS)],
                "band": Band.BAND_4 if n % 4 == 0 else Band.BAND_3,
                "started_on": today - datetime.timedelta(days=200 + 40 * n),
                "weekly_limit_opt_out_on": today - datetime.timedelta(days=90) if n == 2 else None,
                "lived_experience": (
                    "I use my own experience of anxiety and recovery to help people plan "
                    "their first steps back to work."
                    if n % 2 == 0
                    else ""
                ),
            },
        )
        workers.append(worker)
    return workers


def _training(workers: list[PeerWorker], directory: DemoDirectory, today: datetime.date) -> None:
    for n, worker in enumerate(workers):
        started = worker.started_on
        records: list[tuple[str, datetime.date, datetime.date | None]] = [
            (TrainingLevel.INDUCTION, started, None)
        ]
        if n % 5 != 4:
            # Every third worker's foundation training has lapsed (two-year refresher).
            completed = started + datetime.timedelta(days=30)
            expires = (
                today - datetime.timedelta(days=20)
                if n % 3 == 1
                else today + datetime.timedelta(days=400)
            )
            records.append(
                (
                    TrainingLevel.FOUNDATION,
                    completed,
                    max(expires, completed + datetime.timedelta(days=1)),
                )
            )
        if n % 2 == 0:
            records.append(
                (TrainingLevel.ROLE_SPECIFIC, started + datetime.timedelta(days=60), None)
            )
        for level, completed_on, expires_on in records:
            TrainingRecord.objects.get_or_create(
                user=worker.user,
                level=level,
                completed_on=completed_on,
                defaults={"expires_on": expires_on},
            )


def _rotas(directory: DemoDirectory, workers: list[PeerWorker], today: datetime.date) -> None:
    """Last week to three weeks ahead for the first trust's teams, rostered through the rules:
    a shift a worker may not take (training lapsed, too many hours) stays open."""
    trust = directory.trusts["fellside"]
    hr = (
        TrustRoleGrant.objects.filter(trust=trust, role=TrustRole.HR, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    if hr is None:
        return
    zone = trust_time_zone()
    by_team: dict[int, PeerWorker] = {}
    for membership in Membership.objects.filter(
        role=TeamRole.PEER_SUPPORT_WORKER, team__trust=trust, ended_on__isnull=True
    ).order_by("pk"):
        worker = next((w for w in workers if w.user_id == membership.user_id), None)
        if worker is not None:
            by_team.setdefault(membership.team_id, worker)
    first_monday = monday_of(today) - datetime.timedelta(days=7)
    for week in range(4):
        monday = first_monday + datetime.timedelta(days=7 * week)
        for index, team in enumerate(directory.teams["fellside"]):
            start = datetime.datetime.combine(monday, datetime.time(), tzinfo=zone)
            if Shift.objects.filter(
                team=team, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=7)
            ).exists():
                continue  # this week was seeded before
            if index == len(directory.teams["fellside"]) - 1:
                continue  # the last team has no peer rota at all
            for weekday, begins, ends, kind, breaks, level in USUAL_WEEK:
                day = monday + datetime.timedelta(days=weekday)
                shift = shift_create(
                    actor=hr.user,
                    team=team,
                    starts_at=datetime.datetime.combine(
                        day, datetime.time.fromisoformat(begins), tzinfo=zone
                    ),
                    ends_at=datetime.datetime.combine(
                        day, datetime.time.fromisoformat(ends), tzinfo=zone
                    ),
                    kind=kind,
                    required_level=level,
                    break_minutes=breaks,
                    audit=SEEDING,
                )
                worker = by_team.get(team.pk)
                if worker is None or (week == 3 and weekday == 4):
                    continue  # an open shift, offered to every eligible peer
                with contextlib.suppress(RosterRuleBroken):  # left open: the rules said no
                    shift_assign(actor=hr.user, shift=shift, worker=worker, audit=SEEDING)


def _assignments(directory: DemoDirectory) -> None:
    """Each team's peer supports a few of the team's people, through a peer-support
    relationship (the persona peer already supports the service-user persona)."""
    for membership in Membership.objects.filter(
        role=TeamRole.PEER_SUPPORT_WORKER, ended_on__isnull=True
    ).select_related("team"):
        people = ServiceUser.objects.filter(team=membership.team).order_by("pk")
        for person in people[1 : 1 + PEOPLE_PER_PEER]:
            if not CareRelationship.objects.filter(
                person=person, kind=CareRelationshipKind.PEER_SUPPORT, ended_on__isnull=True
            ).exists():
                CareRelationship.objects.create(
                    person=person,
                    staff=membership.user,
                    kind=CareRelationshipKind.PEER_SUPPORT,
                    started_on=person.created_at.date(),
                )
