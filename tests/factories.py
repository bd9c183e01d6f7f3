"""Factories for the directory, shared by every app's tests."""

from __future__ import annotations

import datetime
import itertools

import factory

from common.dates import trust_today
from directory.choices import CareRelationshipKind, TeamKind, TeamRole, TrustRole
from directory.models import (
    CareRelationship,
    Membership,
    ServiceUser,
    Team,
    TeamEpisode,
    Trust,
    TrustRoleGrant,
    User,
)
from directory.nhs_number import check_digit


def _valid_test_nhs_numbers():
    """Valid NHS numbers from the 999 test range, in order."""
    for n in itertools.count(1):
        first_nine = f"999{n:06d}"
        digit = check_digit(first_nine)
        if digit is not None:
            yield f"{first_nine}{digit}"


_NHS_NUMBERS = _valid_test_nhs_numbers()


def next_nhs_number() -> str:
    return next(_NHS_NUMBERS)


class TrustFactory(factory.django.DjangoModelFactory[Trust]):
    class Meta:
        model = Trust
        django_get_or_create = ("ods_code",)

    name = factory.Sequence(lambda n: f"Test Trust {n} NHS Foundation Trust")
    ods_code = factory.Sequence(lambda n: f"T{n:04d}")


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Team {n} Community Mental Health Team")
    kind = TeamKind.COMMUNITY


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.nhs.uk")
    trust = factory.SubFactory(TrustFactory)
    password = factory.django.Password("a-test-password-1")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = TeamRole.CARE_COORDINATOR


class TrustRoleGrantFactory(factory.django.DjangoModelFactory[TrustRoleGrant]):
    class Meta:
        model = TrustRoleGrant

    user = factory.SubFactory(UserFactory)
    trust = factory.SelfAttribute("user.trust")
    role = TrustRole.QA_MANAGER


class CareRelationshipFactory(factory.django.DjangoModelFactory[CareRelationship]):
    class Meta:
        model = CareRelationship

    person = factory.SubFactory("tests.factories.ServiceUserFactory")
    staff = factory.SubFactory(UserFactory, trust=factory.SelfAttribute("..person.trust"))
    kind = CareRelationshipKind.CARE_COORDINATOR


class ServiceUserFactory(factory.django.DjangoModelFactory[ServiceUser]):
    """A person in a team (with its open team episode); `care_coordinator=` starts an open
    care-coordinator relationship, as the service that adds people does."""

    class Meta:
        model = ServiceUser
        skip_postgeneration_save = True

    team = factory.SubFactory(TeamFactory)
    trust = factory.SelfAttribute("team.trust")
    nhs_number = factory.LazyFunction(next_nhs_number)
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")
    date_of_birth = factory.LazyFunction(lambda: datetime.date(1985, 6, 15))

    @factory.post_generation
    def team_episode(obj: ServiceUser, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            TeamEpisode.objects.create(
                person=obj, team=obj.team, started_on=trust_today(obj.created_at)
            )

    @factory.post_generation
    def care_coordinator(obj: ServiceUser, create: bool, extracted: User | None, **kwargs) -> None:
        if create and extracted is not None:
            CareRelationship.objects.create(
                person=obj,
                staff=extracted,
                kind=CareRelationshipKind.CARE_COORDINATOR,
                started_on=trust_today(obj.created_at),
            )


def staff(*, team: Team, role: str, **kwargs) -> User:
    """A member of staff with one role in one team."""
    user = UserFactory.create(trust=team.trust, **kwargs)
    MembershipFactory.create(user=user, team=team, role=role)
    return user


def trust_staff(*, trust: Trust, role: str, **kwargs) -> User:
    """A member of staff with one trust-wide role."""
    user = UserFactory.create(trust=trust, **kwargs)
    TrustRoleGrantFactory.create(user=user, role=role)
    return user
