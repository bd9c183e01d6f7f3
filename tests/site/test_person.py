"""A person's page gathers the directory's summary, their plan and their check-ins."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from common.dates import trust_today
from tests.careplans.factories import plan_for
from tests.surveys.factories import sent_response

pytestmark = pytest.mark.django_db


def test_the_coordinator_is_offered_to_start_a_plan_and_sees_check_ins(world, client_for):
    body = (
        client_for(world.user("care_coordinator"))
        .get(world.person.get_absolute_url())
        .content.decode()
    )

    assert "There is no recovery plan yet." in body
    assert reverse("careplans:plan_start", args=[world.person.public_id]) in body
    assert reverse("surveys:journey", args=[world.person.public_id]) in body


def test_the_person_reads_their_own_plan_from_their_page(world, client_for):
    plan_for(world.person)

    body = (
        client_for(world.user("service_user")).get(world.person.get_absolute_url()).content.decode()
    )

    assert "Read your recovery plan" in body
    assert reverse("careplans:plan", args=[world.person.public_id]) in body
    assert "Do your check-in" in body


def test_a_peer_worker_may_open_the_plan_but_not_start_one(world, client_for):
    body = (
        client_for(world.user("assigned_peer_support_worker"))
        .get(world.person.get_absolute_url())
        .content.decode()
    )

    assert "There is no recovery plan yet." in body
    assert reverse("careplans:plan_start", args=[world.person.public_id]) not in body


def test_an_administrator_sees_the_directory_record_without_clinical_sections(world, client_for):
    plan_for(world.person)

    body = (
        client_for(world.user("administrator"))
        .get(world.person.get_absolute_url())
        .content.decode()
    )

    assert "Oakenshaw" in body
    assert "Recovery plan" not in body
    assert "Check-ins" not in body


def test_the_plan_page_shows_the_check_in_journey_at_a_glance(
    world, client_for, django_assert_max_num_queries
):
    plan_for(world.person)
    sent_response(
        world.person, on=datetime.date(2026, 1, 10), hope="2", control="3", opportunity="2.5"
    )
    sent_response(
        world.person, on=datetime.date(2026, 4, 12), hope="3.5", control="3", opportunity=None
    )
    client = client_for(world.user("care_coordinator"))

    with django_assert_max_num_queries(25):
        body = client.get(reverse("careplans:plan", args=[world.person.public_id])).content.decode()

    assert "latest hope, control and opportunity check-in was on 12 April 2026 (2 in all)" in body
    assert "Much higher than in January 2026 (the first check-in)." in body  # hope 2 -> 3.5
    assert "About the same as in January 2026 (the first check-in)." in body  # control 3 -> 3
    assert "Not enough answers to score" in body
    assert reverse("surveys:journey", args=[world.person.public_id]) in body


def test_the_plan_page_says_when_there_are_no_check_ins_yet(world, client_for):
    plan_for(world.person)

    body = (
        client_for(world.user("service_user"))
        .get(reverse("careplans:plan", args=[world.person.public_id]))
        .content.decode()
    )

    assert "You have not done a check-in yet." in body


def test_a_persons_own_page_leads_with_what_is_due_not_their_nhs_number(world, client_for):
    plan = plan_for(world.person)  # a draft, not yet shared: nothing for them to agree yet
    client = client_for(world.user("service_user"))
    assert "agree it" not in client.get(world.person.get_absolute_url()).content.decode()
    plan.shared_revision, plan.shared_at = plan.revision, timezone.now()  # shared with them
    plan.save(update_fields=["shared_revision", "shared_at"])

    body = client.get(world.person.get_absolute_url()).content.decode()

    next_for_you = body.index("What is next for you")
    assert next_for_you < body.index("NHS number")
    assert (
        next_for_you < body.index("Read your recovery plan and agree it") < body.index("NHS number")
    )
    assert next_for_you < body.index("Do your check-in") < body.index("NHS number")


def test_after_sending_a_check_in_the_person_is_not_pushed_to_do_another(world, client_for):
    sent = trust_today() - datetime.timedelta(days=2)
    sent_response(world.person, on=sent)
    client = client_for(world.user("service_user"))

    home = client.get(world.person.get_absolute_url()).content.decode()
    journey = client.get(reverse("surveys:journey", args=[world.person.public_id])).content.decode()

    for body in (home, journey):
        assert "Do your check-in" not in body
        assert f"You sent your last check-in on {sent:%-d %B %Y}." in body
    assert "Nothing needs doing right now." in home
