"""Who may see league figures: each rule checked so that widening it fails a test."""

from __future__ import annotations

import pytest

from surveys.permissions import (
    can_view_team_league,
    league_teams_visible_to,
    may_view_league,
    may_view_team_league,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "service_user",
    "care_coordinator",
    "team_leader",
    "peer_support_worker",
    "qa_manager",
    "hr",
    "network_coordinator",
    "administrator",
    "other_trust_staff",
    "partner_contact",
]


@pytest.mark.parametrize("role", ROLES)
def test_only_qa_managers_see_the_trust_league(world, role):
    assert may_view_league(world.user(role)) is (role == "qa_manager")


@pytest.mark.parametrize("role", ROLES)
def test_team_pages_are_for_qa_managers_leaders_and_coordinators(world, role):
    allowed = {"qa_manager", "team_leader", "care_coordinator", "other_trust_staff"}
    assert may_view_team_league(world.user(role)) is (role in allowed)


def test_qa_manager_sees_every_team_of_their_trust_and_none_beyond(world):
    qa = world.user("qa_manager")
    assert set(league_teams_visible_to(qa)) == {world.team, world.other_team}
    assert can_view_team_league(qa, world.team)
    assert can_view_team_league(qa, world.other_team)
    assert not can_view_team_league(qa, world.other_trust_team)


@pytest.mark.parametrize("role", ["team_leader", "care_coordinator"])
def test_leaders_and_coordinators_see_their_own_team_only(world, role):
    user = world.user(role)
    assert set(league_teams_visible_to(user)) == {world.team}
    assert can_view_team_league(user, world.team)
    assert not can_view_team_league(user, world.other_team)
    assert not can_view_team_league(user, world.other_trust_team)


@pytest.mark.parametrize("role", ["peer_support_worker", "administrator", "hr", "service_user"])
def test_other_roles_see_no_team(world, role):
    user = world.user(role)
    assert not league_teams_visible_to(user).exists()
    assert not can_view_team_league(user, world.team)


def test_another_trusts_leader_never_sees_this_trusts_teams(world):
    foreign = world.user("other_trust_staff")
    assert set(league_teams_visible_to(foreign)) == {world.other_trust_team}
    assert not can_view_team_league(foreign, world.team)
