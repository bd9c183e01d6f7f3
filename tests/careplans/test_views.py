"""Plan pages: what each shows, refused stale edits, field messages, escaping, query budgets."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.choices import PlanStatus
from careplans.models import PlanComment, PlanVersion, RecoveryPlan
from directory.models import AccessEvent
from tests.audit import audit_as
from tests.factories import ServiceUserFactory

from .factories import (
    CrisisContactFactory,
    GoalFactory,
    GoalStepFactory,
    RecoveryPlanFactory,
    SupporterFactory,
    plan_for,
    shared_for_agreement,
    supporter_of,
)

MARKUP = '<script>alert("x")</script><b>bold</b>'


def url(name, person, **kwargs):
    return reverse(f"careplans:{name}", kwargs={"public_id": person.public_id, **kwargs})


@pytest.fixture
def coordinator_client(world, client_for):
    return client_for(world.user("care_coordinator"))


def test_the_plan_opens_with_crisis_contacts_first(world, coordinator_client):
    plan = plan_for(world.person)
    CrisisContactFactory.create(plan=plan, name="Crisis line", phone="0800 000 000")

    body = coordinator_client.get(url("plan", world.person)).content.decode()

    assert body.index("Crisis line") < body.index('id="part-about"') < body.index('id="goals"')
    assert 'href="tel:0800000000"' in body


def test_opening_a_plan_is_audited(world, client_for):
    plan_for(world.person)
    client_for(world.user("assigned_peer_support_worker")).get(url("plan", world.person))
    event = AccessEvent.objects.get(resource="recovery plan")
    assert (event.actor, event.service_user, event.action) == (
        world.user("assigned_peer_support_worker"),
        world.person,
        "read",
    )


def test_peer_support_workers_read_without_edit_links(world, client_for):
    plan = plan_for(world.person)
    GoalFactory.create(plan=plan)
    body = (
        client_for(world.user("assigned_peer_support_worker"))
        .get(url("plan", world.person))
        .content
    )
    assert b"Add a goal" not in body
    assert b"Change" not in body


def test_a_plan_page_with_30_goals_takes_a_bounded_number_of_queries(
    world, coordinator_client, django_assert_max_num_queries
):
    plan = plan_for(world.person)
    for _ in range(30):
        goal = GoalFactory.create(plan=plan)
        GoalStepFactory.create_batch(2, goal=goal)
    CrisisContactFactory.create_batch(3, plan=plan)
    SupporterFactory.create_batch(3, plan=plan)
    for part in ("about", "goals", "crisis"):
        PlanComment.objects.create(
            plan=plan,
            part=part,
            author=world.user("service_user"),
            text="Hm",
            reply="Talked it through",
            answered_at=timezone.now(),
            answered_by=world.user("care_coordinator"),
        )
    shared_for_agreement(plan)
    services.plan_agree(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        plan=plan,
        revision=plan.revision,
    )

    with django_assert_max_num_queries(20):
        response = coordinator_client.get(url("plan", world.person))

    assert response.status_code == 200
    assert response.content.decode().count("Add a step") == 30


def test_free_text_with_markup_is_shown_escaped(world, coordinator_client, client_for):
    plan = plan_for(world.person, what_matters=MARKUP)
    GoalFactory.create(plan=plan, description=MARKUP)
    CrisisContactFactory.create(plan=plan, name=MARKUP)
    PlanComment.objects.create(
        plan=plan,
        part="about",
        author=world.user("service_user"),
        text=MARKUP,
        reply=MARKUP,
        answered_at=timezone.now(),
        answered_by=world.user("care_coordinator"),
    )
    shared_for_agreement(plan)
    services.plan_agree(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        plan=plan,
        revision=plan.revision,
    )

    for name, kwargs in [("plan", {}), ("plan_print", {}), ("version", {"number": 1})]:
        body = coordinator_client.get(url(name, world.person, **kwargs)).content.decode()
        assert "<script>alert" not in body, name
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;" in body, (
            name
        )


def test_starting_a_plan_from_the_caseload(world, coordinator_client):
    caseload = coordinator_client.get(reverse("caseload")).content.decode()
    assert url("plan_start", world.person) in caseload

    response = coordinator_client.post(url("plan_start", world.person))

    assert response.status_code == 302
    assert RecoveryPlan.objects.get(service_user=world.person).created_by == world.user(
        "care_coordinator"
    )
    # A second submit of the same form opens the same plan.
    assert coordinator_client.post(url("plan_start", world.person)).status_code == 302
    assert RecoveryPlan.objects.count() == 1


def test_saving_about_me(world, coordinator_client):
    plan_for(world.person)
    response = coordinator_client.post(
        url("part_edit", world.person, part="about-me"),
        {"what_matters": "My allotment", "strengths": "", "hopes": "Work", "revision": "1"},
    )
    assert response.status_code == 302
    plan = RecoveryPlan.objects.get(service_user=world.person)
    assert (plan.what_matters, plan.hopes, plan.about_revision) == ("My allotment", "Work", 2)


def test_a_stale_save_shows_both_texts_and_keeps_the_typed_one(world, coordinator_client):
    plan = plan_for(world.person)
    services.plan_part_update(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        plan=plan,
        part="about",
        revision=1,
        values={"what_matters": "Saved by the team leader"},
    )

    response = coordinator_client.post(
        url("part_edit", world.person, part="about-me"),
        {"what_matters": "Typed by the coordinator", "strengths": "", "hopes": "", "revision": "1"},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this while you were editing" in body
    assert "Saved by the team leader" in body
    assert body.count("Typed by the coordinator") == 2  # in the comparison and in the form
    assert 'name="revision" value="2"' in body
    plan.refresh_from_db()
    assert plan.what_matters == "Saved by the team leader"
    # The page shows the saved text, so the coordinator read the plan.
    assert AccessEvent.objects.filter(
        service_user=world.person,
        actor=world.user("care_coordinator"),
        action="read",
        via="careplans:part_edit",
    ).exists()

    # Having merged by hand, they save again from the new revision.
    coordinator_client.post(
        url("part_edit", world.person, part="about-me"),
        {"what_matters": "Both, merged", "strengths": "", "hopes": "", "revision": "2"},
    )
    plan.refresh_from_db()
    assert (plan.what_matters, plan.about_revision) == ("Both, merged", 3)


def test_a_stale_goal_edit_shows_both_versions(world, coordinator_client):
    goal = GoalFactory.create(plan=plan_for(world.person), description="Old words")
    services.goal_update(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        goal=goal,
        revision=1,
        values={"description": "Theirs"},
    )
    response = coordinator_client.post(
        url("goal_edit", world.person, item_id=goal.public_id),
        {"description": "Mine", "life_area": "work", "status": "in_progress", "revision": "1"},
    )
    body = response.content.decode()
    assert "Someone else saved this" in body
    assert "Theirs" in body and "Mine" in body
    goal.refresh_from_db()
    assert goal.description == "Theirs"


def test_bad_dates_and_empty_fields_get_messages_by_the_field(world, coordinator_client):
    plan_for(world.person)
    response = coordinator_client.post(
        url("goal_add", world.person),
        {
            "description": "",
            "life_area": "",
            "status": "not_started",
            "target_date_0": "31",
            "target_date_1": "2",
            "target_date_2": "2027",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Error: Add a goal" in body
    assert 'href="#id_description"' in body
    assert "Enter the goal, in the person&#x27;s words." in body
    assert "Choose the area of life this goal is about." in body
    assert "Target date must be a real date." in body
    assert 'id="id_target_date_error"' in body

    response = coordinator_client.post(
        url("contact_add", world.person), {"name": "Priya", "relationship": "", "phone": "abc"}
    )
    body = response.content.decode()
    assert "Enter their relationship to the person, or the service." in body
    assert "Enter a phone number, like 01632 960 001 or 111." in body


def test_a_review_date_in_words_is_refused(world, coordinator_client):
    plan_for(world.person)
    response = coordinator_client.post(
        url("review", world.person),
        {
            "reviewed_on_0": "one",
            "reviewed_on_1": "2",
            "reviewed_on_2": "2026",
            "summary": "",
        },
    )
    body = response.content.decode()
    assert "using numbers only" in body
    assert "Enter what was talked about and agreed." in body
    assert "Enter the date of the next review." in body


def test_recording_a_review_rates_each_goal(world, coordinator_client):
    plan = plan_for(world.person)
    goal = GoalFactory.create(plan=plan)
    today = timezone.localdate()
    following = today + datetime.timedelta(days=90)
    response = coordinator_client.post(
        url("review", world.person),
        {
            "reviewed_on_0": today.day,
            "reviewed_on_1": today.month,
            "reviewed_on_2": today.year,
            "summary": "Good progress",
            "next_review_on_0": following.day,
            "next_review_on_1": following.month,
            "next_review_on_2": following.year,
            f"goal_{goal.public_id.hex}": "8",
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    plan.refresh_from_db()
    assert goal.progress == 8
    assert plan.review_due_on == following


def test_the_person_agrees_only_once_shared_and_once_their_comments_are_answered(
    world, client_for, django_capture_on_commit_callbacks
):
    plan = plan_for(world.person)

    def person():  # one test client, signed in as each in turn
        return client_for(world.user("service_user"))

    def coordinator():
        return client_for(world.user("care_coordinator"))

    # Not shared yet: no agree button, and a direct post agrees nothing.
    page = person().get(url("plan", world.person)).content.decode()
    assert "Your recovery plan" in page
    assert url("agree", world.person) not in page
    person().post(url("agree", world.person), {"revision": str(plan.revision)})
    assert not PlanVersion.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        coordinator().post(url("share", world.person), {"revision": str(plan.revision)})
    page = person().get(url("plan", world.person)).content.decode()
    assert url("agree", world.person) in page
    assert "Waiting for your agreement" in page
    assert page.index('id="agree"') > page.index('id="supporters"')  # at the end of the plan

    person().post(url("comment", world.person), {"part": "goals", "text": "Add swimming, please"})
    response = person().post(url("agree", world.person), {"revision": str(plan.revision)})
    assert response.status_code == 302
    assert not PlanVersion.objects.exists()  # held back: the comment waits for an answer
    page = person().get(response["Location"]).content.decode()
    assert "answer your comments" in page

    comment = PlanComment.objects.get(plan=plan)
    coordinator().post(
        reverse(
            "careplans:comment_answer",
            kwargs={"public_id": world.person.public_id, "item_id": comment.public_id},
        ),
        {"reply": "Added as goal 2 when we meet on Friday"},
    )
    page = person().get(url("plan", world.person)).content.decode()
    assert "Added as goal 2 when we meet on Friday" in page

    response = person().post(url("agree", world.person), {"revision": str(plan.revision)})
    assert response.status_code == 302
    version = PlanVersion.objects.get(plan=plan)
    assert version.agreed_by == world.user("service_user")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED


def test_agreeing_a_plan_that_changed_meanwhile_sends_the_person_back_to_read_it(world, client_for):
    plan = plan_for(world.person)
    seen = plan.revision
    services.plan_part_update(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "Changed"},
    )
    client = client_for(world.user("service_user"))
    response = client.post(url("agree", world.person), {"revision": str(seen)}, follow=True)
    assert "has not been agreed yet" in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_recording_agreement_in_person_needs_a_real_past_date(world, coordinator_client):
    plan = plan_for(world.person)
    response = coordinator_client.post(
        url("record_agreement", world.person),
        {
            "revision": str(plan.revision),
            "agreed_on_0": "1",
            "agreed_on_1": "1",
            "agreed_on_2": str(timezone.localdate().year + 1),
            "method": "in_person",
        },
    )
    assert "The date of agreement must be today or in the past." in response.content.decode()
    assert not PlanVersion.objects.exists()


def test_comparing_two_versions_part_by_part(world, coordinator_client):
    plan = plan_for(world.person, hopes="To walk the fells")
    person = world.user("service_user")
    shared_for_agreement(plan)
    services.plan_agree(actor=person, audit=audit_as(person), plan=plan, revision=plan.revision)
    plan.refresh_from_db()
    services.plan_part_update(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "To walk the high fells", "what_matters": plan.what_matters},
    )
    GoalFactory.create(plan=plan, description="Learn to swim")
    plan.refresh_from_db()
    shared_for_agreement(plan)
    services.plan_agree(actor=person, audit=audit_as(person), plan=plan, revision=plan.revision)

    body = coordinator_client.get(url("compare", world.person) + "?from=1&to=2").content.decode()

    assert "Changes from version 1 to version 2" in body
    assert "high</ins>" in body.replace('<span class="nhsuk-u-visually-hidden">]</span>', "")
    assert "Goal: Learn to swim" in body
    assert coordinator_client.get(url("compare", world.person) + "?from=9").status_code == 404


def test_the_print_page_has_no_navigation(world, coordinator_client):
    plan_for(world.person)
    body = coordinator_client.get(url("plan_print", world.person)).content.decode()
    assert "nhsuk-header" not in body
    assert "nhsuk-footer" not in body
    assert "Recovery plan of" in body


def test_the_caseload_shows_plan_status_in_bounded_queries(
    world, coordinator_client, django_assert_max_num_queries
):
    coordinator = world.user("care_coordinator")
    today = timezone.localdate()
    for n in range(34):
        person = ServiceUserFactory.create(team=world.team, care_coordinator=coordinator)
        if n % 3:
            RecoveryPlanFactory.create(
                service_user=person,
                created_by=coordinator,
                status=PlanStatus.AGREED,
                review_due_on=today - datetime.timedelta(days=n),
            )

    with django_assert_max_num_queries(14):
        response = coordinator_client.get(reverse("caseload"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "Review overdue" in body
    assert "Start a plan" in body


def test_steps_move_and_a_closed_plan_offers_no_changes(world, coordinator_client):
    plan = plan_for(world.person)
    goal = GoalFactory.create(plan=plan)
    first, second = (
        GoalStepFactory.create(goal=goal, position=1),
        GoalStepFactory.create(goal=goal, position=2),
    )
    coordinator_client.post(
        url("step_move", world.person, item_id=second.public_id), {"direction": "up"}
    )
    assert list(goal.steps.order_by("position")) == [second, first]

    coordinator_client.post(url("plan_close", world.person))

    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    body = coordinator_client.get(url("plan", world.person)).content.decode()
    assert "This plan is closed" in body
    assert "Add a goal" not in body
    response = coordinator_client.post(
        url("part_edit", world.person, part="about-me"), {"hopes": "x", "revision": "1"}
    )
    assert "This plan is closed and can no longer be changed." in response.content.decode()


def test_a_double_submitted_add_form_adds_once(world, coordinator_client):
    plan_for(world.person)
    form = coordinator_client.get(url("contact_add", world.person)).content.decode()
    found = re.search(r'name="submission" value="([0-9a-f-]+)"', form)
    assert found, "the add form carries a submission id"
    submission = found.group(1)
    data = {
        "name": "Priya",
        "relationship": "Sister",
        "phone": "01632 960 001",
        "submission": submission,
    }

    first = coordinator_client.post(url("contact_add", world.person), data)
    second = coordinator_client.post(url("contact_add", world.person), data)

    assert (first.status_code, second.status_code) == (302, 302)
    assert RecoveryPlan.objects.get(service_user=world.person).crisis_contacts.count() == 1
    # A fresh form adds another.
    other = coordinator_client.post(
        url("contact_add", world.person), {**data, "submission": str(uuid.uuid4())}
    )
    assert other.status_code == 302
    assert RecoveryPlan.objects.get(service_user=world.person).crisis_contacts.count() == 2


def test_recording_agreement_after_the_plan_changed_says_so_and_records_nothing(
    world, coordinator_client
):
    plan = plan_for(world.person)
    seen = plan.revision
    services.plan_part_update(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "x"},
    )
    today = timezone.localdate()
    response = coordinator_client.post(
        url("record_agreement", world.person),
        {
            "revision": str(seen),
            "agreed_on_0": today.day,
            "agreed_on_1": today.month,
            "agreed_on_2": today.year,
            "method": "phone",
        },
    )
    body = response.content.decode()
    assert "The plan changed since you opened this page." in body
    assert f'name="revision" value="{seen + 1}"' in body
    assert not PlanVersion.objects.exists()


def test_sharing_with_a_supporter_asks_for_the_date_of_consent(world, coordinator_client):
    plan_for(world.person)
    response = coordinator_client.post(
        url("supporter_add", world.person),
        {"name": "Dev", "kind": "family", "shared_parts": ["crisis", "keeping_well"]},
    )
    body = response.content.decode()
    assert "Enter the date the person agreed to share these parts." in body
    assert 'href="#id_consent_recorded_on_0"' in body


def test_edit_pages_open_with_what_is_saved(world, coordinator_client):
    plan = plan_for(world.person)
    goal = GoalFactory.create(
        plan=plan,
        description="Swim twice a week",
        target_date=datetime.date(2027, 3, 9),
        progress=4,
    )
    step = GoalStepFactory.create(goal=goal, what="Buy goggles", by_when=datetime.date(2027, 1, 2))
    supporter = SupporterFactory.create(
        plan=plan, shared_parts=["crisis"], consent_recorded_on=datetime.date(2026, 5, 1)
    )

    body = coordinator_client.get(
        url("goal_edit", world.person, item_id=goal.public_id)
    ).content.decode()
    assert "Swim twice a week</textarea>" in body
    assert 'name="target_date_0" type="text" inputmode="numeric" value="9"' in body
    assert '<option value="4" selected>' in body
    body = coordinator_client.get(
        url("step_edit", world.person, item_id=step.public_id)
    ).content.decode()
    assert "Buy goggles</textarea>" in body
    assert 'name="by_when_2" type="text" inputmode="numeric" value="2027"' in body
    body = coordinator_client.get(
        url("supporter_edit", world.person, item_id=supporter.public_id)
    ).content.decode()
    assert 'value="crisis" checked' in body


def test_marking_a_step_done(world, coordinator_client):
    step = GoalStepFactory.create(goal=GoalFactory.create(plan=plan_for(world.person)))
    today = timezone.localdate()
    response = coordinator_client.post(
        url("step_edit", world.person, item_id=step.public_id),
        {
            "what": step.what,
            "who": "me",
            "done_on_0": today.day,
            "done_on_1": today.month,
            "done_on_2": today.year,
            "revision": "1",
        },
    )
    assert response.status_code == 302
    step.refresh_from_db()
    assert (step.done_on, step.revision) == (today, 2)


def test_there_is_nothing_to_record_or_agree_on_an_agreed_plan(
    world, coordinator_client, client_for
):
    plan = plan_for(world.person)
    shared_for_agreement(plan)
    services.plan_agree(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        plan=plan,
        revision=plan.revision,
    )

    response = coordinator_client.get(url("record_agreement", world.person), follow=True)
    assert "nothing new to record" in response.content.decode()
    response = client_for(world.user("service_user")).get(url("agree", world.person), follow=True)
    assert "nothing new to agree" in response.content.decode()


def test_a_supporter_is_removed_from_their_page(world, coordinator_client):
    supporter = supporter_of(world.person)
    edit = coordinator_client.get(url("supporter_edit", world.person, item_id=supporter.public_id))
    remove_url = url("supporter_remove", world.person, item_id=supporter.public_id)
    assert f'action="{remove_url}"' in edit.content.decode()
    assert "Remove this supporter from the plan" in edit.content.decode()

    response = coordinator_client.post(remove_url, {"revision": supporter.revision}, follow=True)

    assert "The supporter has been removed." in response.content.decode()
    assert not world.person.recovery_plan.supporters.exists()
