"""The directory API: the page rules, clear field messages, bounded queries."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from directory.models import AccessEvent, ServiceUser
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_for():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


def _payload(world, **overrides):
    data = {
        "nhs_number": "999 912 3457",
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": "1990-05-17",
        "team": str(world.team.public_id),
    }
    return {**data, **overrides}


def test_a_token_reads_the_people_the_user_may_see(world):
    token = Token.objects.create(user=world.user("care_coordinator"))
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = client.get(reverse("api:service-user-list"))

    assert response.status_code == 200
    assert [p["family_name"] for p in response.json()["results"]] == ["Oakenshaw"]
    assert AccessEvent.objects.filter(
        service_user=world.person, resource="directory entry"
    ).exists()


def test_anonymous_callers_are_asked_to_authenticate(world):
    response = APIClient().get(reverse("api:service-user-list"))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_a_person_in_another_trust_is_not_found(world, api_for):
    response = api_for(world.user("administrator")).get(
        reverse("api:service-user-detail", kwargs={"public_id": world.foreign_person.public_id})
    )

    assert response.status_code == 404
    assert "Foreignworth" not in response.content.decode()


def test_list_queries_stay_bounded(world, api_for, django_assert_max_num_queries):
    ServiceUserFactory.create_batch(
        40, team=world.team, care_coordinator=world.user("care_coordinator")
    )
    client = api_for(world.user("team_leader"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:service-user-list"))

    assert response.json()["count"] == 42


def test_search_by_nhs_number(world, api_for):
    response = api_for(world.user("team_leader")).get(
        reverse("api:service-user-list"), {"search": world.person.nhs_number[:6]}
    )

    assert {p["family_name"] for p in response.json()["results"]} >= {"Oakenshaw"}


def test_teams_list_has_counts(world, api_for, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = api_for(world.user("qa_manager")).get(reverse("api:team-list"))

    teams = {t["name"]: t for t in response.json()["results"]}
    assert set(teams) == {"North Fells CMHT", "Lakes CMHT"}
    assert teams["North Fells CMHT"]["caseload_size"] == 2


def test_creating_a_person(world, api_for):
    response = api_for(world.user("care_coordinator")).post(
        reverse("api:service-user-list"), _payload(world), format="json"
    )

    assert response.status_code == 201, response.json()
    assert response.json()["nhs_number"] == "9999123457"
    assert response.json()["care_coordinator"]["id"] == str(
        world.user("care_coordinator").public_id
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nhs_number": "999 912 3458"}, "nhs_number", "fails the check digit"),
        ({"nhs_number": "2222222222"}, "nhs_number", "one digit repeated"),
        ({"team": "00000000-0000-0000-0000-000000000000"}, "team", "Unknown team"),
        ({"team": "north fells"}, "team", "valid UUID"),
        ({"date_of_birth": "17/05/1990"}, "date_of_birth", "Date has wrong format"),
        ({"given_name": ""}, "given_name", "may not be blank"),
        ({"nhs_number": ["9999123457"]}, "nhs_number", "Not a valid string"),
    ],
)
def test_bad_payloads_name_the_field(world, api_for, overrides, field, message):
    response = api_for(world.user("care_coordinator")).post(
        reverse("api:service-user-list"), _payload(world, **overrides), format="json"
    )

    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not ServiceUser.objects.filter(family_name="Lovelace").exists()


def test_another_trusts_team_is_an_unknown_team(world, api_for):
    response = api_for(world.user("administrator")).post(
        reverse("api:service-user-list"),
        _payload(world, team=str(world.other_trust_team.public_id)),
        format="json",
    )

    assert response.status_code == 400
    assert "Unknown team" in response.json()["team"][0]


def test_malformed_json_is_a_400_not_a_500(world, api_for):
    response = api_for(world.user("care_coordinator")).post(
        reverse("api:service-user-list"), data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_duplicate_nhs_number_is_a_field_error(world, api_for):
    response = api_for(world.user("team_leader")).post(
        reverse("api:service-user-list"),
        _payload(world, nhs_number=world.person.nhs_number),
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["nhs_number"] == [
        "This trust already has a record with this NHS number."
    ]


def test_roles_that_cannot_add_get_403_and_nothing_is_written(world, api_for):
    for role in ("qa_manager", "hr", "peer_support_worker", "service_user"):
        response = api_for(world.user(role)).post(
            reverse("api:service-user-list"), _payload(world), format="json"
        )
        assert response.status_code == 403, role
    assert not ServiceUser.objects.filter(family_name="Lovelace").exists()
