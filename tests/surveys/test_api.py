"""The check-in API: send with an idempotency key (201, then 200 on retry), read what you may."""

from __future__ import annotations

import datetime
import uuid

from django.urls import reverse
from rest_framework.test import APIClient

from surveys import services
from surveys.models import Response

from ..audit import audit_as
from .factories import built_in, sent_response


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(world, key, **extra):
    return {
        "idempotency_key": str(key),
        "service_user": str(world.person.public_id),
        "channel": "signed_in",
        "answers": [{"item": n, "value": 4} for n in range(1, 13)] + [],
        **extra,
    }


def test_create_then_retry_returns_the_same_response(world):
    client = api_for(world.user("service_user"))
    key = uuid.uuid4()
    first = client.post(reverse("api:checkin-list"), _body(world, key), format="json")
    assert first.status_code == 201, first.content
    again = client.post(reverse("api:checkin-list"), _body(world, key), format="json")
    assert again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    # The team's check-in is the built-in's version 2; its second part was not answered, so
    # only the first part's domains have scores.
    assert first.json()["scores"] == {"hope": "3.50", "control": "4.00", "opportunity": "4.00"}
    assert Response.objects.count() == 1


def test_staff_entry_through_the_api_with_the_day_answered(world):
    client = api_for(world.user("assigned_peer_support_worker"))
    day = datetime.date.today() - datetime.timedelta(days=2)
    reply = client.post(
        reverse("api:checkin-list"),
        _body(world, uuid.uuid4(), channel="staff_phone", completed_on=day.isoformat()),
        format="json",
    )
    assert reply.status_code == 201, reply.content
    assert reply.json()["completed_on"] == day.isoformat()
    assert Response.objects.get().entered_by == world.user("assigned_peer_support_worker")


def test_bad_answers_and_hidden_people_are_refused(world):
    client = api_for(world.user("care_coordinator"))
    off_scale = _body(world, uuid.uuid4(), channel="staff_paper")
    off_scale["answers"] = [{"item": 1, "value": 7}]
    assert client.post(reverse("api:checkin-list"), off_scale, format="json").status_code == 400
    unknown_item = _body(world, uuid.uuid4(), channel="staff_paper")
    unknown_item["answers"] = [{"item": 40, "value": 1}]
    assert client.post(reverse("api:checkin-list"), unknown_item, format="json").status_code == 400
    hidden = _body(world, uuid.uuid4(), channel="staff_paper")
    hidden["service_user"] = str(world.teammate_person.public_id)
    assert client.post(reverse("api:checkin-list"), hidden, format="json").status_code == 400
    as_person = _body(world, uuid.uuid4())  # staff may not answer as the person
    assert client.post(reverse("api:checkin-list"), as_person, format="json").status_code == 400
    assert not Response.objects.exists()
    assert (
        api_for(world.user("qa_manager"))
        .post(reverse("api:checkin-list"), _body(world, uuid.uuid4()), format="json")
        .status_code
        == 403
    )


def test_a_key_reused_for_another_person_is_a_conflict_that_names_no_one(world):
    key = uuid.uuid4()
    api_for(world.user("service_user")).post(
        reverse("api:checkin-list"), _body(world, key), format="json"
    )
    other = _body(world, key, channel="staff_paper")
    other["service_user"] = str(world.teammate_person.public_id)
    reply = api_for(world.user("team_leader")).post(
        reverse("api:checkin-list"), other, format="json"
    )
    assert reply.status_code == 409
    assert reply.json()["conflicts"] == ["idempotency_key"]
    assert "Samira" not in reply.content.decode()
    assert Response.objects.count() == 1


def test_list_is_scoped_and_bounded(world, django_assert_max_num_queries):
    for n in range(30):
        sent_response(world.person, on=datetime.date(2025, 1, 1) + datetime.timedelta(days=n))
        sent_response(world.teammate_person, on=datetime.date(2025, 1, 1))
        sent_response(world.foreign_person, on=datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(8):
        mine = api_for(world.user("care_coordinator")).get(reverse("api:checkin-list")).json()
    assert mine["count"] == 30
    lead = api_for(world.user("team_leader")).get(reverse("api:checkin-list")).json()
    assert lead["count"] == 60
    own = api_for(world.user("service_user")).get(reverse("api:checkin-list")).json()
    assert {row["service_user"] for row in own["results"]} == {str(world.person.public_id)}


def test_scores_over_time_oldest_first(world):
    sent_response(world.person, on=datetime.date(2025, 6, 1), hope="2")
    sent_response(world.person, on=datetime.date(2025, 1, 1), hope="1.5")
    data = (
        api_for(world.user("service_user"))
        .get(reverse("api:checkin-scores-detail", kwargs={"public_id": world.person.public_id}))
        .json()
    )
    assert [(r["completed_on"], r["scores"]["hope"]) for r in data["responses"]] == [
        ("2025-01-01", "1.50"),
        ("2025-06-01", "2.00"),
    ]


def test_instruments_list_items_and_rules(world):
    data = api_for(world.user("hr")).get(reverse("api:checkin-instrument-list")).json()
    check_in = next(i for i in data["results"] if i["id"] == str(built_in().public_id))
    assert len(check_in["items"]) == 12
    assert check_in["items"][0]["scale"][0] == {"value": 1, "label": "Strongly disagree"}


def test_schema_includes_the_check_in_endpoints(world, client):
    client.force_login(world.user("care_coordinator"))  # the schema is for signed-in callers
    schema = client.get(reverse("api-schema")).content.decode()
    for path in ("/api/check-ins/", "/api/check-in-instruments/", "/api/check-in-scores/"):
        assert path in schema


def test_a_check_in_sent_while_the_person_has_an_open_draft_is_stored_and_the_draft_kept(world):
    # Given the person started a check-in on the web and has not sent it
    person_login = world.user("service_user")
    draft = services.response_start(
        actor=person_login,
        service_user=world.person,
        channel="signed_in",
        audit=audit_as(person_login),
    )
    # When a complete check-in for them arrives through the API
    client = api_for(world.user("service_user"))
    reply = client.post(reverse("api:checkin-list"), _body(world, uuid.uuid4()), format="json")
    # Then it is stored as sent, and the draft is still theirs to finish
    assert reply.status_code == 201, reply.content
    assert Response.objects.get(public_id=reply.json()["id"]).status == "submitted"
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_a_staff_check_in_sent_while_the_same_staff_member_has_an_open_draft_is_stored(world):
    staff = world.user("assigned_peer_support_worker")
    services.response_start(
        actor=staff, service_user=world.person, channel="staff_phone", audit=audit_as(staff)
    )
    reply = api_for(staff).post(
        reverse("api:checkin-list"),
        _body(world, uuid.uuid4(), channel="staff_phone"),
        format="json",
    )
    assert reply.status_code == 201, reply.content
    assert Response.objects.filter(status="draft").count() == 1
