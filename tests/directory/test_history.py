"""Dated facts: care relationships, team episodes, memberships and trust role grants apply
only while in force, and the services that change them close one period and open the next."""

import datetime
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.dates import trust_today
from directory import services
from directory.choices import CareRelationshipKind, TeamRole, TrustRole
from directory.models import CareRelationship, TeamEpisode, TrustRoleGrant
from directory.permissions import can_view_service_user, roles_of, service_users_visible_to
from tests.audit import audit_as
from tests.factories import (
    CareRelationshipFactory,
    MembershipFactory,
    TrustRoleGrantFactory,
    UserFactory,
    staff,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _fresh(user):
    user.__dict__.pop("_recovery_roles", None)
    return user


def test_changing_coordinator_ends_the_old_relationship_and_starts_the_new_today(world):
    old, leader = world.user("care_coordinator"), world.user("team_leader")
    new = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="newcc")

    services.care_coordinator_change(
        actor=leader, service_user=world.person, care_coordinator=new, audit=audit_as(leader)
    )

    today = trust_today()
    rows = CareRelationship.objects.filter(
        person=world.person, kind=CareRelationshipKind.CARE_COORDINATOR
    )
    assert {(r.staff, r.ended_on) for r in rows} == {(old, today), (new, None)}
    assert rows.get(staff=new).started_on == today
    assert world.person.care_coordinator == new
    assert world.person not in service_users_visible_to(_fresh(old))
    assert world.person in service_users_visible_to(_fresh(new))


def test_a_coordinator_change_that_fails_half_way_changes_nothing(world):
    new = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="newcc")

    with (
        mock.patch.object(services, "access_record", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        services.care_coordinator_change(
            actor=world.user("team_leader"),
            audit=audit_as(world.user("team_leader")),
            service_user=world.person,
            care_coordinator=new,
        )

    open_rows = CareRelationship.objects.filter(person=world.person, ended_on__isnull=True)
    assert [r.staff for r in open_rows.filter(kind=CareRelationshipKind.CARE_COORDINATOR)] == [
        world.user("care_coordinator")
    ]


def test_only_coordinators_of_the_persons_team_can_be_chosen_and_only_by_those_who_may_change(
    world,
):
    outsider = staff(team=world.other_team, role=TeamRole.CARE_COORDINATOR)
    with pytest.raises(ValidationError):
        services.care_coordinator_change(
            actor=world.user("team_leader"),
            audit=audit_as(world.user("team_leader")),
            service_user=world.person,
            care_coordinator=outsider,
        )
    with pytest.raises(ValidationError):  # a peer reads; they do not allocate
        services.care_coordinator_change(
            actor=world.user("peer_support_worker"),
            audit=audit_as(world.user("peer_support_worker")),
            service_user=world.person,
            care_coordinator=None,
        )
    assert world.person.care_coordinator == world.user("care_coordinator")


def test_a_person_has_one_open_care_coordinator_at_most(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CareRelationshipFactory.create(
            person=world.person,
            staff=world.user("team_leader"),
            kind=CareRelationshipKind.CARE_COORDINATOR,
        )


def test_a_relationship_cannot_end_before_it_starts(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        CareRelationshipFactory.create(
            person=world.person,
            staff=world.user("peer_support_worker"),
            kind=CareRelationshipKind.PEER_SUPPORT,
            started_on=trust_today(),
            ended_on=trust_today() - DAY,
        )


def test_moving_team_closes_one_episode_opens_the_next_and_ends_the_old_coordinator(world):
    today = trust_today()

    moved = services.service_user_move_team(
        actor=world.user("administrator"),
        audit=audit_as(world.user("administrator")),
        service_user=world.person,
        team=world.other_team,
    )

    assert moved.team == world.other_team
    episodes = TeamEpisode.objects.filter(person=world.person)
    assert sorted((e.team.name, e.ended_on is None) for e in episodes) == [
        (world.other_team.name, True),
        (world.team.name, False),
    ]
    assert episodes.get(team=world.team).ended_on == today
    assert episodes.get(team=world.other_team).started_on == today
    assert moved.care_coordinator is None
    assert not can_view_service_user(_fresh(world.user("care_coordinator")), moved)
    assert not can_view_service_user(_fresh(world.user("team_leader")), moved)


def test_a_team_move_that_fails_half_way_moves_nothing(world):
    with (
        mock.patch.object(services, "access_record", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        services.service_user_move_team(
            actor=world.user("administrator"),
            audit=audit_as(world.user("administrator")),
            service_user=world.person,
            team=world.other_team,
        )

    world.person.refresh_from_db()
    assert world.person.team == world.team
    assert TeamEpisode.objects.get(person=world.person, ended_on__isnull=True).team == world.team


@pytest.mark.parametrize(
    ("started", "ended", "in_force"),
    [
        (-10, -1, False),  # ended yesterday
        (1, None, False),  # starts tomorrow
        (-10, 0, False),  # ends today: today is its first day without the role
        (0, None, True),  # starts today
        (-10, 1, True),  # ends tomorrow
    ],
)
def test_a_membership_grants_its_role_only_while_in_force(world, started, ended, in_force):
    today = trust_today()
    user = UserFactory.create(trust=world.trust)
    MembershipFactory.create(
        user=user,
        team=world.team,
        role=TeamRole.TEAM_LEADER,
        started_on=today + started * DAY,
        ended_on=None if ended is None else today + ended * DAY,
    )

    assert (world.team.pk in roles_of(user).leads) is in_force
    assert (world.teammate_person in service_users_visible_to(user)) is in_force


@pytest.mark.parametrize(("started", "ended", "in_force"), [(-10, -1, False), (1, None, False)])
def test_a_trust_role_grants_only_while_in_force(world, started, ended, in_force):
    today = trust_today()
    user = UserFactory.create(trust=world.trust)
    TrustRoleGrantFactory.create(
        user=user,
        role=TrustRole.ADMINISTRATOR,
        started_on=today + started * DAY,
        ended_on=None if ended is None else today + ended * DAY,
    )

    assert roles_of(user).is_administrator is in_force
    assert service_users_visible_to(user).exists() is in_force


def test_a_grant_for_another_trust_grants_nothing(world):
    # The login moved to the other trust; the grant still names the first one.
    admin = world.user("administrator")
    admin.trust = world.other_trust
    admin.save()

    assert not roles_of(_fresh(admin)).is_administrator
    assert not service_users_visible_to(admin).exists()
    assert TrustRoleGrant.objects.filter(user=admin, trust=world.trust).exists()
