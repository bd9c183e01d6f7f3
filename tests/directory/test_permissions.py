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
    "peer_support_worker": {"person", "teammate_person"},
    "assigned_peer_support_worker": {"person", "teammate_person"},
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
