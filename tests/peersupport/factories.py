"""Factories for the peer workforce: workers, training records and shifts."""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory

from directory.choices import TeamRole
from directory.models import Team, User
from peersupport.choices import ShiftKind
from peersupport.models import PeerWorker, Shift, TrainingRecord
from tests.factories import TeamFactory, UserFactory, staff

LONDON = ZoneInfo("Europe/London")


def at(day: str, clock: str) -> datetime.datetime:
    """A wall-clock time in London."""
    return datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


class PeerWorkerFactory(factory.django.DjangoModelFactory[PeerWorker]):
    class Meta:
        model = PeerWorker

    user = factory.SubFactory(UserFactory)
    trust = factory.SelfAttribute("user.trust")
    started_on = datetime.date(2025, 4, 1)
    contracted_hours = Decimal("37.5")


def peer_worker(*, team: Team, user: User | None = None, **kwargs) -> PeerWorker:
    """A peer support worker in `team` (a membership) with their workforce record."""
    if user is None:
        user = staff(team=team, role=TeamRole.PEER_SUPPORT_WORKER)
    return PeerWorkerFactory.create(user=user, trust=team.trust, **kwargs)


class TrainingRecordFactory(factory.django.DjangoModelFactory[TrainingRecord]):
    class Meta:
        model = TrainingRecord

    user = factory.SubFactory(UserFactory)
    level = "foundation"
    completed_on = datetime.date(2025, 1, 10)


class ShiftFactory(factory.django.DjangoModelFactory[Shift]):
    class Meta:
        model = Shift

    team = factory.SubFactory(TeamFactory)
    trust = factory.SelfAttribute("team.trust")
    starts_at = factory.LazyFunction(lambda: at("2027-01-04", "09:00"))
    ends_at = factory.LazyAttribute(lambda s: s.starts_at + datetime.timedelta(hours=6))
    kind = ShiftKind.GROUP
