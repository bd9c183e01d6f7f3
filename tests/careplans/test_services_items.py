"""The listed items of a plan: where new ones go, what a save that changes nothing leaves alone,
that a remove takes only the item asked for, and the messages a supporter's sharing is refused
with. Each kills mutants of careplans/services that the other tests let live
(docs/mutation.md)."""

from __future__ import annotations

import datetime
import threading
import time
import uuid
from collections.abc import Callable

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction
from django.db.models import Max

from careplans import services
from careplans.choices import PlanStatus
from careplans.models import CrisisContact, Goal, GoalStep, RecoveryPlan, Supporter
from directory.models import AccessEvent
from tests.audit import audit_as

from .factories import CrisisContactFactory, GoalFactory, SupporterFactory, plan_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(world):
    return world.user("care_coordinator")


@pytest.fixture
def plan(world):
    return plan_for(world.person)


def _plan_state(plan: RecoveryPlan) -> tuple[int, str]:
    plan.refresh_from_db()
    return plan.revision, plan.status


def test_items_added_to_an_empty_plan_are_numbered_from_one(plan, coordinator):
    audit = audit_as(coordinator)
    goals = [
        services.goal_add(
            actor=coordinator,
            plan=plan,
            audit=audit,
            values={"life_area": "work", "description": f"Goal {n}"},
        )
        for n in range(3)
    ]
    steps = [
        services.step_add(
            actor=coordinator, goal=goals[0], audit=audit, values={"what": w, "who": "me"}
        )
        for w in ("Phone the centre", "Visit on Tuesday")
    ]
    contacts = [
        services.crisis_contact_add(
            actor=coordinator,
            plan=plan,
            audit=audit,
            values={
                "name": name,
                "relationship": "Sister",
                "phone": "01632 960 001",
                "when_to_call": "Any time",
            },
        )
        for name in ("Priya", "Sam")
    ]

    assert list(Goal.objects.filter(plan=plan).values_list("position", flat=True)) == [1, 2, 3]
    assert [g.pk for g in plan.goals.all()] == [g.pk for g in goals]
    assert list(GoalStep.objects.filter(goal=goals[0]).values_list("position", flat=True)) == [
        1,
        2,
    ]
    assert [s.pk for s in goals[0].steps.all()] == [s.pk for s in steps]
    assert list(CrisisContact.objects.filter(plan=plan).values_list("position", flat=True)) == [
        1,
        2,
    ]
    assert [c.pk for c in plan.crisis_contacts.all()] == [c.pk for c in contacts]


def test_saving_a_contact_unchanged_leaves_an_agreed_plan_agreed(plan, coordinator):
    contact = CrisisContactFactory.create(plan=plan)
    RecoveryPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.AGREED)
    before = _plan_state(plan)
    changes = AccessEvent.objects.filter(action="change").count()

    services.crisis_contact_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        contact=contact,
        revision=contact.revision,
        values={"name": contact.name, "phone": contact.phone},
    )

    assert _plan_state(plan) == before == (before[0], PlanStatus.AGREED)
    assert AccessEvent.objects.filter(action="change").count() == changes


def test_saving_a_goal_unchanged_is_audited_as_a_read_not_a_change(world, plan, coordinator):
    goal = GoalFactory.create(plan=plan)
    before = _plan_state(plan)

    services.goal_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        goal=goal,
        revision=goal.revision,
        values={"description": goal.description},
    )

    assert _plan_state(plan) == before
    actions = AccessEvent.objects.filter(service_user=world.person).values_list("action", flat=True)
    assert list(actions) == ["read"]


def test_removing_one_contact_keeps_the_others(plan, coordinator, world):
    kept = CrisisContactFactory.create(plan=plan, name="Priya")
    removed = CrisisContactFactory.create(plan=plan, name="Sam")
    elsewhere = CrisisContactFactory.create(plan=plan_for(world.teammate_person))
    assert kept.revision == removed.revision == elsewhere.revision

    services.crisis_contact_remove(
        actor=coordinator, audit=audit_as(coordinator), contact=removed, revision=removed.revision
    )

    assert set(CrisisContact.objects.values_list("pk", flat=True)) == {kept.pk, elsewhere.pk}


def test_removing_one_supporter_keeps_the_others(plan, coordinator):
    kept = SupporterFactory.create(plan=plan, name="Dev")
    removed = SupporterFactory.create(plan=plan, name="Ana")

    services.supporter_remove(
        actor=coordinator, audit=audit_as(coordinator), supporter=removed, revision=1
    )

    assert list(Supporter.objects.values_list("pk", flat=True)) == [kept.pk]


def test_sharing_a_part_that_is_not_in_the_list_is_refused_by_the_field(plan, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.supporter_add(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            values={
                "name": "Dev",
                "kind": "family",
                "shared_parts": ["crisis", "diary"],
                "consent_recorded_on": datetime.date(2026, 5, 1),
            },
        )

    assert refused.value.message_dict == {
        "shared_parts": ["Choose parts of the plan from the list."]
    }
    assert not Supporter.objects.exists()


def test_sharing_without_the_date_of_consent_says_which_date_is_missing(plan, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.supporter_add(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            values={"name": "Dev", "kind": "family", "shared_parts": ["crisis"]},
        )

    assert refused.value.message_dict == {
        "consent_recorded_on": ["Enter the date the person agreed to share these parts."]
    }
    assert not Supporter.objects.exists()


def test_goals_that_share_a_place_move_in_the_order_the_page_shows_them(plan, coordinator):
    """Rows written outside the services can share a place (the column defaults to 0). The
    page lists them by place, then by id; a move must work on that same order, not on the order
    the rows happen to be stored in."""
    top = (Goal.objects.aggregate(top=Max("pk"))["top"] or 0) + 100
    stored_first = GoalFactory.create(plan=plan, position=0, pk=top + 2)
    shown_first = GoalFactory.create(plan=plan, position=0, pk=top + 1)
    assert list(plan.goals.all()) == [shown_first, stored_first]

    services.goal_move(
        actor=coordinator, goal=shown_first, direction="down", audit=audit_as(coordinator)
    )

    assert dict(Goal.objects.filter(plan=plan).values_list("pk", "position")) == {
        stored_first.pk: 1,
        shown_first.pk: 2,
    }


def _waiting_for_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _at_the_same_moment(
    first: Callable[[], object], second: Callable[[], object]
) -> list[BaseException]:
    """Run `first` in a transaction left open until `second`, in another connection, is
    waiting for one of its locks; then commit `first` and let `second` finish. Returns what
    `second` raised, if anything."""
    if connection.vendor != "postgresql":
        pytest.skip("waits for a row lock, seen through pg_stat_activity")
    other_pid: list[int] = []
    started = threading.Event()
    errors: list[BaseException] = []

    def run_second() -> None:
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                other_pid.append(cursor.fetchone()[0])
            started.set()
            second()
        except BaseException as error:  # reported by the caller's thread below
            errors.append(error)
            started.set()
        finally:
            connections["default"].close()

    with transaction.atomic():
        first()
        other = threading.Thread(target=run_second)
        other.start()
        started.wait(timeout=30)
        deadline = time.monotonic() + 30
        while not errors and not _waiting_for_a_lock(other_pid[0]):
            assert time.monotonic() < deadline, "the second write never waited for the first"
    other.join(timeout=30)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_moves_of_the_same_goal_at_the_same_moment_both_count(world, coordinator):
    """The second move waits for the first and then moves the goal on from where the first
    left it, instead of both starting from the order before either."""
    plan = plan_for(world.person)
    first, second, third = (GoalFactory.create(plan=plan, position=n) for n in (1, 2, 3))

    def move() -> None:
        services.goal_move(
            actor=coordinator,
            goal=Goal.objects.get(pk=first.pk),
            direction="down",
            audit=audit_as(coordinator),
        )

    assert _at_the_same_moment(move, move) == []

    assert [g.pk for g in Goal.objects.filter(plan=plan).order_by("position")] == [
        second.pk,
        third.pk,
        first.pk,
    ]


@pytest.mark.django_db(transaction=True)
def test_two_goals_added_at_the_same_moment_take_the_next_two_places(world, coordinator):
    plan = plan_for(world.person)

    def add(description: str) -> Callable[[], object]:
        return lambda: services.goal_add(
            actor=coordinator,
            plan=RecoveryPlan.objects.get(pk=plan.pk),
            audit=audit_as(coordinator),
            values={"life_area": "work", "description": description},
        )

    assert _at_the_same_moment(add("Mine"), add("Theirs")) == []

    assert list(
        Goal.objects.filter(plan=plan).order_by("position").values_list("description", "position")
    ) == [("Mine", 1), ("Theirs", 2)]


def test_adding_an_item_moves_the_plans_revision_and_is_audited_as_a_change(
    world, plan, coordinator
):
    RecoveryPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.AGREED)
    revision, _ = _plan_state(plan)

    services.crisis_contact_add(
        actor=coordinator,
        plan=plan,
        audit=audit_as(coordinator),
        values={"name": "Sam", "relationship": "Friend", "phone": "01632 960 002"},
    )

    assert _plan_state(plan) == (revision + 1, PlanStatus.DRAFT)  # to be agreed again
    assert list(
        AccessEvent.objects.filter(service_user=world.person).values_list("action", "resource")
    ) == [("change", "recovery plan")]


def test_a_resubmitted_add_form_returns_the_first_goal_whatever_it_now_holds(plan, coordinator):
    form_id = uuid.uuid4()
    first = services.goal_add(
        actor=coordinator,
        plan=plan,
        audit=audit_as(coordinator),
        public_id=form_id,
        values={"life_area": "work", "description": "Back to work"},
    )

    again = services.goal_add(
        actor=coordinator,
        plan=plan,
        audit=audit_as(coordinator),
        public_id=form_id,
        values={"life_area": "work", "description": ""},  # cleared, then sent again
    )

    assert again == first
    assert list(Goal.objects.filter(plan=plan).values_list("description", flat=True)) == [
        "Back to work"
    ]


def test_an_add_form_id_from_another_plan_is_refused_with_a_way_forward(world, coordinator):
    used = GoalFactory.create(plan=plan_for(world.teammate_person))

    with pytest.raises(ValidationError) as refused:
        services.goal_add(
            actor=coordinator,
            plan=plan_for(world.person),
            audit=audit_as(coordinator),
            public_id=used.public_id,
            values={"life_area": "work", "description": "Back to work"},
        )

    assert refused.value.messages == [
        "This form has already been used. Open it again to add another."
    ]
    assert Goal.objects.count() == 1


def test_a_field_a_goal_does_not_have_is_refused_by_name_and_nothing_changes(plan, coordinator):
    goal = GoalFactory.create(plan=plan, description="Back to work")

    with pytest.raises(ValidationError) as refused:
        services.goal_update(
            actor=coordinator,
            audit=audit_as(coordinator),
            goal=goal,
            revision=goal.revision,
            values={"description": "Changed", "colour": "red", "plan_id": 7},
        )

    assert refused.value.messages == ["Unknown fields: colour, plan_id."]
    goal.refresh_from_db()
    assert (goal.description, goal.revision) == ("Back to work", 1)


def test_text_is_saved_without_the_spaces_around_it(plan, coordinator):
    goal = services.goal_add(
        actor=coordinator,
        plan=plan,
        audit=audit_as(coordinator),
        values={"life_area": "work", "description": "  Back to work \n", "why_it_matters": " "},
    )

    goal.refresh_from_db()
    assert (goal.description, goal.why_it_matters) == ("Back to work", "")


def test_a_change_to_an_item_records_when_the_plan_last_changed(plan, coordinator):
    goal = GoalFactory.create(plan=plan)
    later = plan.updated_at.replace(microsecond=0) + datetime.timedelta(minutes=5)

    with time_machine.travel(later, tick=False):
        services.goal_update(
            actor=coordinator,
            audit=audit_as(coordinator),
            goal=goal,
            revision=goal.revision,
            values={"description": "Back to work three days a week"},
        )

    plan.refresh_from_db()
    assert plan.updated_at == later


def test_someone_who_may_not_edit_is_told_so_and_a_closed_plan_says_it_is_closed(
    world, plan, coordinator
):
    peer = world.user("peer_support_worker")
    with pytest.raises(ValidationError) as refused:
        services.crisis_contact_add(
            actor=peer, plan=plan, audit=audit_as(peer), values={"name": "Sam"}
        )
    assert refused.value.messages == ["You cannot change this plan."]

    RecoveryPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.CLOSED)
    plan.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.crisis_contact_add(
            actor=coordinator, plan=plan, audit=audit_as(coordinator), values={"name": "Sam"}
        )
    assert refused.value.messages == ["This plan is closed and can no longer be changed."]
    assert not CrisisContact.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_one_add_form_sent_to_two_plans_at_the_same_moment_adds_to_the_first_only(world):
    """The second plan gets no goal, and is not handed the first plan's goal as its own."""
    leader = world.user("team_leader")
    form_id = uuid.uuid4()
    mine, theirs = plan_for(world.person), plan_for(world.teammate_person)

    def add(plan: RecoveryPlan) -> Callable[[], object]:
        return lambda: services.goal_add(
            actor=leader,
            plan=RecoveryPlan.objects.get(pk=plan.pk),
            audit=audit_as(leader),
            public_id=form_id,
            values={"life_area": "work", "description": "Back to work"},
        )

    errors = _at_the_same_moment(add(mine), add(theirs))

    assert [str(e.messages[0]) for e in errors if isinstance(e, ValidationError)] == [
        "This form has already been used. Open it again to add another."
    ]
    assert list(Goal.objects.values_list("plan", flat=True)) == [mine.pk]
