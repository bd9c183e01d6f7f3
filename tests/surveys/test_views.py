"""Answering through the pages: a few statements a page, save and come back, check, send once."""

from __future__ import annotations

import datetime

from django.db.models import F
from django.urls import reverse

from common.dates import trust_today
from directory.models import AccessEvent
from surveys import selectors, services
from surveys.choices import Channel, ResponseStatus
from surveys.models import Invitation, Response
from tests.audit import audit_as, audit_trail
from tests.factories import ServiceUserFactory

from .factories import sent_response


def _start(client) -> Response:
    reply = client.post(reverse("surveys:start"))
    response = Response.objects.get(channel=Channel.SIGNED_IN, status=ResponseStatus.DRAFT)
    assert reply.url == reverse("surveys:fill", kwargs={"public_id": response.public_id, "page": 1})
    return response


def test_signed_in_person_answers_page_by_page_checks_and_sends_once(world, client_for):
    client = client_for(world.user("service_user"))
    response = _start(client)

    def fill(page):
        return reverse("surveys:fill", kwargs={"public_id": response.public_id, "page": page})

    page_one = client.get(fill(1))
    assert "Page 1 of 6" in page_one.content.decode()  # 16 statements, 3 a page
    assert 'id="id_item_1_0"' in page_one.content.decode()
    assert client.post(fill(1), {"item_1": "5", "item_2": "4"}).url == fill(2)  # 3 skipped
    client.post(fill(2), {"item_4": "2", "item_5": "1", "item_6": "2"})
    client.post(fill(3), {"item_9": "3"})
    client.post(fill(4), {})
    client.post(fill(5), {"item_14": "4"})
    last = client.post(fill(6), {})
    check = reverse("surveys:check", kwargs={"public_id": response.public_id})
    assert last.url == check

    page = client.get(check).content.decode()
    assert "You answered 7 of 16 statements" in page
    assert "Skipped" in page
    assert f"{fill(1)}?return_to=check#item_3" in page
    # Changing an answer from the check page comes back to it.
    assert (
        client.post(f"{fill(1)}?return_to=check", {"item_1": "5", "item_2": "4", "item_3": "4"}).url
        == check
    )

    send = reverse("surveys:submit", kwargs={"public_id": response.public_id})
    key = str(response.idempotency_key)
    done = reverse("surveys:done", kwargs={"public_id": response.public_id})
    assert client.post(send, {"idempotency_key": key}).url == done
    assert client.post(send, {"idempotency_key": key}).url == done  # a double click
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1
    sent = Response.objects.get(pk=response.pk)
    assert sent.scores.filter(domain="hope", sent=True).exists()
    assert "What happens next" in client.get(done).content.decode()
    # The back button to a question page of a sent check-in lands on the confirmation.
    assert client.get(fill(4)).url == done
    assert client.get(check).url == done


def test_save_and_come_back_keeps_answers_in_the_database(world, client_for):
    client = client_for(world.user("service_user"))
    response = _start(client)
    fill = reverse("surveys:fill", kwargs={"public_id": response.public_id, "page": 1})
    reply = client.post(fill, {"item_1": "3", "action": "save"})
    assert reply.url == reverse("surveys:saved", kwargs={"public_id": response.public_id})

    client = client_for(world.user("service_user"))  # a new session, later
    assert client.post(reverse("surveys:start")).url == fill  # resumes the same draft
    assert 'value="3" checked' in client.get(fill).content.decode()
    assert "Carry on with your check-in" in client.get(reverse("surveys:start")).content.decode()


def test_a_value_off_the_scale_is_refused_next_to_the_statement(world, client_for):
    client = client_for(world.user("service_user"))
    response = _start(client)
    fill = reverse("surveys:fill", kwargs={"public_id": response.public_id, "page": 1})
    reply = client.post(fill, {"item_1": "9", "item_2": "4"})
    page = reply.content.decode()
    assert reply.status_code == 200
    assert 'href="#id_item_1_0"' in page
    assert "Choose one of the answers for statement 1, or leave it blank" in page
    assert not response.answers.exists(), "nothing half-saved"


def test_a_submit_without_the_right_key_sends_nothing(world, client_for):
    client = client_for(world.user("service_user"))
    response = _start(client)
    send = reverse("surveys:submit", kwargs={"public_id": response.public_id})
    reply = client.post(send, {"idempotency_key": "not-the-key"})
    assert reply.url == reverse("surveys:check", kwargs={"public_id": response.public_id})
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.DRAFT


def test_invitation_link_works_once_without_an_account(world, client):
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    token = services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    link = reverse("surveys:invitation", kwargs={"token": token})

    landing = client.get(link)
    assert landing.status_code == 200
    body = landing.content.decode()
    for personal in (world.person.given_name, world.person.family_name, world.person.nhs_number):
        assert personal not in body
    started = client.post(link)
    response = Response.objects.get(invitation=invitation)
    assert response.channel == Channel.INVITATION and response.team == world.team
    assert started.url == reverse(
        "surveys:fill", kwargs={"public_id": response.public_id, "page": 1}
    )
    assert client.post(link).url == started.url, "opening it again resumes, not doubles"
    assert client.get(started.url).status_code == 200

    client.post(
        reverse("surveys:submit", kwargs={"public_id": response.public_id}),
        {"idempotency_key": str(response.idempotency_key)},
    )
    assert Invitation.objects.get(pk=invitation.pk).used_at is not None
    used = client.get(link)
    assert used.status_code == 410
    assert "already been sent" in used.content.decode()

    # Another browser without the link's session cannot open the answers.
    other = client.__class__()
    assert other.get(started.url).status_code == 302


def test_an_expired_invitation_link_says_so(world, client):
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    token = services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=invitation.created_at - datetime.timedelta(seconds=1)
    )
    reply = client.get(reverse("surveys:invitation", kwargs={"token": token}))
    assert reply.status_code == 410
    assert "expired" in reply.content.decode()
    assert client.post(reverse("surveys:invitation", kwargs={"token": token})).status_code == 410
    assert not Response.objects.exists()


def test_a_replaced_link_stops_working(world, client):
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    old = services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    assert client.get(reverse("surveys:invitation", kwargs={"token": old})).status_code == 404


def test_opening_the_staff_entry_and_invite_pages_is_audited(world, client_for):
    coordinator = world.user("care_coordinator")
    client = client_for(coordinator)
    for name in ("staff_entry", "invite"):
        page = client.get(reverse(f"surveys:{name}", kwargs={"public_id": world.person.public_id}))
        assert page.status_code == 200
        assert world.person.display_name in page.content.decode()
    assert audit_trail(world.person) == [
        ("read", coordinator.pk, "check-in staff entry", "surveys:staff_entry"),
        ("read", coordinator.pk, "check-in status", "surveys:invite"),
    ]


def test_journey_shows_scores_in_a_chart_a_table_and_words(world, client_for):
    sent_response(
        world.person, on=datetime.date(2025, 3, 1), hope="2", control="3", opportunity="2.5"
    )
    sent_response(
        world.person, on=datetime.date(2025, 9, 1), hope="3", control="3", opportunity=None
    )
    sent_response(
        world.person, on=datetime.date(2026, 3, 1), hope="3.75", control="2.5", opportunity="4"
    )
    client = client_for(world.user("service_user"))
    page = client.get(reverse("surveys:journey", kwargs={"public_id": world.person.public_id}))
    body = page.content.decode()
    assert body.count('<svg class="app-chart__svg') == 3
    assert "style=" not in body.split("<main")[1]
    # Changes in words, measured against the 1 to 5 scale; the numbers are in the table.
    assert "Much higher than in March 2025 (the first check-in)." in body  # hope, +1.75
    assert "Higher than in September 2025 (the check-in before)." in body  # hope, +0.75
    assert "A little lower than in March 2025 (the first check-in)." in body  # control, -0.5
    assert "3.75</td>" in body
    assert 'aria-hidden="true">Hope </span>3.75</td>' in body
    assert AccessEvent.objects.filter(
        resource="check-in journey", service_user=world.person
    ).exists()


def test_journey_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    for n in range(40):
        sent_response(world.person, on=datetime.date(2024, 1, 1) + datetime.timedelta(days=15 * n))
    client = client_for(world.user("care_coordinator"))
    url = reverse("surveys:journey", kwargs={"public_id": world.person.public_id})
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200


def test_caseload_shows_check_in_status_in_bounded_queries(
    world, client_for, django_assert_max_num_queries
):
    coordinator = world.user("care_coordinator")
    today = trust_today()
    for n in range(24):
        person = ServiceUserFactory.create(team=world.team, care_coordinator=coordinator)
        sent_response(person, on=today - datetime.timedelta(days=30 * (n % 6)))
    sent_response(world.person, on=today - datetime.timedelta(days=200))
    client = client_for(coordinator)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("caseload")).content.decode()
    assert "Overdue since" in page
    assert "Next due" in page


def test_coordinator_invites_the_caseload_who_are_due(
    world, client_for, django_capture_on_commit_callbacks
):
    coordinator = world.user("care_coordinator")
    login = world.user("service_user")
    login.email = "samira@example.org"
    login.save()
    recent = ServiceUserFactory.create(team=world.team, care_coordinator=coordinator)
    sent_response(recent, on=trust_today())
    client = client_for(coordinator)
    url = reverse("surveys:invite_caseload")
    assert "1 person on your caseload is due" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"people": [str(world.person.public_id)]})
    assert list(Invitation.objects.values_list("service_user", flat=True)) == [world.person.pk]
    from django.core import mail

    assert mail.outbox[0].to == ["samira@example.org"]


def test_invite_one_person_shows_the_link_once(world, client_for):
    client = client_for(world.user("care_coordinator"))
    reply = client.post(
        reverse("surveys:invite", kwargs={"public_id": world.person.public_id}), {"how": "show"}
    )
    shown = client.get(reply.url).content.decode()
    assert "/check-in/link/" in shown
    assert "/check-in/link/" not in client.get(reply.url).content.decode()


def test_team_leader_sets_the_cycle(world, client_for):
    client = client_for(world.user("team_leader"))
    url = reverse("surveys:team_settings", kwargs={"public_id": world.team.public_id})
    bad = client.post(
        url, {"cycle_months": "6", "link_valid_days": "10", "reminder_after_days": "12"}
    )
    assert "Send the reminder before the link stops working" in bad.content.decode()
    client.post(
        url,
        {
            "instrument_key": selectors.BUILT_IN_KEY,
            "cycle_months": "6",
            "link_valid_days": "21",
            "reminder_after_days": "7",
        },
    )
    assert selectors.team_settings_for(world.team).cycle_months == 6


def test_the_team_settings_page_is_never_stored(world, client_for):
    client = client_for(world.user("team_leader"))
    url = reverse("surveys:team_settings", kwargs={"public_id": world.team.public_id})

    assert "no-store" in client.get(url)["Cache-Control"]


def test_after_a_link_check_in_only_its_own_result_shows_for_half_an_hour(world, client):
    earlier = sent_response(world.person, on=trust_today() - datetime.timedelta(days=90))
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    link = reverse(
        "surveys:invitation",
        kwargs={
            "token": services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
        },
    )
    client.post(link)
    response = Response.objects.get(invitation=invitation)
    for page in range(1, 7):  # 16 statements, 3 a page, all answered "4"
        numbers = range(page * 3 - 2, min(page * 3, 16) + 1)
        client.post(
            reverse("surveys:fill", kwargs={"public_id": response.public_id, "page": page}),
            {f"item_{n}": "4" for n in numbers},
        )
    client.post(
        reverse("surveys:submit", kwargs={"public_id": response.public_id}),
        {"idempotency_key": str(response.idempotency_key)},
    )
    done = reverse("surveys:done", kwargs={"public_id": response.public_id})

    straight_after = client.get(done).content.decode()
    Response.objects.filter(pk=response.pk).update(
        submitted_at=F("submitted_at") - datetime.timedelta(minutes=31)
    )
    later = client.get(done).content.decode()

    assert "Your scores from this check-in" in straight_after
    assert "How your answers have changed" not in straight_after
    assert f"{earlier.completed_on:%-d %b %Y}" not in straight_after
    assert world.person.family_name not in straight_after
    assert "Your scores from this check-in" not in later
    assert "Check-in sent" in later
