"""Who sees whom: the queryset and the object check always agree."""

import pytest

from directory.choices import TeamRole
from directory.permissions import can_view_service_user, roles_of, service_users_visible_to
from tests.conftest import ROLES
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    "anonymous": set(),
    "service_user": {"person"},
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    # A peer sees only the people assigned to them, not their whole team.
    "peer_support_worker": set(),
    "assigned_peer_support_worker": {"person"},
    "qa_manager": set(),
    "hr": set(),
    "network_coordinator": set(),
    "administrator": {"person", "teammate_person", "other_team_person"},
    "other_trust_staff": {"foreign_person"},
    "partner_contact": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_visible_people_by_role(world, role):
    from django.contrib.auth.models import AnonymousUser

    user = world.user(role) or AnonymousUser()
    people = {
        "person": world.person,
        "teammate_person": world.teammate_person,
        "other_team_person": world.other_team_person,
        "foreign_person": world.foreign_person,
    }

    visible = set(service_users_visible_to(user))

    assert {name for name, p in people.items() if p in visible} == EXPECTED[role]
    for name, person in people.items():
        assert can_view_service_user(user, person) == (name in EXPECTED[role]), name


def test_a_membership_in_another_trusts_team_gives_nothing(world):
    # A stray membership row pointing across trusts must not open the other trust's records.
    coordinator = world.user("care_coordinator")
    MembershipFactory.create(
        user=coordinator, team=world.other_trust_team, role=TeamRole.TEAM_LEADER
    )

    assert world.other_trust_team.pk not in roles_of(coordinator).leads
    assert world.foreign_person not in service_users_visible_to(coordinator)


def test_an_inactive_user_sees_nobody(world):
    leader = world.user("team_leader")
    leader.is_active = False
    leader.save()

    assert not service_users_visible_to(leader).exists()


def test_roles_are_read_once_per_request(world, django_assert_max_num_queries):
    user = world.user("team_leader")
    with django_assert_max_num_queries(3):
        roles_of(user)
    with django_assert_max_num_queries(0):
        roles_of(user)


def test_every_kind_of_role_is_resolved_in_one_query(world, django_assert_num_queries):
    # Given someone who coordinates in one team, leads another, holds a trust role, has ended
    # roles, a role in another trust, and their own service-user record
    from tests.factories import ServiceUserFactory, TeamFactory, TrustRoleGrantFactory

    user = world.user("care_coordinator")
    MembershipFactory.create(user=user, team=world.other_team, role=TeamRole.TEAM_LEADER)
    ended = TeamFactory.create(trust=world.trust)
    MembershipFactory.create(
        user=user,
        team=ended,
        role=TeamRole.PEER_SUPPORT_WORKER,
        started_on="2020-01-01",
        ended_on="2021-01-01",
    )
    MembershipFactory.create(user=user, team=world.other_trust_team, role=TeamRole.TEAM_LEADER)
    TrustRoleGrantFactory.create(user=user, role="qa_manager")
    own_record = ServiceUserFactory.create(team=world.other_team, user=user)
    user = type(user).objects.get(pk=user.pk)  # nothing cached

    # When their roles are read, then one query answers everything, and only what is in force in
    # their own trust counts
    with django_assert_num_queries(1):
        roles = roles_of(user)
        assert roles_of(user) is roles  # kept for the request
    assert roles.coordinates_in == {world.team.pk}
    assert roles.leads == {world.other_team.pk}
    assert roles.peer_in == frozenset()
    assert roles.trust_roles == {"qa_manager"}
    assert roles.service_user_id == own_record.pk
