"""Adding people: validation by field, the access audit, and nothing half-saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from directory.audit import AuditContext
from directory.choices import AccessAction, TeamRole
from directory.models import AccessEvent, ServiceUser
from directory.services import service_user_create
from tests.audit import audit_as
from tests.factories import TeamFactory, next_nhs_number, staff

pytestmark = pytest.mark.django_db


def _add(actor, team, **overrides):
    data = {
        "actor": actor,
        "audit": audit_as(actor),
        "nhs_number": next_nhs_number(),
        "given_name": " Ada ",
        "family_name": "Lovelace",
        "date_of_birth": datetime.date(1990, 5, 17),
        "team": team,
    }
    return service_user_create(**{**data, **overrides})


def test_a_coordinator_adds_a_person_to_their_own_caseload_and_it_is_audited(world):
    coordinator = world.user("care_coordinator")

    person = _add(coordinator, world.team)

    assert person.care_coordinator == coordinator
    assert person.trust == world.trust
    assert person.given_name == "Ada"
    event = AccessEvent.objects.get(service_user=person)
    assert (event.actor, event.action, event.resource) == (
        coordinator,
        AccessAction.CREATE,
        "service user record",
    )


def test_a_team_leader_adds_an_unallocated_person(world):
    person = _add(world.user("team_leader"), world.team)

    assert person.care_coordinator is None


def test_nobody_adds_to_a_team_they_do_not_belong_to(world):
    with pytest.raises(ValidationError) as error:
        _add(world.user("care_coordinator"), world.other_team)

    assert "team" in error.value.message_dict
    assert not ServiceUser.objects.filter(family_name="Lovelace").exists()


def test_another_trusts_team_is_refused_even_for_an_administrator(world):
    with pytest.raises(ValidationError):
        _add(world.user("administrator"), world.other_trust_team)


def test_roles_without_a_caseload_cannot_add(world):
    for role in ("qa_manager", "hr", "network_coordinator", "peer_support_worker", "service_user"):
        with pytest.raises(ValidationError):
            _add(world.user(role), world.team)
    assert not ServiceUser.objects.filter(family_name="Lovelace").exists()


def test_the_same_nhs_number_twice_in_a_trust_is_refused_and_nothing_is_written(world):
    events_before = AccessEvent.objects.count()

    with pytest.raises(ValidationError) as error:
        _add(world.user("team_leader"), world.team, nhs_number=world.person.nhs_number)

    assert error.value.message_dict == {
        "nhs_number": ["This trust already has a record with this NHS number."]
    }
    assert AccessEvent.objects.count() == events_before


def test_the_same_person_may_be_known_to_two_trusts(world):
    foreign_leader = world.user("other_trust_staff")
    person = _add(foreign_leader, world.other_trust_team, nhs_number=world.person.nhs_number)

    assert person.trust == world.other_trust


def test_a_coordinator_must_work_in_the_persons_team(world):
    outsider = staff(team=TeamFactory.create(trust=world.trust), role=TeamRole.CARE_COORDINATOR)

    with pytest.raises(ValidationError) as error:
        _add(world.user("team_leader"), world.team, care_coordinator=outsider)

    assert "care_coordinator" in error.value.message_dict


def test_an_invalid_nhs_number_is_refused_by_field(world):
    with pytest.raises(ValidationError) as error:
        _add(world.user("team_leader"), world.team, nhs_number="9434765918")

    assert "nhs_number" in error.value.message_dict


def test_the_audit_always_says_who_acted(world):
    from django.db import IntegrityError, transaction

    from directory.services import access_record

    with pytest.raises(ValueError, match="who acted"):
        access_record(audit=AuditContext(actor=None), service_user=world.person, resource="summary")
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessEvent.objects.create(
            actor=None, service_user=world.person, resource="summary", via="x"
        )
    with pytest.raises(IntegrityError), transaction.atomic():  # the system is nobody signed in
        AccessEvent.objects.create(
            actor=world.user("team_leader"),
            by_system=True,
            service_user=world.person,
            resource="summary",
            via="x",
        )

    event = access_record(
        audit=AuditContext(actor=None, via="surveys:page").without_user(
            "The person, through their one-time check-in link"
        ),
        service_user=world.person,
        resource="check-in answers",
    )
    assert event.who == "The person, through their one-time check-in link"


def test_hr_grants_only_the_peer_role_and_only_in_their_trust(world):
    from directory.choices import TeamRole
    from directory.models import Membership
    from directory.services import membership_grant
    from tests.audit import audit_as
    from tests.factories import UserFactory

    hr = world.user("hr")
    newcomer = UserFactory.create(trust=world.trust)
    with pytest.raises(ValidationError):
        membership_grant(
            actor=hr, user=newcomer, team=world.team, role=TeamRole.TEAM_LEADER, audit=audit_as(hr)
        )
    with pytest.raises(ValidationError):
        membership_grant(
            actor=hr,
            user=newcomer,
            team=world.other_trust_team,
            role=TeamRole.PEER_SUPPORT_WORKER,
            audit=audit_as(hr),
        )
    granted = membership_grant(
        actor=hr,
        user=newcomer,
        team=world.team,
        role=TeamRole.PEER_SUPPORT_WORKER,
        audit=audit_as(hr),
    )
    again = membership_grant(
        actor=hr,
        user=newcomer,
        team=world.team,
        role=TeamRole.PEER_SUPPORT_WORKER,
        audit=audit_as(hr),
    )
    assert granted == again
    assert list(Membership.objects.filter(user=newcomer)) == [granted]
