"""The care-relationship rule for people with more than one role, for changes, and at its
defaults: each test here kills a mutant of directory/permissions.py that the persona matrix,
where everyone has one role, let live (docs/mutation.md)."""

import datetime

import pytest
from django.http import Http404

from common.dates import trust_today
from directory.choices import CareRelationshipKind, TeamRole, TrustRole
from directory.models import CareRelationship, ServiceUser
from directory.permissions import (
    access_person,
    can_see_person,
    people_condition,
    roles_of,
    teams_for_new_service_user,
    teams_visible_to,
)
from tests.factories import (
    CareRelationshipFactory,
    MembershipFactory,
    ServiceUserFactory,
    TrustRoleGrantFactory,
)

pytestmark = pytest.mark.django_db


def _seen(world, user, **kwargs) -> set[str]:
    matched = set(ServiceUser.objects.filter(people_condition(user, **kwargs)))
    return {name for name, person in world.people().items() if person in matched}


def test_a_coordinator_who_also_leads_another_team_sees_both(world):
    coordinator = world.user("care_coordinator")
    MembershipFactory.create(user=coordinator, team=world.other_team, role=TeamRole.TEAM_LEADER)

    assert _seen(world, coordinator) == {"person", "other_team_person"}


def test_a_leader_who_is_also_a_peer_in_another_team_sees_their_team_and_assigned_people(world):
    leader = world.user("team_leader")
    MembershipFactory.create(user=leader, team=world.other_team, role=TeamRole.PEER_SUPPORT_WORKER)

    assert _seen(world, leader) == {"person", "teammate_person"}
    CareRelationshipFactory.create(
        person=world.other_team_person, staff=leader, kind=CareRelationshipKind.PEER_SUPPORT
    )
    assert _seen(world, leader) == {"person", "teammate_person", "other_team_person"}
    # Changing is for leaders and coordinators only, not for the peer role.
    assert _seen(world, leader, change=True) == {"person", "teammate_person"}


def test_a_member_of_staff_who_is_also_a_service_user_keeps_their_team(world):
    leader = world.user("team_leader")
    ServiceUserFactory.create(team=world.other_team, user=leader)

    assert _seen(world, leader) == {"person", "teammate_person"}
    assert ServiceUser.objects.filter(people_condition(leader), user=leader).exists()


def test_peers_and_service_users_may_change_nobody(world):
    for role in ("peer_support_worker", "service_user"):
        assert _seen(world, world.user(role), change=True) == set(), role


def test_an_administrator_sees_the_directory_only_when_asked_for_it(world):
    administrator = world.user("administrator")

    assert _seen(world, administrator) == set()
    assert not can_see_person(administrator, world.other_team_person)
    assert _seen(world, administrator, directory=True) == {
        "person",
        "teammate_person",
        "other_team_person",
    }
    with pytest.raises(Http404):
        access_person(administrator, world.other_team_person.public_id, role_may=True)


def test_access_for_a_change_refuses_a_peer(world):
    peer = world.user("assigned_peer_support_worker")

    assert access_person(peer, world.person.public_id, role_may=True) == world.person
    with pytest.raises(Http404):
        access_person(peer, world.person.public_id, role_may=True, change=True)


def test_an_id_that_is_not_a_uuid_is_not_found(world):
    with pytest.raises(Http404):
        access_person(world.user("team_leader"), "not-a-uuid", role_may=True)


def test_a_peer_support_relationship_does_not_make_a_coordinator(world):
    coordinator = world.user("care_coordinator")
    CareRelationshipFactory.create(
        person=world.teammate_person, staff=coordinator, kind=CareRelationshipKind.PEER_SUPPORT
    )

    assert _seen(world, coordinator) == {"person"}


def test_teams_for_a_new_person_and_teams_visible(world):
    first_trust = {world.team, world.other_team}
    assert set(teams_for_new_service_user(world.user("administrator"))) == first_trust
    assert set(teams_for_new_service_user(world.user("team_leader"))) == {world.team}
    assert set(teams_visible_to(world.user("qa_manager"))) == first_trust
    # A service user's login belongs to the trust, but they are not staff.
    assert not teams_visible_to(world.user("service_user")).exists()
    assert not teams_for_new_service_user(world.user("service_user")).exists()


@pytest.mark.parametrize(
    ("role", "labels"),
    [
        ("care_coordinator", ["Care coordinator"]),
        ("team_leader", ["Team leader"]),
        ("peer_support_worker", ["Peer support worker"]),
        ("administrator", ["Administrator"]),
        ("qa_manager", ["Quality assurance manager"]),
        ("service_user", ["Service user"]),
    ],
)
def test_the_header_names_each_role_the_user_holds_and_no_other(world, role, labels):
    assert roles_of(world.user(role)).labels() == labels


def test_the_header_lists_team_roles_then_trust_roles(world):
    leader = world.user("team_leader")
    MembershipFactory.create(user=leader, team=world.other_team, role=TeamRole.CARE_COORDINATOR)
    TrustRoleGrantFactory.create(user=leader, role=TrustRole.HR)

    roles = roles_of(leader)
    assert roles.labels() == ["Care coordinator", "Team leader", "HR"]
    assert roles.has(TrustRole.HR)
    assert not roles.has(TrustRole.ADMINISTRATOR)


def test_roles_on_a_given_day_and_only_in_the_users_trust(world):
    import datetime

    from common.dates import trust_today
    from directory.permissions import memberships_in_force, trust_roles_in_force

    hr = world.user("hr")
    TrustRoleGrantFactory.create(user=hr, trust=world.other_trust, role=TrustRole.ADMINISTRATOR)
    assert not roles_of(hr).is_administrator  # a grant in another trust gives nothing

    leader = world.user("team_leader")
    long_ago = trust_today() - datetime.timedelta(days=3650)
    assert memberships_in_force(user=leader).exists()
    assert not memberships_in_force(user=leader, on=long_ago).exists()
    assert trust_roles_in_force(user=hr).exists()
    assert not trust_roles_in_force(user=hr, on=long_ago).exists()


def test_the_admin_site_is_for_administrators_and_superusers(world):
    from directory.permissions import may_use_admin_site
    from tests.factories import UserFactory

    assert may_use_admin_site(world.user("administrator"))
    assert may_use_admin_site(UserFactory.create(trust=None, is_superuser=True))
    assert not may_use_admin_site(world.user("team_leader"))


def test_a_person_is_read_with_their_team_and_trust(world, django_assert_num_queries):
    person = access_person(world.user("team_leader"), world.person.public_id, role_may=True)
    with django_assert_num_queries(0):
        assert (person.team.name, person.trust.name) == (world.team.name, world.trust.name)


def test_a_service_user_record_in_another_trust_does_not_make_one(world):
    hr = world.user("hr")
    ServiceUserFactory.create(team=world.other_trust_team, user=hr)

    assert not roles_of(hr).is_service_user


def test_a_peer_sees_a_person_only_while_assigned_and_only_in_their_team(world):
    peer = world.user("peer_support_worker")
    assert _seen(world, peer) == set()
    today = trust_today()
    relationship = CareRelationshipFactory.create(
        person=world.teammate_person,
        staff=peer,
        kind=CareRelationshipKind.PEER_SUPPORT,
        started_on=today - datetime.timedelta(days=30),
    )
    assert _seen(world, peer) == {"teammate_person"}
    assert can_see_person(peer, world.teammate_person)
    # ended yesterday: the first day it no longer applies has passed
    CareRelationship.objects.filter(pk=relationship.pk).update(ended_on=today)
    assert _seen(world, peer) == set()
    assert not can_see_person(peer, world.teammate_person)
    # assigned to someone in a team they are not a peer in: not seen
    CareRelationshipFactory.create(
        person=world.other_team_person, staff=peer, kind=CareRelationshipKind.PEER_SUPPORT
    )
    assert _seen(world, peer) == set()
    assert not can_see_person(peer, world.other_team_person)
    # starting tomorrow: not yet
    CareRelationshipFactory.create(
        person=world.teammate_person,
        staff=peer,
        kind=CareRelationshipKind.PEER_SUPPORT,
        started_on=today + datetime.timedelta(days=1),
    )
    assert _seen(world, peer) == set()
