"""The networks API: the pages' rules, and a partner contact's strict isolation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from common.dates import trust_today
from directory.models import AccessEvent
from networks.choices import ReferralStatus
from networks.models import Referral

from .factories import home_partner, network_of, other_partner, referral_for

pytestmark = pytest.mark.django_db


def _detail(referral):
    return reverse("api:referral-detail", kwargs={"public_id": referral.public_id})


def _steps(referral):
    return reverse("api:referral-steps", kwargs={"public_id": referral.public_id})


@pytest.fixture
def referrals(world):
    mine = home_partner(world.trust, world.user("partner_contact"), other=world.other_trust)
    theirs = other_partner(world.trust)
    return {
        "to_mine": referral_for(world.person, mine),
        "to_theirs": referral_for(world.teammate_person, theirs),
        "suggested_to_mine": referral_for(world.other_team_person, mine, ReferralStatus.SUGGESTED),
        "foreign_to_mine": referral_for(world.foreign_person, mine),
    }


def test_a_partner_contact_lists_only_referrals_sent_to_their_organisation(
    world, client_for, referrals
):
    body = client_for(world.user("partner_contact")).get(reverse("api:referral-list")).json()
    ids = {row["id"] for row in body["results"]}
    # Their organisation spans both trusts: both trusts' referrals to it, never a suggestion.
    assert ids == {str(referrals["to_mine"].public_id), str(referrals["foreign_to_mine"].public_id)}


def test_another_organisations_referral_is_404_to_a_partner_contact(world, client_for, referrals):
    client = client_for(world.user("partner_contact"))
    for name in ("to_theirs", "suggested_to_mine"):
        assert client.get(_detail(referrals[name])).status_code == 404
        response = client.post(
            _steps(referrals[name]),
            {"to": "accepted", "revision": 2, "happened_on": trust_today().isoformat()},
        )
        assert response.status_code == 404
    assert referrals["to_theirs"].steps.filter(status="accepted").count() == 0


def test_a_partner_contact_sees_only_what_was_shared(world, client_for, referrals):
    body = client_for(world.user("partner_contact")).get(_detail(referrals["to_mine"])).json()
    assert set(body) == {
        "id",
        "opportunity",
        "opportunity_title",
        "status",
        "shared",
        "steps",
        "revision",
    }
    assert str(world.person.public_id) not in str(body)
    assert world.person.nhs_number not in str(body)
    # The trust's own notes stay with the trust.
    assert all(step["note"] == "" for step in body["steps"] if step["side"] == "trust")
    assert AccessEvent.objects.filter(
        actor=world.user("partner_contact"), service_user=world.person, resource="referral"
    ).exists()


def test_a_partner_contact_reaches_no_plan_person_or_other_organisation(
    world, client_for, referrals
):
    client = client_for(world.user("partner_contact"))
    plan = reverse("careplans:plan", kwargs={"public_id": world.person.public_id})
    assert client.get(plan).status_code == 403
    assert client.get(reverse("api:plan-list")).status_code == 403
    assert client.get(reverse("api:service-user-list")).status_code == 403
    assert client.get(reverse("api:network-list")).status_code == 403
    other = other_partner(world.trust)
    assert (
        client.get(reverse("api:partner-detail", kwargs={"public_id": other.public_id})).status_code
        == 404
    )
    listed = client.get(reverse("api:partner-list")).json()
    assert [row["name"] for row in listed["results"]] == ["Fellside Volunteer Centre"]


def test_the_partner_accepts_through_the_api_and_a_stale_step_gets_409(
    world, client_for, referrals
):
    referral = referrals["to_mine"]
    client = client_for(world.user("partner_contact"))
    today = trust_today().isoformat()
    accepted = client.post(
        _steps(referral),
        {"to": "accepted", "revision": referral.revision, "happened_on": today, "note": "Yes"},
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == "accepted"
    stale = client_for(world.user("care_coordinator")).post(
        _steps(referral),
        {"to": "withdrawn", "revision": referral.revision, "happened_on": today, "note": "x"},
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["status"] == "accepted"


def test_a_skipped_step_is_refused_by_field(world, client_for, referrals):
    referral = referrals["to_mine"]
    response = client_for(world.user("partner_contact")).post(
        _steps(referral),
        {
            "to": "completed",
            "revision": referral.revision,
            "happened_on": trust_today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "to" in response.json()
    referral.refresh_from_db()
    assert referral.status == "referred"


def test_staff_list_the_referrals_of_the_people_they_work_with(world, client_for, referrals):
    body = client_for(world.user("care_coordinator")).get(reverse("api:referral-list")).json()
    assert [row["service_user"]["id"] for row in body["results"]] == [str(world.person.public_id)]
    body = client_for(world.user("team_leader")).get(reverse("api:referral-list")).json()
    assert {row["service_user"]["id"] for row in body["results"]} == {
        str(world.person.public_id),
        str(world.teammate_person.public_id),
    }


def test_the_partner_keeps_their_opportunity_up_to_date_with_its_revision(world, client_for):
    partner = home_partner(world.trust, world.user("partner_contact"))
    opportunity = partner.opportunities.get()
    url = reverse("api:opportunity-detail", kwargs={"public_id": opportunity.public_id})
    client = client_for(world.user("partner_contact"))
    changed = client.patch(url, {"places": 9, "revision": 1}, content_type="application/json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["places"] == 9
    stale = client.patch(url, {"places": 2, "revision": 1}, content_type="application/json")
    assert stale.status_code == 409
    other = other_partner(world.trust).opportunities.get()
    refused = client.patch(
        reverse("api:opportunity-detail", kwargs={"public_id": other.public_id}),
        {"places": 0, "revision": 1},
        content_type="application/json",
    )
    assert refused.status_code == 404
    # A care coordinator reads opportunities but does not keep them.
    assert (
        client_for(world.user("care_coordinator"))
        .patch(url, {"places": 1, "revision": 2}, content_type="application/json")
        .status_code
        == 403
    )


def test_the_schema_documents_every_networks_endpoint(world, client_for):
    network_of(world.trust)
    schema = (
        client_for(world.user("care_coordinator"))
        .get(reverse("api-schema") + "?format=json")
        .json()
    )
    for path in (
        "/api/networks/",
        "/api/partners/",
        "/api/opportunities/{public_id}/",
        "/api/referrals/",
        "/api/referrals/{public_id}/steps/",
    ):
        assert path in schema["paths"], path


def test_nothing_is_created_by_reads(world, client_for, referrals):
    before = Referral.objects.count()
    client_for(world.user("partner_contact")).get(reverse("api:referral-list"))
    assert Referral.objects.count() == before
