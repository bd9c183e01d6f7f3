"""Plan services: status changes, agreement, versions, reviews and refused stale edits."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import cast

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from careplans import services
from careplans.choices import AgreementMethod, GoalStatus, PlanStatus
from careplans.models import Goal, PlanVersion, RecoveryPlan, TrustPlanSettings
from careplans.selectors import plan_summaries_for, review_interval_months
from careplans.versions import compare_snapshots
from common.concurrency import StaleEdit
from common.dates import add_months
from directory.models import AccessEvent
from tests.audit import audit_as

from .factories import (
    CrisisContactFactory,
    GoalFactory,
    RecoveryPlanFactory,
    plan_for,
    shared_for_agreement,
)


@pytest.fixture
def coordinator(world):
    return world.user("care_coordinator")


@pytest.fixture
def plan(world, coordinator):
    return services.plan_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )


def test_starting_a_plan_twice_gives_the_same_plan_and_audits_the_second_as_a_read(
    world, coordinator
):
    first = services.plan_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )
    second = services.plan_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )

    assert first.pk == second.pk
    assert first.status == PlanStatus.DRAFT
    events = AccessEvent.objects.filter(service_user=world.person).order_by("pk")
    assert list(events.values_list("action", flat=True)) == ["create", "read"]


@pytest.mark.parametrize("role", ["peer_support_worker", "service_user", "administrator"])
def test_only_coordinator_and_team_leader_start_plans(world, role):
    with pytest.raises(ValidationError):
        services.plan_create(
            actor=world.user(role), audit=audit_as(world.user(role)), service_user=world.person
        )
    assert not RecoveryPlan.objects.exists()


def test_a_colleagues_person_is_not_the_coordinators_to_plan(world, coordinator):
    with pytest.raises(ValidationError):
        services.plan_create(
            actor=coordinator, audit=audit_as(coordinator), service_user=world.teammate_person
        )
    plan = services.plan_create(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        service_user=world.teammate_person,
    )
    assert plan.service_user == world.teammate_person


def test_saving_a_part_moves_its_revision_and_the_plans(plan, coordinator):
    saved = services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"what_matters": "  My dog, Biscuit.  ", "strengths": "Kind"},
    )

    assert saved.what_matters == "My dog, Biscuit."
    assert saved.hopes == ""
    assert saved.about_revision == 2
    assert saved.keeping_well_revision == 1
    assert saved.revision == 2
    assert AccessEvent.objects.filter(action="change", resource="recovery plan").count() == 1


def test_a_stale_part_save_is_refused_and_overwrites_nothing(plan, coordinator, world):
    services.plan_part_update(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        plan=plan,
        part="about",
        revision=1,
        values={"what_matters": "Saved first"},
    )

    with pytest.raises(StaleEdit) as refused:
        services.plan_part_update(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=RecoveryPlan.objects.get(pk=plan.pk),
            part="about",
            revision=1,
            values={"what_matters": "Saved second"},
        )

    assert cast(RecoveryPlan, refused.value.current).what_matters == "Saved first"
    plan.refresh_from_db()
    assert plan.what_matters == "Saved first"
    assert plan.about_revision == 2
    assert AccessEvent.objects.filter(action="change").count() == 1


def test_edits_to_different_parts_do_not_refuse_each_other(plan, coordinator):
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "A"},
    )
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="crisis",
        revision=1,
        values={"crisis_helps": "B"},
    )
    plan.refresh_from_db()
    assert (plan.hopes, plan.crisis_helps, plan.revision) == ("A", "B", 3)


@pytest.mark.django_db(transaction=True)
def test_two_saves_at_the_same_moment_exactly_one_wins(world):
    plan = plan_for(world.person)
    coordinator, leader = world.user("care_coordinator"), world.user("team_leader")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(actor, text):
        try:
            mine = RecoveryPlan.objects.select_related("service_user").get(pk=plan.pk)
            barrier.wait()
            services.plan_part_update(
                actor=actor,
                audit=audit_as(actor),
                plan=mine,
                part="about",
                revision=1,
                values={"hopes": text},
            )
            outcomes.append("saved")
        except StaleEdit:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(coordinator, "one")),
        threading.Thread(target=save, args=(leader, "two")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "saved"]
    plan.refresh_from_db()
    assert plan.about_revision == 2
    assert plan.hopes in ("one", "two")


def test_the_person_agrees_online_which_freezes_version_one(plan, world):
    services.goal_add(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        plan=plan,
        values={"life_area": "work", "description": "Volunteer at the café"},
    )
    plan.refresh_from_db()

    shared_for_agreement(plan)
    version = services.plan_agree(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        plan=plan,
        revision=plan.revision,
    )

    plan.refresh_from_db()
    today = timezone.localdate()
    assert version.number == 1
    assert version.method == AgreementMethod.ONLINE
    assert version.agreed_by == world.user("service_user")
    assert version.agreed_on == today
    assert version.snapshot["goals"][0]["description"] == "Volunteer at the café"
    assert plan.status == PlanStatus.AGREED
    assert plan.review_due_on == add_months(today, 12)


def test_agreeing_twice_by_double_submit_keeps_one_version(plan, world):
    person = world.user("service_user")
    shared_for_agreement(plan)
    first = services.plan_agree(
        actor=person, audit=audit_as(person), plan=plan, revision=plan.revision
    )
    second = services.plan_agree(
        actor=person, audit=audit_as(person), plan=plan, revision=plan.revision
    )
    assert first.pk == second.pk
    assert PlanVersion.objects.count() == 1


def test_a_plan_changed_since_it_was_read_is_not_agreed(plan, world, coordinator):
    seen = plan.revision
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "New words"},
    )
    with pytest.raises(StaleEdit):
        services.plan_agree(
            actor=world.user("service_user"),
            audit=audit_as(world.user("service_user")),
            plan=plan,
            revision=seen,
        )
    assert not PlanVersion.objects.exists()


def test_staff_cannot_agree_online_for_the_person(plan, coordinator):
    with pytest.raises(ValidationError):
        services.plan_agree(
            actor=coordinator, audit=audit_as(coordinator), plan=plan, revision=plan.revision
        )


def test_the_coordinator_records_agreement_given_in_person(plan, coordinator, world):
    TrustPlanSettings.objects.create(trust=world.trust, review_interval_months=6)
    agreed_on = timezone.localdate() - datetime.timedelta(days=3)

    version = services.plan_agree(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        revision=plan.revision,
        method=AgreementMethod.IN_PERSON,
        agreed_on=agreed_on,
        note="At the clinic",
    )

    plan.refresh_from_db()
    assert (version.method, version.agreed_on, version.agreed_by) == (
        "in_person",
        agreed_on,
        coordinator,
    )
    assert plan.review_due_on == add_months(agreed_on, 6)


def test_agreement_cannot_be_dated_in_the_future(plan, coordinator):
    with pytest.raises(ValidationError):
        services.plan_agree(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            revision=plan.revision,
            method=AgreementMethod.PHONE,
            agreed_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_changing_an_agreed_plan_makes_it_a_draft_and_the_next_agreement_version_two(
    plan, world, coordinator
):
    person = world.user("service_user")
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "To walk the fells", "strengths": "Stubborn"},
    )
    contact = services.crisis_contact_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"name": "Priya", "relationship": "Sister", "phone": "01632 960001"},
    )
    plan.refresh_from_db()
    shared_for_agreement(plan)
    services.plan_agree(actor=person, audit=audit_as(person), plan=plan, revision=plan.revision)
    plan.refresh_from_db()

    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=2,
        values={"hopes": "To walk the high fells with my son", "what_matters": "My son"},
    )
    services.crisis_contact_remove(
        actor=coordinator, audit=audit_as(coordinator), contact=contact, revision=1
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    shared_for_agreement(plan)
    second = services.plan_agree(
        actor=person, audit=audit_as(person), plan=plan, revision=plan.revision
    )
    assert second.number == 2

    first = PlanVersion.objects.get(plan=plan, number=1)
    parts = {p.title: p.changes for p in compare_snapshots(first.snapshot, second.snapshot)}
    about = {c.label: c for c in parts["About me"]}
    assert about["What matters to me"].kind == "added"
    assert about["My strengths"].kind == "removed"
    assert about["My hopes"].kind == "changed"
    assert [(s.kind, s.text) for s in about["My hopes"].segments] == [
        ("same", "To walk the"),
        ("added", "high"),
        ("same", "fells"),
        ("added", "with my son"),
    ]
    assert [c.kind for c in parts["Crisis contacts"]] == ["removed"]
    assert parts["Goals"] == []


def test_a_stale_goal_edit_is_refused(plan, coordinator, world):
    goal = GoalFactory.create(plan=plan)
    services.goal_update(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        goal=goal,
        revision=1,
        values={"status": GoalStatus.ACHIEVED},
    )
    with pytest.raises(StaleEdit) as refused:
        services.goal_update(
            actor=coordinator,
            audit=audit_as(coordinator),
            goal=Goal.objects.get(pk=goal.pk),
            revision=1,
            values={"status": GoalStatus.PAUSED},
        )
    assert cast(Goal, refused.value.current).status == GoalStatus.ACHIEVED


def test_goal_fields_are_validated_before_saving(plan, coordinator):
    with pytest.raises(ValidationError):
        services.goal_add(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            values={"life_area": "astrology", "description": "x"},
        )
    with pytest.raises(ValidationError):
        services.goal_add(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            values={"life_area": "work", "description": ""},
        )
    assert not plan.goals.exists()


def test_goals_move_up_and_down(plan, coordinator):
    first, second, third = (GoalFactory.create(plan=plan, position=n) for n in (1, 2, 3))
    services.goal_move(actor=coordinator, audit=audit_as(coordinator), goal=third, direction="up")
    assert list(plan.goals.order_by("position")) == [first, third, second]
    services.goal_move(
        actor=coordinator, audit=audit_as(coordinator), goal=first, direction="up"
    )  # already first: no change
    assert list(plan.goals.order_by("position")) == [first, third, second]
    moves = AccessEvent.objects.filter(service_user=plan.service_user).exclude(action="create")
    assert list(moves.values_list("action", "actor")) == [("change", coordinator.pk)]


def test_a_review_rates_goals_and_sets_the_next_review(plan, coordinator, world):
    goal = GoalFactory.create(plan=plan)
    other = GoalFactory.create(plan=plan, progress=4)
    shared_for_agreement(plan)
    services.plan_agree(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        plan=plan,
        revision=plan.revision,
    )
    today = timezone.localdate()

    review = services.plan_review_record(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        reviewed_on=today,
        summary="Going well",
        next_review_on=today + datetime.timedelta(days=180),
        ratings={goal.pk: 7, other.pk: None},
    )

    plan.refresh_from_db()
    goal.refresh_from_db()
    other.refresh_from_db()
    assert (goal.progress, goal.revision, other.progress) == (7, 2, 4)
    assert review.ratings == {str(goal.public_id): 7, str(other.public_id): None}
    assert plan.review_due_on == today + datetime.timedelta(days=180)
    assert plan.last_reviewed_on == today
    assert plan.status == PlanStatus.DRAFT  # the reviewed plan is agreed again


def test_a_review_with_the_next_date_before_it_is_refused(plan, coordinator):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.plan_review_record(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            reviewed_on=today,
            summary="x",
            next_review_on=today,
            ratings={},
        )


def test_sharing_with_a_supporter_needs_the_date_of_consent(plan, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.supporter_add(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            values={"name": "Dev", "kind": "family", "shared_parts": ["crisis"]},
        )
    assert "consent_recorded_on" in refused.value.message_dict


def test_consent_to_share_is_dated_part_by_part(plan, coordinator):
    first = datetime.date(2026, 5, 1)
    later = datetime.date(2026, 6, 10)
    supporter = services.supporter_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={
            "name": "Dev",
            "kind": "family",
            "shared_parts": ["crisis"],
            "consent_recorded_on": first,
        },
    )

    services.supporter_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        supporter=supporter,
        revision=supporter.revision,
        values={"shared_parts": ["crisis", "keeping_well"], "consent_recorded_on": later},
    )
    supporter.refresh_from_db()

    assert supporter.consent_dates == {"crisis": "2026-05-01", "keeping_well": "2026-06-10"}
    assert supporter.shared_consents() == [
        ("Keeping well", later),
        ("Crisis and contingency", first),
    ]

    services.supporter_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        supporter=supporter,
        revision=supporter.revision,
        values={"shared_parts": ["keeping_well"], "consent_recorded_on": later},
    )
    supporter.refresh_from_db()
    assert supporter.consent_dates == {"keeping_well": "2026-06-10"}


def test_a_contact_changed_meanwhile_is_not_removed(plan, coordinator):
    contact = CrisisContactFactory.create(plan=plan)
    services.crisis_contact_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        contact=contact,
        revision=1,
        values={"phone": "111"},
    )
    with pytest.raises(StaleEdit):
        services.crisis_contact_remove(
            actor=coordinator, audit=audit_as(coordinator), contact=contact, revision=1
        )
    assert plan.crisis_contacts.count() == 1


def test_a_closed_plan_cannot_be_changed(plan, coordinator):
    services.plan_close(actor=coordinator, audit=audit_as(coordinator), plan=plan)
    with pytest.raises(ValidationError):
        services.plan_part_update(
            actor=coordinator,
            audit=audit_as(coordinator),
            plan=plan,
            part="about",
            revision=1,
            values={"hopes": "x"},
        )


def test_summaries_flag_overdue_and_soon_reviews_in_one_query(world, django_assert_num_queries):
    today = datetime.date(2026, 6, 1)
    overdue = RecoveryPlanFactory.create(
        service_user=world.person, status=PlanStatus.AGREED, review_due_on=datetime.date(2026, 5, 1)
    )
    soon = RecoveryPlanFactory.create(
        service_user=world.teammate_person,
        status=PlanStatus.AGREED,
        review_due_on=datetime.date(2026, 6, 20),
    )
    later = RecoveryPlanFactory.create(
        service_user=world.other_team_person,
        status=PlanStatus.AGREED,
        review_due_on=datetime.date(2027, 1, 1),
    )
    ids = [
        world.person.pk,
        world.teammate_person.pk,
        world.other_team_person.pk,
        world.foreign_person.pk,
    ]

    with django_assert_num_queries(1):
        summaries = plan_summaries_for(ids, today=today)

    assert world.foreign_person.pk not in summaries
    assert summaries[overdue.service_user_id].review_overdue
    assert summaries[overdue.service_user_id].status == PlanStatus.REVIEW_DUE
    assert summaries[soon.service_user_id].review_soon
    assert not summaries[soon.service_user_id].review_overdue
    assert summaries[soon.service_user_id].status == PlanStatus.AGREED
    assert not summaries[later.service_user_id].review_soon


def test_add_months_keeps_the_day_or_the_months_last():
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 11, 15), 12) == datetime.date(2027, 11, 15)


def test_an_administrator_sets_only_their_own_trusts_review_interval(world, client_for):
    client = client_for(world.user("administrator"))
    form = client.get("/admin/careplans/trustplansettings/add/").content.decode()
    assert world.trust.name in form
    assert world.other_trust.name not in form
    response = client.post(
        "/admin/careplans/trustplansettings/add/",
        {"trust": world.trust.pk, "review_interval_months": 6},
    )
    assert response.status_code == 302
    assert review_interval_months(trust_id=world.trust.pk) == 6
    assert review_interval_months(trust_id=world.other_trust.pk) == 12


def test_an_add_replayed_with_the_same_id_returns_the_first_and_another_plan_refuses_it(
    plan, coordinator, world
):
    submission = uuid.uuid4()
    values = {"life_area": "work", "description": "Volunteer"}
    first = services.goal_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values=values,
        public_id=submission,
    )
    again = services.goal_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values=values,
        public_id=submission,
    )
    assert first.pk == again.pk
    assert plan.goals.count() == 1

    other_plan = services.plan_create(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        service_user=world.teammate_person,
    )
    with pytest.raises(ValidationError):
        services.goal_add(
            actor=world.user("team_leader"),
            audit=audit_as(world.user("team_leader")),
            plan=other_plan,
            values=values,
            public_id=submission,
        )


def test_saving_what_is_already_saved_changes_nothing(plan, coordinator, world):
    shared_for_agreement(plan)
    services.plan_agree(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        plan=plan,
        revision=plan.revision,
    )
    plan.refresh_from_db()
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"what_matters": "", "strengths": "", "hopes": ""},
    )
    goal = GoalFactory.create(plan=plan, description="Swim")
    services.goal_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        goal=goal,
        revision=1,
        values={"description": "Swim"},
    )

    plan.refresh_from_db()
    goal.refresh_from_db()
    assert (plan.about_revision, goal.revision, plan.status) == (1, 1, PlanStatus.AGREED)


def test_a_supporter_the_person_no_longer_wants_is_removed_once(plan, coordinator):
    supporter = services.supporter_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"name": "Dev", "kind": "friend"},
    )

    services.supporter_remove(
        actor=coordinator, audit=audit_as(coordinator), supporter=supporter, revision=1
    )
    services.supporter_remove(
        actor=coordinator, audit=audit_as(coordinator), supporter=supporter, revision=1
    )  # double submit

    assert not plan.supporters.exists()
    assert AccessEvent.objects.filter(service_user=plan.service_user, action="change").exists()


def test_a_supporter_changed_meanwhile_is_not_removed(plan, coordinator):
    supporter = services.supporter_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"name": "Dev", "kind": "friend"},
    )
    services.supporter_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        supporter=supporter,
        revision=1,
        values={"relationship": "Neighbour"},
    )

    with pytest.raises(StaleEdit):
        services.supporter_remove(
            actor=coordinator, audit=audit_as(coordinator), supporter=supporter, revision=1
        )
    assert plan.supporters.get().relationship == "Neighbour"
