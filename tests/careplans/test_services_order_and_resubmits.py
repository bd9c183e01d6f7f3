"""Moving goals both ways and at both ends, and an add form submitted twice: each test kills
mutants of careplans/services that the service tests let live (docs/mutation.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from careplans import services
from careplans.models import Goal
from careplans.services.base import save_new
from tests.audit import audit_as

from .factories import GoalFactory, plan_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def goals(world) -> list[Goal]:
    plan = plan_for(world.person)
    return [GoalFactory.create(plan=plan, position=n) for n in (1, 2, 3)]


def _move(world, goal: Goal, direction: str) -> list[int]:
    coordinator = world.user("care_coordinator")
    services.goal_move(
        actor=coordinator, goal=goal, direction=direction, audit=audit_as(coordinator)
    )
    ordered = Goal.objects.filter(plan=goal.plan).order_by("position")
    return [goal.pk for goal in ordered]


def test_a_goal_moves_down_past_the_next_one_only(world, goals):
    first, second, third = (goal.pk for goal in goals)
    assert _move(world, goals[0], "down") == [second, first, third]
    assert _move(world, goals[0], "down") == [second, third, first]


def test_the_second_goal_moves_up_to_the_top(world, goals):
    first, second, third = (goal.pk for goal in goals)
    assert _move(world, goals[1], "up") == [second, first, third]
    assert list(Goal.objects.order_by("position").values_list("position", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize(("index", "direction"), [(0, "up"), (2, "down"), (1, "sideways")])
def test_a_goal_that_cannot_move_that_way_stays_put(world, goals, index, direction):
    before = [goal.pk for goal in goals]
    assert _move(world, goals[index], direction) == before


def test_a_second_submit_of_the_same_add_form_returns_the_first_row(world, goals):
    again = Goal(
        plan=goals[0].plan,
        public_id=goals[0].public_id,
        position=4,
        life_area=goals[0].life_area,
        description="The same form, sent twice",
    )
    assert save_new(again, plan=goals[0].plan) == goals[0]
    assert Goal.objects.count() == 3


def test_an_add_form_id_used_in_another_plan_is_refused(world, goals):
    other_plan = plan_for(world.teammate_person)
    reused = Goal(
        plan=other_plan,
        public_id=goals[0].public_id,
        position=1,
        life_area=goals[0].life_area,
        description="Another plan's form id",
    )
    with pytest.raises(ValidationError, match="already been used"):
        save_new(reused, plan=other_plan)
