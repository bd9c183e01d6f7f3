"""What the directory's writes record: every field of an audit row, by each of the three ways a
row is written, and a care coordinator changed without touching anyone else's relationships."""

from __future__ import annotations

import datetime

import pytest

from common.dates import trust_today
from directory import services
from directory.audit import AuditContext
from directory.choices import AccessAction, CareRelationshipKind, TeamRole
from directory.models import AccessEvent, CareRelationship, ServiceUser
from tests.audit import audit_as
from tests.factories import CareRelationshipFactory, ServiceUserFactory, next_nhs_number, staff

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
WHO_ACTED = "The access audit needs a signed-in actor or a description of who acted."


def _write_one(world, audit: AuditContext) -> AccessEvent:
    event = services.access_record(audit=audit, service_user=world.person, resource="summary")
    return AccessEvent.objects.get(pk=event.pk)


def _write_list(world, audit: AuditContext) -> AccessEvent:
    services.access_records(audit=audit, service_users=[world.person], resource="caseload")
    return AccessEvent.objects.get(service_user=world.person, resource="caseload")


def _write_staff(world, audit: AuditContext) -> AccessEvent:
    event = services.staff_access_record(
        audit=audit,
        staff_member=world.user("care_coordinator"),
        action=AccessAction.CREATE,
        resource="role: Care coordinator",
    )
    return AccessEvent.objects.get(pk=event.pk)


WRITERS = [
    pytest.param(_write_one, id="access_record"),
    pytest.param(_write_list, id="access_records"),
    pytest.param(_write_staff, id="staff_access_record"),
]


@pytest.mark.parametrize("write", WRITERS)
def test_a_row_keeps_the_page_the_path_and_the_address_of_a_signed_in_read(world, write):
    leader = world.user("team_leader")
    audit = AuditContext(
        actor=leader, via="person", path="/people/abc/?tab=plan", client_address="203.0.113.9"
    )

    event = write(world, audit)

    assert (event.actor, event.actor_description, event.by_system) == (leader, "", False)
    assert (event.via, event.path, event.client_address) == (
        "person",
        "/people/abc/?tab=plan",
        "203.0.113.9",
    )


@pytest.mark.parametrize("write", WRITERS)
def test_a_row_written_by_a_task_says_the_system_did_it(world, write):
    event = write(world, AuditContext.for_system("send-reminders"))

    assert event.actor is None
    assert (event.actor_description, event.by_system, event.via) == (
        "System",
        True,
        "send-reminders",
    )
    assert (event.path, event.client_address) == ("", None)


@pytest.mark.parametrize("write", WRITERS)
def test_a_row_written_through_the_persons_own_link_names_them(world, write):
    audit = AuditContext(actor=None, via="surveys:respond", client_address="2001:db8::7")
    event = write(world, audit.without_user("The person, through their one-time check-in link"))

    assert event.actor is None
    assert event.actor_description == "The person, through their one-time check-in link"
    assert (event.by_system, event.client_address) == (False, "2001:db8::7")


@pytest.mark.parametrize("write", WRITERS)
def test_a_row_with_nobody_named_is_refused_and_says_why(world, write):
    before = AccessEvent.objects.count()

    with pytest.raises(ValueError) as error:
        write(world, AuditContext(actor=None, via="tests"))

    assert str(error.value) == WHO_ACTED
    assert AccessEvent.objects.count() == before


def test_a_long_role_name_is_cut_to_what_the_audit_row_holds(world):
    name = "role: Care coordinator, " + "A very long team name " * 10

    event = services.staff_access_record(
        audit=audit_as(world.user("administrator")),
        staff_member=world.user("care_coordinator"),
        action=AccessAction.CHANGE,
        resource=name,
    )

    assert AccessEvent.objects.get(pk=event.pk).resource == name[:100]


# --- changing a care coordinator ----------------------------------------------------------


def _coordinators(person: ServiceUser) -> set[tuple[str, datetime.date, datetime.date | None]]:
    return {
        (r.staff.username, r.started_on, r.ended_on)
        for r in CareRelationship.objects.filter(
            person=person, kind=CareRelationshipKind.CARE_COORDINATOR
        ).select_related("staff")
    }


def _change(world, person: ServiceUser, coordinator):
    leader = world.user("team_leader")
    return services.care_coordinator_change(
        actor=leader, service_user=person, care_coordinator=coordinator, audit=audit_as(leader)
    )


def test_choosing_the_coordinator_a_person_already_has_changes_nothing(world):
    current = CareRelationship.objects.get(
        person=world.person, kind=CareRelationshipKind.CARE_COORDINATOR
    )

    kept = _change(world, world.person, world.user("care_coordinator"))

    assert kept == current
    assert _coordinators(world.person) == {("coordinator", current.started_on, None)}


def test_an_unallocated_person_gets_their_first_coordinator_from_today(world):
    person = ServiceUserFactory.create(team=world.team)

    started = _change(world, person, world.user("care_coordinator"))

    assert started is not None and started.staff == world.user("care_coordinator")
    assert _coordinators(person) == {("coordinator", trust_today(), None)}
    assert person.care_coordinator == world.user("care_coordinator")


def test_taking_the_coordinator_away_leaves_the_person_unallocated(world):
    started_on = CareRelationship.objects.get(
        person=world.person, kind=CareRelationshipKind.CARE_COORDINATOR
    ).started_on

    assert _change(world, world.person, None) is None

    assert _coordinators(world.person) == {("coordinator", started_on, trust_today())}
    assert world.person.care_coordinator is None


def test_a_person_already_shown_shows_their_new_coordinator_after_the_change(world):
    person = ServiceUser.objects.get(pk=world.person.pk)
    assert person.care_coordinator == world.user("care_coordinator")  # as a page shows them
    new = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="newcc")

    _change(world, person, new)

    assert person.care_coordinator == new


def test_a_change_touches_only_this_persons_coordinator(world):
    """Their peer support worker since last week, and a teammate's coordinator allocated
    yesterday, are the most recent open relationships: neither is the one that ends."""
    today = trust_today()
    CareRelationship.objects.filter(person=world.person).update(started_on=today - 30 * DAY)
    peer = CareRelationship.objects.get(person=world.person, kind=CareRelationshipKind.PEER_SUPPORT)
    peer.started_on = today - 7 * DAY
    peer.save(update_fields=["started_on"])
    teammate = CareRelationship.objects.get(person=world.teammate_person)
    teammate.started_on = today - DAY
    teammate.save(update_fields=["started_on"])
    new = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="newcc")

    _change(world, world.person, new)

    assert _coordinators(world.person) == {
        ("coordinator", today - 30 * DAY, today),
        ("newcc", today, None),
    }
    peer.refresh_from_db()
    teammate.refresh_from_db()
    assert (peer.ended_on, teammate.ended_on) == (None, None)
    assert world.teammate_person.care_coordinator.username == "coordinator2"


def test_a_coordinator_corrected_twice_on_the_day_the_person_was_added(world):
    leader = world.user("team_leader")
    person = services.service_user_create(
        actor=leader,
        audit=audit_as(leader),
        nhs_number=next_nhs_number(),
        given_name="Nia",
        family_name="Thistlewood",
        date_of_birth=datetime.date(1991, 3, 2),
        team=world.team,
        care_coordinator=world.user("care_coordinator"),
    )
    second = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="second")
    third = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="third")

    _change(world, person, second)
    _change(world, person, third)

    today = trust_today()
    assert _coordinators(person) == {
        ("coordinator", today, today),
        ("second", today, today),
        ("third", today, None),
    }


def test_a_coordinator_recorded_to_start_tomorrow_is_replaced_without_ending_before_it_starts(
    world,
):
    person = ServiceUserFactory.create(team=world.team)
    tomorrow = trust_today() + DAY
    CareRelationshipFactory.create(
        person=person, staff=world.user("care_coordinator"), started_on=tomorrow
    )
    new = staff(team=world.team, role=TeamRole.CARE_COORDINATOR, username="newcc")

    _change(world, person, new)

    assert _coordinators(person) == {
        ("coordinator", tomorrow, tomorrow),
        ("newcc", trust_today(), None),
    }
