"""Plans: the querysets and the object checks compose one rule and always agree."""

import pytest

from careplans.permissions import (
    can_edit_plan_of,
    can_view_plan_of,
    plan_people_visible_to,
    plans_visible_to,
)
from directory.models import ServiceUser
from directory.permissions import people_condition
from tests.conftest import ROLES

from .factories import plan_for

pytestmark = pytest.mark.django_db

READERS = {
    "service_user": {"person"},
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    # A peer sees only the people assigned to them, not their whole team.
    "peer_support_worker": set(),
    "assigned_peer_support_worker": {"person"},
    "other_trust_staff": {"foreign_person"},
}
WRITERS = {
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    "other_trust_staff": {"foreign_person"},
}


@pytest.mark.parametrize("role", ROLES)
def test_plan_querysets_and_object_checks_agree(world, role):
    user = world.signed_in(role)
    people = world.people()
    for person in people.values():
        plan_for(person)

    readable = set(plan_people_visible_to(user))
    writable = set(ServiceUser.objects.filter(people_condition(user, change=True)))
    plans = {plan.service_user for plan in plans_visible_to(user).select_related("service_user")}

    assert {name for name, p in people.items() if p in readable} == READERS.get(role, set())
    assert plans == readable
    for name, person in people.items():
        assert can_view_plan_of(user, person) == (person in readable), name
        assert can_edit_plan_of(user, person) == (person in writable), name
    assert {name for name, p in people.items() if p in writable} == WRITERS.get(role, set())
