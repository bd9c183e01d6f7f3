"""Check-ins: the querysets and the object checks compose one rule and always agree."""

import pytest

from surveys import services
from surveys.permissions import (
    can_invite,
    can_view_checkins,
    checkin_people_visible_to,
    responses_visible_to,
)
from tests.audit import audit_as
from tests.conftest import ROLES

from .factories import draft_with_answers

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
INVITERS = {
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    "other_trust_staff": {"foreign_person"},
}


@pytest.mark.parametrize("role", ROLES)
def test_checkin_querysets_and_object_checks_agree(world, role):
    user = world.signed_in(role)
    people = world.people()
    for person in people.values():
        draft = draft_with_answers(person, {1: 3})
        services.response_submit(idempotency_key=draft.idempotency_key, audit=audit_as(None))

    readable = set(checkin_people_visible_to(user))
    answered = {r.service_user for r in responses_visible_to(user).select_related("service_user")}

    assert {name for name, p in people.items() if p in readable} == READERS.get(role, set())
    assert answered == readable
    for name, person in people.items():
        assert can_view_checkins(user, person) == (person in readable), name
        assert can_invite(user, person) == (name in INVITERS.get(role, set())), name
