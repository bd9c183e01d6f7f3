"""The plans API: same rules as the pages, same services, 409 on a stale revision."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from careplans.models import Goal, RecoveryPlan
from directory.models import AccessEvent
from tests.audit import audit_trail
from tests.conftest import ROLES
from tests.factories import ServiceUserFactory

from .factories import GoalFactory, plan_for, shared_for_agreement


def part_url(plan, part="about"):
    return reverse("api:plan-part", kwargs={"public_id": plan.public_id, "part": part})


def test_list_shows_only_plans_the_caller_may_read(world, client_for):
    for person in (
        world.person,
        world.teammate_person,
        world.other_team_person,
        world.foreign_person,
    ):
        plan_for(person)
    body = client_for(world.user("care_coordinator")).get(reverse("api:plan-list")).json()
    assert [row["service_user"]["id"] for row in body["results"]] == [str(world.person.public_id)]
    assert AccessEvent.objects.filter(resource="recovery plan").count() == 1


def test_the_plan_reads_whole_with_revisions(world, client_for):
    plan = plan_for(world.person)
    GoalFactory.create(plan=plan, description="Swim")
    body = (
        client_for(world.user("service_user"))
        .get(reverse("api:plan-detail", kwargs={"public_id": plan.public_id}))
        .json()
    )
    assert body["about"]["revision"] == 1
    assert body["about"]["fields"]["what_matters"] == plan.what_matters
    assert body["goals"][0]["description"] == "Swim"
    assert body["status"] == "draft"
    assert body["waiting_for_agreement_since"] is None


def test_the_plan_says_since_when_it_waits_for_the_persons_agreement(world, client_for):
    plan = shared_for_agreement(plan_for(world.person))
    url = reverse("api:plan-detail", kwargs={"public_id": plan.public_id})
    client = client_for(world.user("care_coordinator"))

    since = client.get(url).json()["waiting_for_agreement_since"]
    assert datetime.datetime.fromisoformat(since) == plan.shared_at
    listed = client.get(reverse("api:plan-list")).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["waiting_for_agreement_since"] is not None for r in rows] == [True]

    GoalFactory.create(plan=plan)
    RecoveryPlan.objects.filter(pk=plan.pk).update(revision=plan.revision + 1)  # changed since
    assert client.get(url).json()["waiting_for_agreement_since"] is None


def test_create_is_idempotent(world, client_for):
    client = client_for(world.user("care_coordinator"))
    first = client.post(reverse("api:plan-list"), {"service_user": str(world.person.public_id)})
    second = client.post(reverse("api:plan-list"), {"service_user": str(world.person.public_id)})
    assert (first.status_code, second.status_code) == (201, 200)
    assert RecoveryPlan.objects.count() == 1


def test_asking_to_start_a_plan_that_exists_answers_with_it_and_audits_the_read(world, client_for):
    plan = plan_for(world.person)
    coordinator = world.user("care_coordinator")
    response = client_for(coordinator).post(
        reverse("api:plan-list"), {"service_user": str(world.person.public_id)}
    )
    assert response.status_code == 200
    assert response.json()["about"]["fields"]["what_matters"] == plan.what_matters
    assert audit_trail(world.person) == [("read", coordinator.pk, "recovery plan", "api:plan-list")]
    assert AccessEvent.objects.get(service_user=world.person).client_address == "127.0.0.1"


def test_an_unchanged_part_update_answers_with_the_plan_and_audits_the_read(world, client_for):
    plan = plan_for(world.person)
    coordinator = world.user("care_coordinator")
    fields = {"what_matters": plan.what_matters, "strengths": plan.strengths, "hopes": plan.hopes}
    response = client_for(coordinator).put(
        part_url(plan), {"revision": 1, "fields": fields}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["about"]["revision"] == 1  # nothing changed
    assert audit_trail(world.person) == [("read", coordinator.pk, "recovery plan", "api:plan-part")]


def test_create_for_someone_not_on_the_caseload_is_refused(world, client_for):
    client = client_for(world.user("care_coordinator"))
    response = client.post(
        reverse("api:plan-list"), {"service_user": str(world.foreign_person.public_id)}
    )
    assert response.status_code == 400
    assert not RecoveryPlan.objects.exists()


def test_a_part_update_then_a_stale_one_gets_409_with_the_saved_text(world, client_for):
    plan = plan_for(world.person)
    client = client_for(world.user("care_coordinator"))

    ok = client.put(
        part_url(plan),
        {"revision": 1, "fields": {"what_matters": "Mine", "strengths": "", "hopes": ""}},
        content_type="application/json",
    )
    stale = client.put(
        part_url(plan),
        {"revision": 1, "fields": {"what_matters": "Late", "strengths": "", "hopes": ""}},
        content_type="application/json",
    )

    assert ok.status_code == 200
    assert ok.json()["about"]["revision"] == 2
    assert stale.status_code == 409
    assert stale.json()["current"] == {
        "revision": 2,
        "fields": {"what_matters": "Mine", "strengths": "", "hopes": ""},
    }
    plan.refresh_from_db()
    assert plan.what_matters == "Mine"
    # The 409 carries the saved text: a read, by the one who was refused.
    coordinator = world.user("care_coordinator")
    assert audit_trail(world.person) == [
        ("change", coordinator.pk, "recovery plan", "api:plan-part"),
        ("read", coordinator.pk, "recovery plan", "api:plan-part"),
    ]


def test_a_part_update_with_an_unknown_field_is_a_400(world, client_for):
    plan = plan_for(world.person)
    response = client_for(world.user("care_coordinator")).put(
        part_url(plan),
        {"revision": 1, "fields": {"diagnosis": "x"}},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_a_stale_goal_update_gets_409(world, client_for):
    plan = plan_for(world.person)
    goal = GoalFactory.create(plan=plan)
    client = client_for(world.user("team_leader"))
    goal_url = reverse(
        "api:plan-goal", kwargs={"public_id": plan.public_id, "goal_id": str(goal.public_id)}
    )
    payload = {"life_area": "money", "description": "Budget", "revision": 1}
    assert client.put(goal_url, payload, content_type="application/json").status_code == 200
    response = client.put(
        goal_url, {**payload, "description": "Late"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["current"]["description"] == "Budget"
    assert Goal.objects.get(pk=goal.pk).description == "Budget"
    leader = world.user("team_leader")
    assert audit_trail(world.person) == [
        ("change", leader.pk, "recovery plan", "api:plan-goal"),
        ("read", leader.pk, "recovery plan", "api:plan-goal"),
    ]


PUT_EXPECT = {
    "anonymous": 401,
    "service_user": 403,
    "care_coordinator": 200,
    "team_leader": 200,
    "peer_support_worker": 403,
    "assigned_peer_support_worker": 403,
    "qa_manager": 403,
    "hr": 403,
    "network_coordinator": 403,
    "administrator": 403,
    "other_trust_staff": 404,
    "partner_contact": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_who_may_change_a_part_through_the_api(world, client_for, role):
    plan = plan_for(world.person)
    response = client_for(world.user(role)).put(
        part_url(plan, "crisis"),
        {"revision": 1, "fields": {"crisis_helps": "Quiet"}},
        content_type="application/json",
    )
    assert response.status_code == PUT_EXPECT[role]
    plan.refresh_from_db()
    assert (plan.crisis_helps == "Quiet") == (PUT_EXPECT[role] == 200)
    if response.status_code != 200:
        assert world.person.family_name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_nobody_outside_the_trust_changes_a_foreign_plan(world, client_for, role):
    plan = plan_for(world.foreign_person)
    response = client_for(world.user(role)).put(
        part_url(plan, "crisis"),
        {"revision": 1, "fields": {"crisis_helps": "Quiet"}},
        content_type="application/json",
    )
    expected = {**PUT_EXPECT, "care_coordinator": 404, "team_leader": 404, "other_trust_staff": 200}
    assert response.status_code == expected[role]


def test_the_schema_documents_the_plan_endpoints(world, client_for):
    schema = client_for(world.user("care_coordinator")).get(reverse("api-schema")).content.decode()
    assert "/api/plans/{public_id}/parts/{part}/" in schema
    assert "'409':" in schema


def test_the_list_takes_a_bounded_number_of_queries(
    world, client_for, django_assert_max_num_queries
):
    leader = world.user("team_leader")
    for _ in range(35):
        plan_for(
            ServiceUserFactory.create(
                team=world.team, care_coordinator=world.user("care_coordinator")
            )
        )
    client = client_for(leader)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:plan-list"))

    assert response.json()["count"] == 35
