"""The rota API: a rule-breaking assignment answers 409 naming the rule; workers never carry
their lived-experience notes; lists are scoped and bounded."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from directory.choices import TrustRole
from peersupport.models import Shift
from tests.factories import TeamFactory, trust_staff

from .factories import ShiftFactory, at, peer_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory.create(name="North Fells CMHT")


@pytest.fixture
def hr(team):
    return trust_staff(trust=team.trust, role=TrustRole.HR)


def api_as(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_a_rule_breaking_assignment_answers_409_naming_the_rule(team, hr):
    worker = peer_worker(team=team)
    evening = ShiftFactory.create(
        team=team,
        worker=worker,
        starts_at=at("2027-01-04", "14:00"),
        ends_at=at("2027-01-04", "19:00"),
    )
    morning = ShiftFactory.create(
        team=team, starts_at=at("2027-01-05", "05:59"), ends_at=at("2027-01-05", "10:00")
    )
    url = reverse("api:peer-shift-assign", kwargs={"public_id": morning.public_id})
    response = api_as(hr).post(url, {"worker": str(worker.public_id)}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"] == (
        "The assignment breaks working-time rules: 11 hours' rest between shifts."
    )
    (rule,) = body["rules"]
    assert rule["rule"] == "daily_rest"
    assert rule["shifts"] == [str(morning.public_id), str(evening.public_id)]
    assert Shift.objects.get(pk=morning.pk).worker is None


def test_an_assignment_within_the_rules_answers_200_with_its_warnings(team, hr):
    worker = peer_worker(team=team, contracted_hours=2)
    shift = ShiftFactory.create(team=team)
    url = reverse("api:peer-shift-assign", kwargs={"public_id": shift.public_id})
    response = api_as(hr).post(url, {"worker": str(worker.public_id)}, format="json")
    assert response.status_code == 200
    assert response.json()["shift"]["worker"] == str(worker.public_id)
    assert [w["rule"] for w in response.json()["warnings"]] == ["contracted_hours"]


def test_hr_adds_a_shift_and_a_long_one_needs_its_break(team, hr):
    url = reverse("api:peer-shift-list")
    data = {
        "team": str(team.public_id),
        "starts_at": "2027-01-04T09:00:00Z",
        "ends_at": "2027-01-04T17:00:00Z",
        "kind": "group",
        "break_minutes": 0,
    }
    refused = api_as(hr).post(url, data, format="json")
    assert refused.status_code == 400
    assert "break_minutes" in refused.json()
    data["break_minutes"] = 30
    assert api_as(hr).post(url, data, format="json").status_code == 201
    assert Shift.objects.get().break_minutes == 30


def test_a_peer_lists_their_own_and_open_shifts_only(team, hr):
    worker = peer_worker(team=team)
    mine = ShiftFactory.create(team=team, worker=worker)
    open_one = ShiftFactory.create(team=team)
    ShiftFactory.create(team=team, worker=peer_worker(team=team))  # a colleague's
    ShiftFactory.create()  # another trust's
    response = api_as(worker.user).get(reverse("api:peer-shift-list"))
    assert {s["id"] for s in response.json()["results"]} == {
        str(mine.public_id),
        str(open_one.public_id),
    }


def test_workers_never_carry_lived_experience_for_anyone(team, hr):
    worker = peer_worker(team=team, lived_experience="Private words about my recovery")
    for user in (hr, worker.user):
        for url in (
            reverse("api:peer-worker-list"),
            reverse("api:peer-worker-detail", kwargs={"public_id": worker.public_id}),
        ):
            response = api_as(user).get(url)
            assert response.status_code == 200
            assert "Private words" not in response.content.decode()
            assert "lived_experience" not in response.content.decode()


def test_shift_and_worker_lists_are_bounded(team, hr, django_assert_max_num_queries):
    for _ in range(30):
        worker = peer_worker(team=team)
        ShiftFactory.create(team=team, worker=worker)
    client = api_as(hr)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("api:peer-shift-list")).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("api:peer-worker-list")).status_code == 200
