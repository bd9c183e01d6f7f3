"""The API's error answers: malformed ids, bodies and service errors answer 4xx, never 500."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from rest_framework.exceptions import ValidationError as ApiValidationError

from common.api import exception_handler, field_errors
from common.parsers import MAX_JSON_DEPTH
from tests.factories import ServiceUserFactory

NOT_AN_ID = "not-a-uuid"

DETAIL_URLS = [
    "/api/teams/{id}/",
    "/api/service-users/{id}/",
    "/api/check-in-instruments/{id}/",
    "/api/check-ins/{id}/",
    "/api/check-in-scores/{id}/",
    "/api/plans/{id}/",
    "/api/plans/{id}/parts/about/",
    "/api/plans/{id}/goals/",
    "/api/plans/{known}/goals/{id}/",
]


@pytest.mark.parametrize("template", DETAIL_URLS)
@pytest.mark.parametrize("bad_id", [NOT_AN_ID, "1", "00000000-0000-0000-0000-00000000000g"])
def test_a_detail_url_with_an_id_that_is_not_a_uuid_answers_404(
    world, client_for, template, bad_id
):
    client = client_for(world.user("care_coordinator"))
    url = template.format(id=bad_id, known=uuid.uuid4())
    for method in ("get", "put", "post"):
        response = getattr(client, method)(url, {}, content_type="application/json")
        assert response.status_code == 404, (method, url, response.status_code)


def test_every_detail_route_only_matches_uuids():
    from recovery_site.urls import router

    patterns = [str(url.pattern) for url in router.urls if "public_id" in str(url.pattern)]
    assert patterns, "the router has detail routes"
    for pattern in patterns:
        assert "(?P<public_id>[0-9a-f]{8}-" in pattern, pattern


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000, 100_000])
def test_json_nested_too_deep_answers_400(world, client_for, depth):
    client = client_for(world.user("care_coordinator"))
    response = client.post(
        reverse("api:checkin-list"), _nested(depth), content_type="application/json"
    )
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_json_at_the_depth_limit_is_read_as_usual(world, client_for):
    client = client_for(world.user("care_coordinator"))
    body = {"service_user": str(world.person.public_id), "deep": json.loads(_nested(30))}
    response = client.post(reverse("api:plan-list"), body, content_type="application/json")
    assert response.status_code == 201


def test_a_service_error_with_a_plain_message_answers_400_with_non_field_errors(world, client_for):
    # A care coordinator may not send a check-in as though they were the person: the service
    # refuses with a plain message, not a field error.
    client = client_for(world.user("care_coordinator"))
    response = client.post(
        reverse("api:checkin-list"),
        {
            "idempotency_key": str(uuid.uuid4()),
            "service_user": str(world.person.public_id),
            "channel": "signed_in",
            "answers": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "non_field_errors": ["Only the person themselves can send their own check-in."]
    }


def test_a_service_error_by_field_answers_400_under_that_field(world, client_for):
    taken = ServiceUserFactory.create(team=world.team)
    client = client_for(world.user("care_coordinator"))
    response = client.post(
        reverse("api:service-user-list"),
        {
            "nhs_number": taken.nhs_number,
            "given_name": "Sam",
            "family_name": "Jones",
            "date_of_birth": "1990-01-01",
            "team": str(world.team.public_id),
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nhs_number" in response.json()


def test_field_errors_keep_fields_and_put_the_rest_under_non_field_errors():
    assert field_errors(ValidationError({"name": "Too long", "__all__": "Clash"})) == {
        "name": ["Too long"],
        "non_field_errors": ["Clash"],
    }
    assert field_errors(ValidationError(["One", "Two"])) == {"non_field_errors": ["One", "Two"]}


class _PlanView:
    lookup_field = "public_id"
    lookup_url_kwarg = None
    lookup_value_converter = "uuid"


def test_a_lookup_that_is_not_a_uuid_is_404_even_if_a_route_let_it_through():
    error = ValidationError(["“x” is not a valid UUID."], code="invalid")
    answer = exception_handler(error, {"view": _PlanView(), "kwargs": {"public_id": "x"}})
    assert answer is not None and answer.status_code == 404
    answer = exception_handler(
        error, {"view": _PlanView(), "kwargs": {"public_id": str(uuid.uuid4())}}
    )
    assert answer is not None and answer.status_code == 400


def test_errors_the_handler_does_not_know_are_left_to_drf():
    answer = exception_handler(Http404(), {"view": _PlanView(), "kwargs": {}})
    assert answer is not None and answer.status_code == 404
    answer = exception_handler(ApiValidationError({"a": ["b"]}), {"view": None, "kwargs": {}})
    assert answer is not None and answer.status_code == 400
    assert exception_handler(RuntimeError("boom"), {"view": None, "kwargs": {}}) is None
