"""The pages as their users see them: a goal's referrals on the plan, the referral form's
errors by field, steps and conflicts, the partner's page, meetings and the dashboard."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.dates import trust_today
from directory.models import AccessEvent
from networks.choices import OpportunityKind, ReferralStatus
from networks.models import NetworkMeeting, PartnerContact, Referral
from tests.careplans.factories import GoalFactory, goal_of, plan_for, version_of

from .factories import (
    OpportunityFactory,
    home_partner,
    network_of,
    other_partner,
    referral_for,
)

pytestmark = pytest.mark.django_db


def _plan_url(person):
    return reverse("careplans:plan", kwargs={"public_id": person.public_id})


def _add_url(person, opportunity):
    return reverse(
        "networks:referral_add",
        kwargs={
            "public_id": person.public_id,
            "item_id": goal_of(person).public_id,
            "opportunity_id": opportunity.public_id,
        },
    )


def test_the_goal_shows_its_referrals_to_staff_and_to_the_person(world, client_for):
    partner = home_partner(world.trust)
    referral_for(world.person, partner, ReferralStatus.ACCEPTED)
    staff_page = client_for(world.user("care_coordinator")).get(_plan_url(world.person))
    body = staff_page.content.decode()
    assert "Referrals for this goal" in body
    assert "Community garden volunteer" in body and "Accepted" in body
    assert "Find an opportunity" in body
    own = client_for(world.user("service_user")).get(_plan_url(world.person)).content.decode()
    assert "Your referrals for this goal" in own and "Community garden volunteer" in own
    assert "Find an opportunity" not in own  # the person does not refer themselves


def test_the_print_page_lists_referrals_without_links(world, client_for):
    referral_for(world.person, home_partner(world.trust))
    url = reverse("careplans:plan_print", kwargs={"public_id": world.person.public_id})
    body = client_for(world.user("care_coordinator")).get(url).content.decode()
    assert "Community garden volunteer" in body
    assert "Find an opportunity" not in body
    assert (
        reverse("networks:referral", kwargs={"public_id": Referral.objects.get().public_id})
        not in body
    )


def test_an_agreed_version_is_not_disturbed_by_referrals(world, client_for):
    version = version_of(world.person)
    snapshot = dict(version.snapshot)
    referral_for(world.person, home_partner(world.trust))
    url = reverse("careplans:version", kwargs={"public_id": world.person.public_id, "number": 1})
    body = client_for(world.user("care_coordinator")).get(url).content.decode()
    assert "Community garden volunteer" not in body
    version.refresh_from_db()
    assert version.snapshot == snapshot


def test_the_plan_page_reads_referrals_in_a_fixed_number_of_queries(world, client_for):
    partner = home_partner(world.trust)
    referral_for(world.person, partner)
    client = client_for(world.user("care_coordinator"))
    client.get(_plan_url(world.person))
    with CaptureQueriesContext(connection) as few:
        client.get(_plan_url(world.person))
    plan = plan_for(world.person)
    for _ in range(6):
        goal = GoalFactory.create(plan=plan)
        for status in (ReferralStatus.REFERRED, ReferralStatus.STARTED):
            referral = referral_for(world.teammate_person, partner, status)
            referral.goal = goal
            referral.person = world.person
            referral.save()
    with CaptureQueriesContext(connection) as many:
        client.get(_plan_url(world.person))
    # Seven goals with thirteen referrals read as one goal with one.
    assert len(many.captured_queries) == len(few.captured_queries)


def test_referring_without_choosing_shows_the_error_by_the_field_and_saves_nothing(
    world, client_for
):
    opportunity = home_partner(world.trust).opportunities.get()
    response = client_for(world.user("care_coordinator")).post(
        _add_url(world.person, opportunity), {"submission": str(uuid.uuid4())}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose whether to suggest it or refer now" in body
    assert "<title>Error: " in body
    assert not Referral.objects.exists()


def test_a_double_submitted_referral_is_made_once(world, client_for):
    opportunity = home_partner(world.trust).opportunities.get()
    client = client_for(world.user("care_coordinator"))
    data = {
        "submission": str(uuid.uuid4()),
        "action": "refer",
        "consent": "on",
        "details": ["support_needs"],
        "support_needs": "A quiet <b>start</b>",
    }
    first = client.post(_add_url(world.person, opportunity), data)
    second = client.post(_add_url(world.person, opportunity), data)
    assert first.status_code == second.status_code == 302
    assert Referral.objects.count() == 1


def test_shared_text_is_escaped_where_the_partner_reads_it(world, client_for):
    goal = goal_of(world.person)
    goal.description = "<script>alert(1)</script> Work with plants"
    goal.save()
    opportunity = home_partner(world.trust, world.user("partner_contact")).opportunities.get()
    client_for(world.user("care_coordinator")).post(
        _add_url(world.person, opportunity),
        {"submission": str(uuid.uuid4()), "action": "refer", "consent": "on"},
    )
    referral = Referral.objects.get()
    url = reverse("networks:referral", kwargs={"public_id": referral.public_id})
    body = client_for(world.user("partner_contact")).get(url).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Work with plants" in body
    assert "<script>alert(1)" not in body
    assert world.person.nhs_number not in body
    assert AccessEvent.objects.filter(
        actor=world.user("partner_contact"), via="networks:referral", resource="referral"
    ).exists()


def test_a_step_from_an_old_page_is_refused_with_a_clear_message(world, client_for):
    referral = referral_for(world.person, home_partner(world.trust, world.user("partner_contact")))
    url = reverse("networks:referral", kwargs={"public_id": referral.public_id})
    today = trust_today()
    date = {"happened_on_0": today.day, "happened_on_1": today.month, "happened_on_2": today.year}
    client = client_for(world.user("partner_contact"))
    seen = referral.revision
    assert client.post(url, {"to": "accepted", "revision": seen, **date}).status_code == 302
    coordinator = client_for(world.user("care_coordinator"))
    response = coordinator.post(url, {"to": "withdrawn", "revision": seen, "note": "x", **date})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else recorded a step" in body
    referral.refresh_from_db()
    assert referral.status == "accepted"
    # The page now quotes the revision saved, so withdrawing again (on purpose) goes through.
    assert f'value="{referral.revision}"' in body
    again = coordinator.post(
        url, {"to": "withdrawn", "revision": referral.revision, "note": "Moved away", **date}
    )
    assert again.status_code == 302
    referral.refresh_from_db()
    assert referral.status == "withdrawn"


def test_the_partner_page_lists_only_their_organisations_referrals(world, client_for):
    mine = home_partner(world.trust, world.user("partner_contact"))
    referral_for(world.person, mine)
    referral_for(world.teammate_person, other_partner(world.trust))
    referral_for(world.other_team_person, mine, ReferralStatus.SUGGESTED)
    body = (
        client_for(world.user("partner_contact"))
        .get(reverse("networks:partner_home"))
        .content.decode()
    )
    assert world.person.display_name in body
    assert world.teammate_person.family_name not in body
    assert world.other_team_person.family_name not in body
    assert "Tenancy support" not in body


def test_an_ended_contact_record_ends_the_access(world, client_for):
    home_partner(world.trust, world.user("partner_contact"))
    PartnerContact.objects.update(ended_on=trust_today())
    assert (
        client_for(world.user("partner_contact")).get(reverse("networks:partner_home")).status_code
        == 403
    )


def test_recording_a_meeting_twice_records_it_once(world, client_for):
    network = network_of(world.trust)
    url = reverse("networks:meeting_add", kwargs={"public_id": network.public_id})
    day = trust_today() - datetime.timedelta(days=3)
    data = {
        "submission": str(uuid.uuid4()),
        "held_on_0": day.day,
        "held_on_1": day.month,
        "held_on_2": day.year,
        "topic": "Spring <em>offers</em>",
        "lived_experience": 3,
        "trust_staff": 2,
        "partner_staff": 4,
        "carers": 1,
    }
    client = client_for(world.user("network_coordinator"))
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert NetworkMeeting.objects.count() == 1
    page = client.get(network.get_absolute_url()).content.decode()
    assert "Spring &lt;em&gt;offers&lt;/em&gt;" in page
    assert "30%" in page  # 3 of 10 people there had lived experience


def test_a_meeting_in_the_future_is_refused_by_its_field(world, client_for):
    network = network_of(world.trust)
    url = reverse("networks:meeting_add", kwargs={"public_id": network.public_id})
    day = trust_today() + datetime.timedelta(days=3)
    response = client_for(world.user("network_coordinator")).post(
        url,
        {
            "held_on_0": day.day,
            "held_on_1": day.month,
            "held_on_2": day.year,
            "topic": "Later",
            "lived_experience": 1,
            "trust_staff": 1,
            "partner_staff": 1,
            "carers": 0,
        },
    )
    assert response.status_code == 200
    assert "The date must be today or in the past" in response.content.decode()
    assert not NetworkMeeting.objects.exists()


def test_the_dashboard_counts_steps_by_kind_partner_and_team(world, client_for):
    partner = home_partner(world.trust)
    referral_for(world.person, partner, ReferralStatus.COMPLETED)
    referral_for(world.teammate_person, partner, ReferralStatus.STARTED)
    OpportunityFactory.create(partner=partner, kind=OpportunityKind.EDUCATION, title="Never used")
    response = client_for(world.user("qa_manager")).get(reverse("networks:dashboard"))
    context = response.context
    kinds = {row.label: row.counts for row in context["by_kind"]}
    assert kinds == {"Volunteering": (2, 2, 2, 1)}
    assert {row.label: row.counts for row in context["by_team"]} == {
        "North Fells CMHT": (2, 2, 2, 1)
    }
    assert [o.title for o in context["never_referred"]] == ["Never used"]
    # referral_for dates each step three days after the one before: referred to started is 6.
    assert context["median"] == 6 and context["median_of"] == 2
    body = response.content.decode()
    assert world.person.family_name not in body  # counts, never a person


def test_the_dashboard_leaves_out_other_trusts(world, client_for):
    partner = home_partner(world.trust, other=world.other_trust)
    referral_for(world.foreign_person, partner, ReferralStatus.COMPLETED)
    response = client_for(world.user("network_coordinator")).get(reverse("networks:dashboard"))
    assert response.context["by_kind"] == []
    assert response.context["median"] is None


def test_the_partner_keeps_an_opportunity_up_to_date_on_its_page(world, client_for):
    contact = world.user("partner_contact")
    opportunity = home_partner(world.trust, contact).opportunities.get()
    url = reverse("networks:opportunity_edit", kwargs={"public_id": opportunity.public_id})
    data = {
        "revision": 1,
        "title": "Community garden volunteer",
        "kind": "volunteering",
        "description": "Now three mornings a week.",
        "places": 8,
        "is_active": "on",
    }
    client = client_for(contact)
    assert client.post(url, data).status_code == 302
    opportunity.refresh_from_db()
    assert (opportunity.places, opportunity.revision) == (8, 2)
    stale = client.post(url, {**data, "places": 1})
    assert stale.status_code == 200
    assert "changed by someone else" in stale.content.decode()
    bad = client.post(url, {**data, "revision": 2, "starts_on_0": "31", "starts_on_1": "2"})
    assert "Starts must include a year" in bad.content.decode()
    opportunity.refresh_from_db()
    assert opportunity.places == 8
