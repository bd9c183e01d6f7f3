"""Bad input, through every door: a 400 by field from the API, a message by the field on a page
or in the admin site; never a 500, and nothing stored."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from careplans import services as plan_services
from careplans.models import Goal, PlanComment, PlanReview
from common.dates import add_months, trust_today
from directory.models import ServiceUser
from surveys import services as survey_services
from surveys.models import Answer, Response
from tests.audit import audit_as
from tests.careplans.factories import GoalFactory, plan_for
from tests.surveys.factories import sent_response

pytestmark = pytest.mark.django_db

RLO = "\u202e"  # right-to-left override: "Ann\u202eeb" shows as "Annbe"


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _person(world, **overrides):
    return {
        "nhs_number": "999 912 3457",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1990-05-17",
        "team": str(world.team.public_id),
        **overrides,
    }


# --- dates of birth and names ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": (trust_today() + datetime.timedelta(days=1)).isoformat()}, "dob"),
        ({"date_of_birth": "1905-01-01"}, "dob"),
        ({"given_name": f"Ann{RLO}eb"}, "given_name"),
        ({"family_name": "Smith\x1b[2J"}, "family_name"),
        ({"preferred_name": "Al\u2066ice"}, "preferred_name"),
    ],
)
def test_the_api_refuses_a_person_born_tomorrow_or_long_ago_or_with_hidden_characters(
    world, overrides, field
):
    field = "date_of_birth" if field == "dob" else field

    reply = api_for(world.user("care_coordinator")).post(
        reverse("api:service-user-list"), _person(world, **overrides), format="json"
    )

    assert reply.status_code == 400, reply.content
    assert list(reply.json()) == [field]
    assert not ServiceUser.objects.filter(nhs_number="9999123457").exists()


def test_the_api_takes_someone_born_119_years_ago(world):
    born = add_months(trust_today(), -12 * 119)
    reply = api_for(world.user("care_coordinator")).post(
        reverse("api:service-user-list"),
        _person(world, date_of_birth=born.isoformat(), given_name="Siobhán Zoë"),
        format="json",
    )
    assert reply.status_code == 201, reply.content


def test_the_add_person_page_refuses_a_birth_more_than_120_years_ago(world, client_for):
    data = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "nhs_number": "999 912 3457",
        "team": str(world.team.public_id),
        **_date_fields("date_of_birth", datetime.date(1905, 1, 1)),
    }
    response = client_for(world.user("care_coordinator")).post(
        reverse("directory:service_user_add"), data
    )
    assert response.status_code == 200
    assert "within the last 120 years" in " ".join(response.context["form"].errors["date_of_birth"])
    assert not ServiceUser.objects.filter(nhs_number="9999123457").exists()


def test_the_admin_site_refuses_a_hidden_character_in_a_name(world, client_for):
    client = client_for(world.user("administrator"))
    url = reverse("admin:directory_serviceuser_change", args=[world.person.pk])
    person = world.person

    response = client.post(
        url,
        {
            "nhs_number": person.nhs_number,
            "given_name": f"Sam{RLO}ira",
            "family_name": person.family_name,
            "preferred_name": "",
            "date_of_birth": person.date_of_birth.isoformat(),
            "user": person.user_id,
        },
    )

    assert response.status_code == 200
    assert "given_name" in response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.given_name == "Samira"


# --- free text in a plan ---------------------------------------------------------------------


def test_a_plan_part_with_a_bidirectional_override_gets_a_message_by_the_field(world, client_for):
    plan = plan_for(world.person)
    response = client_for(world.user("care_coordinator")).post(
        reverse(
            "careplans:part_edit", kwargs={"public_id": world.person.public_id, "part": "crisis"}
        ),
        {
            "crisis_helps": f"Call 111 {RLO}999",
            "crisis_unhelpful": "",
            "practical_arrangements": "",
            "treatment_preferences": "",
            "revision": "1",
        },
    )
    assert response.status_code == 200
    assert "U+202E" in " ".join(response.context["form"].errors["crisis_helps"])
    plan.refresh_from_db()
    assert plan.crisis_helps == ""


def test_a_plan_part_keeps_the_line_breaks_a_browser_sends(world, client_for):
    plan = plan_for(world.person)
    response = client_for(world.user("care_coordinator")).post(
        reverse(
            "careplans:part_edit", kwargs={"public_id": world.person.public_id, "part": "crisis"}
        ),
        {"crisis_helps": "Quiet room\r\n\tTea", "revision": "1"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.crisis_helps == "Quiet room\r\n\tTea"


def test_the_api_refuses_control_characters_in_a_part(world, client_for):
    plan = plan_for(world.person)
    reply = client_for(world.user("care_coordinator")).put(
        reverse("api:plan-part", kwargs={"public_id": plan.public_id, "part": "about"}),
        {"revision": 1, "fields": {"what_matters": "My kids\x1b[31m\x08", "strengths": ""}},
        content_type="application/json",
    )
    assert reply.status_code == 400, reply.content
    assert "what_matters" in reply.json()
    plan.refresh_from_db()
    assert plan.about_revision == 1 and plan.what_matters == "My children and my allotment."


# --- dates in a plan -------------------------------------------------------------------------


@pytest.mark.parametrize("years", [-40, 6])
def test_the_api_refuses_a_goal_dated_outside_the_plans_window(world, client_for, years):
    plan = plan_for(world.person)
    target = add_months(trust_today(), 12 * years)

    reply = client_for(world.user("care_coordinator")).post(
        reverse("api:plan-goals", kwargs={"public_id": plan.public_id}),
        {"life_area": "work", "description": "A job", "target_date": target.isoformat()},
        content_type="application/json",
    )

    assert reply.status_code == 400, reply.content
    assert list(reply.json()) == ["target_date"]
    assert not Goal.objects.filter(plan=plan).exists()


def test_a_goal_four_years_ahead_is_fine(world, client_for):
    plan = plan_for(world.person)
    reply = client_for(world.user("care_coordinator")).post(
        reverse("api:plan-goals", kwargs={"public_id": plan.public_id}),
        {
            "life_area": "work",
            "description": "A job",
            "target_date": add_months(trust_today(), 48).isoformat(),
        },
        content_type="application/json",
    )
    assert reply.status_code == 201, reply.content


def test_the_goal_page_refuses_a_target_date_in_the_year_9999(world, client_for):
    goal = GoalFactory.create(plan=plan_for(world.person), description="Old words")
    response = client_for(world.user("care_coordinator")).post(
        reverse(
            "careplans:goal_edit",
            kwargs={"public_id": world.person.public_id, "item_id": goal.public_id},
        ),
        {
            "description": "New words",
            "life_area": "work",
            "status": "in_progress",
            "revision": "1",
            **_date_fields("target_date", datetime.date(9999, 12, 31)),
        },
    )
    assert response.status_code == 200
    assert "5 years from today" in " ".join(response.context["form"].errors["target_date"])
    goal.refresh_from_db()
    assert (goal.description, goal.target_date, goal.revision) == ("Old words", None, 1)


def test_the_review_page_refuses_a_next_review_decades_away(world, client_for):
    plan = plan_for(world.person)
    today = trust_today()
    response = client_for(world.user("care_coordinator")).post(
        reverse("careplans:review", kwargs={"public_id": world.person.public_id}),
        {
            "summary": "Good progress",
            **_date_fields("reviewed_on", today),
            **_date_fields("next_review_on", datetime.date(today.year + 30, 1, 1)),
        },
    )
    assert response.status_code == 200
    assert "next_review_on" in response.context["form"].errors
    assert not PlanReview.objects.filter(plan=plan).exists()


def test_a_review_said_to_be_held_in_1950_is_refused(world):
    plan = plan_for(world.person)
    coordinator = world.user("care_coordinator")
    with pytest.raises(ValidationError) as refused:
        plan_services.plan_review_record(
            actor=coordinator,
            plan=plan,
            reviewed_on=datetime.date(1950, 1, 1),
            summary="Long ago",
            next_review_on=trust_today(),
            ratings={},
            audit=audit_as(coordinator),
        )
    assert "reviewed_on" in refused.value.message_dict
    assert not PlanReview.objects.exists()


# --- comments on a closed plan ---------------------------------------------------------------


def test_nobody_can_comment_on_a_closed_plan(world, client_for):
    plan = plan_for(world.person)
    coordinator = world.user("care_coordinator")
    plan_services.plan_close(actor=coordinator, plan=plan, audit=audit_as(coordinator))
    client = client_for(world.user("service_user"))

    comment_url = reverse("careplans:comment", kwargs={"public_id": world.person.public_id})
    page = client.get(reverse("careplans:plan", kwargs={"public_id": world.person.public_id}))
    response = client.post(
        comment_url,
        {"part": "about", "text": "Too late?", "submission": str(uuid.uuid4())},
    )

    assert comment_url not in page.content.decode()
    assert response.status_code == 200
    assert "This plan is closed" in response.content.decode()
    assert not PlanComment.objects.exists()


# --- idempotency keys ------------------------------------------------------------------------


def _checkin(world, key, value=4):
    return {
        "idempotency_key": str(key),
        "service_user": str(world.person.public_id),
        "channel": "signed_in",
        "answers": [{"item": n, "value": value} for n in range(1, 13)],
    }


def test_the_all_zero_idempotency_key_is_refused(world):
    reply = api_for(world.user("service_user")).post(
        reverse("api:checkin-list"), _checkin(world, uuid.UUID(int=0)), format="json"
    )
    assert reply.status_code == 400
    assert list(reply.json()) == ["idempotency_key"]
    assert not Response.objects.exists()


def test_a_reused_key_with_different_answers_is_a_conflict_that_keeps_the_first(world):
    client = api_for(world.user("service_user"))
    key = uuid.uuid4()
    first = client.post(reverse("api:checkin-list"), _checkin(world, key, 4), format="json")

    again = client.post(reverse("api:checkin-list"), _checkin(world, key, 2), format="json")

    assert first.status_code == 201
    assert again.status_code == 409, again.content
    assert again.json()["conflicts"] == ["answers"]
    assert "different answers" in again.json()["detail"]
    assert Response.objects.count() == 1
    assert set(Answer.objects.values_list("value", flat=True)) == {4}


def test_a_withdrawal_reason_with_a_hidden_character_is_refused_by_its_field(world):
    sent = sent_response(world.person, on=trust_today())
    coordinator = world.user("care_coordinator")

    with pytest.raises(ValidationError) as refused:
        survey_services.response_withdraw(
            actor=coordinator,
            response=sent,
            reason=f"Wrong {RLO}person",
            audit=audit_as(coordinator),
        )

    assert list(refused.value.message_dict) == ["reason"]
    sent.refresh_from_db()
    assert sent.status == "submitted"
