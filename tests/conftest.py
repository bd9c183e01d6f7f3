"""Fixtures every test package shares: the built-in check-in in every database test, and the
personas of the authorisation matrix."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from directory.choices import CareRelationshipKind, TeamRole, TrustRole
from directory.models import ServiceUser, Team, Trust, User
from recovery_site.two_factor import SECOND_FACTOR_SESSION_KEY

from .factories import (
    CareRelationshipFactory,
    ServiceUserFactory,
    TeamFactory,
    TrustFactory,
    UserFactory,
    staff,
    trust_staff,
)
from .surveys.factories import ensure_built_in

ROLES = [
    "anonymous",
    "service_user",
    "care_coordinator",
    "team_leader",
    "peer_support_worker",
    "assigned_peer_support_worker",
    "qa_manager",
    "hr",
    "network_coordinator",
    "administrator",
    "other_trust_staff",
    "partner_contact",
]


# Any of these, or a django_db mark, gives a test the database.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


# Fixtures that make a world once for a module, after putting back the built-in check-in, in a
# transaction that each of the module's tests runs inside (in a savepoint) and rolls back to.
MODULE_WORLDS = {"module_world", "rich_world"}


@pytest.fixture(autouse=True)
def _built_in_check_in(request):
    """Every database test starts with the built-in check-in, whatever ran before it.

    The check-in comes from a data migration, and a transactional test (live_server included)
    flushes every table when it ends; without this, what a test sees would depend on the order
    of the tests, and a database kept with --reuse-db would lack it from the start."""
    if request.node.get_closest_marker("django_db") is None and not (
        DATABASE_FIXTURES & set(request.fixturenames)
    ):
        return
    request.getfixturevalue("db")  # the test's own kind: transactional where it asked for that
    if MODULE_WORLDS & set(request.fixturenames):
        return  # the module's world put it back in the transaction each test rolls back to
    ensure_built_in()


TEST_SIGN_IN = "test client sign-in"


@pytest.fixture(scope="session", autouse=True)
def _test_sign_ins_count_as_complete():
    """`client.force_login` stands for a whole sign-in, the second factor included: the session
    it leaves carries the second-factor marker a real sign-in earns on the code page.

    Only the test client's shortcut is marked. Sessions made by the real sign-in pages still need
    the second factor (tests/site/test_two_factor.py signs in that way and proves it)."""
    original = Client._login  # type: ignore[attr-defined]

    def login_with_second_factor(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[SECOND_FACTOR_SESSION_KEY] = TEST_SIGN_IN
        session.save()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Client, "_login", login_with_second_factor)
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the in-process one the tests use), so nothing one
    test kept (a league page's figures, a throttle count) is seen by the next."""
    cache.clear()


@dataclass
class World:
    """Two trusts; in the first, a team with one person of each role and a person on the care
    coordinator's caseload who has their own login (and an assigned peer support worker);
    people the roles must not see; a partner organisation's contact with no trust role."""

    trust: Trust
    team: Team
    other_team: Team
    other_trust: Trust
    other_trust_team: Team
    person: ServiceUser  # on the care coordinator's caseload, with a login
    teammate_person: ServiceUser  # same team, another coordinator's caseload
    other_team_person: ServiceUser  # same trust, another team
    foreign_person: ServiceUser  # another trust
    users: dict[str, User | None]
    extras: dict[str, Any] = field(default_factory=dict)  # objects a matrix row makes for itself

    def user(self, role: str) -> User | None:
        return self.users[role]

    def people(self) -> dict[str, ServiceUser]:
        """Every person in the world, by name, for tests that go through them all."""
        return {
            "person": self.person,
            "teammate_person": self.teammate_person,
            "other_team_person": self.other_team_person,
            "foreign_person": self.foreign_person,
        }

    def signed_in(self, role: str) -> User | AnonymousUser:
        return self.users[role] or AnonymousUser()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[World]:
    """The same world, made once for a whole module in a transaction rolled back at its end.

    Tests that use it need the django_db mark: each then runs in a savepoint inside this
    transaction, so what one test writes is gone before the next, and the world is not rebuilt
    for every case of a large matrix."""
    with django_db_blocker.unblock(), transaction.atomic():
        ensure_built_in()
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> World:
    """The matrix's world, made in the current transaction (a test's, or a module's)."""
    trust = TrustFactory.create(name="Fellside Test NHS Foundation Trust")
    other_trust = TrustFactory.create(name="Riverside Test NHS Trust")
    team = TeamFactory.create(trust=trust, name="North Fells CMHT")
    other_team = TeamFactory.create(trust=trust, name="Lakes CMHT")
    other_trust_team = TeamFactory.create(trust=other_trust, name="Millbrook CMHT")

    coordinator = staff(team=team, role=TeamRole.CARE_COORDINATOR, username="coordinator")
    other_coordinator = staff(team=team, role=TeamRole.CARE_COORDINATOR, username="coordinator2")
    service_user_login = UserFactory.create(
        trust=trust, username="serviceuser", first_name="Samira", last_name="Oakenshaw"
    )
    person = ServiceUserFactory.create(
        team=team,
        care_coordinator=coordinator,
        user=service_user_login,
        given_name="Samira",
        family_name="Oakenshaw",
    )
    teammate_person = ServiceUserFactory.create(
        team=team,
        care_coordinator=other_coordinator,
        given_name="Tobias",
        family_name="Quarrington",
    )
    other_team_person = ServiceUserFactory.create(
        team=other_team, given_name="Ursula", family_name="Brackenbury"
    )
    foreign_other_staff = staff(
        team=other_trust_team, role=TeamRole.CARE_COORDINATOR, username="foreigncc"
    )
    foreign_person = ServiceUserFactory.create(
        team=other_trust_team,
        care_coordinator=foreign_other_staff,
        given_name="Xanthe",
        family_name="Foreignworth",
    )
    other_trust_staff = staff(
        team=other_trust_team, role=TeamRole.TEAM_LEADER, username="foreignlead"
    )
    trust_staff(trust=other_trust, role=TrustRole.ADMINISTRATOR, username="foreignadmin")
    assigned_peer = staff(team=team, role=TeamRole.PEER_SUPPORT_WORKER, username="assignedpeer")
    CareRelationshipFactory.create(
        person=person, staff=assigned_peer, kind=CareRelationshipKind.PEER_SUPPORT
    )
    users: dict[str, User | None] = {
        "anonymous": None,
        "service_user": service_user_login,
        "care_coordinator": coordinator,
        "team_leader": staff(team=team, role=TeamRole.TEAM_LEADER, username="teamleader"),
        "peer_support_worker": staff(team=team, role=TeamRole.PEER_SUPPORT_WORKER, username="peer"),
        "assigned_peer_support_worker": assigned_peer,
        "qa_manager": trust_staff(trust=trust, role=TrustRole.QA_MANAGER, username="qa"),
        "hr": trust_staff(trust=trust, role=TrustRole.HR, username="hr"),
        "network_coordinator": trust_staff(
            trust=trust, role=TrustRole.NETWORK_COORDINATOR, username="networks"
        ),
        "administrator": trust_staff(trust=trust, role=TrustRole.ADMINISTRATOR, username="admin"),
        "other_trust_staff": other_trust_staff,
        # A named person at a partner organisation: a login, but no trust, team or trust role.
        "partner_contact": UserFactory.create(trust=None, username="partner"),
    }
    return World(
        trust=trust,
        team=team,
        other_team=other_team,
        other_trust=other_trust,
        other_trust_team=other_trust_team,
        person=person,
        teammate_person=teammate_person,
        other_team_person=other_team_person,
        foreign_person=foreign_person,
        users=users,
    )


def sessions_for(world: World) -> dict[str, str]:
    """A signed-in session for every persona with a login, made once in a module's world.

    Each is what `force_login` leaves behind; a test that changes or ends one (a request
    saves the session every time) runs in a savepoint, so the next test starts from the same
    session. Signing in anew for every case of the matrix took a third of its time."""
    sessions = {}
    for role, user in world.users.items():
        if user is not None:
            client = Client()
            client.force_login(user)
            sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


@pytest.fixture
def client_for(client):
    """A test client signed in as the given user (or anonymous for None)."""

    def sign_in(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
