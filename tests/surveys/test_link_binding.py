"""A one-time link is one person's from the first time it is started: a second browser is told
it is in use and never sees or changes the answers; expiry holds at send; the audit tells the
two browsers apart."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directory.models import AccessEvent
from surveys import services
from surveys.choices import ResponseStatus
from surveys.models import Answer, Invitation, Response
from tests.audit import audit_as

pytestmark = pytest.mark.django_db


def _invite(world) -> tuple[Invitation, str]:
    coordinator = world.user("care_coordinator")
    invitation = services.invitation_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )
    token = services.invitation_issue_link(invitation=invitation, audit=audit_as(coordinator))
    return invitation, reverse("surveys:invitation", kwargs={"token": token})


def _fill(response: Response, page: int = 1) -> str:
    return reverse("surveys:fill", kwargs={"public_id": response.public_id, "page": page})


def _started(world) -> tuple[Invitation, str, Client, Response]:
    """A link started in one browser, with two answers given."""
    invitation, link = _invite(world)
    first = Client()
    first.post(link)
    response = Response.objects.get(invitation=invitation)
    first.post(_fill(response), {"item_1": "5", "item_2": "1"})
    return invitation, link, first, response


def test_a_second_browser_is_told_the_link_is_in_use_and_sees_nothing(world):
    _, link, first, response = _started(world)
    second = Client()

    opened = second.get(link)
    started = second.post(link)
    answers_page = second.get(_fill(response))
    overwrite = second.post(_fill(response), {"item_1": "1", "item_2": "5"})
    send = second.post(
        reverse("surveys:submit", kwargs={"public_id": response.public_id}),
        {"idempotency_key": str(response.idempotency_key)},
    )

    for reply in (opened, started):
        assert reply.status_code == 409
        body = reply.content.decode()
        assert "This link is in use" in body and "ask your care team for a new link" in body
        assert "Strongly agree" not in body and "Start now" not in body
    for reply in (answers_page, overwrite, send):
        assert reply.status_code == 302 and "/sign-in/" in reply["Location"]
    assert dict(Answer.objects.filter(response=response).values_list("item__number", "value")) == {
        1: 5,
        2: 1,
        3: None,
    }
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.DRAFT
    assert Response.objects.count() == 1
    # The browser that started it carries on.
    assert first.get(link).status_code == 200
    assert first.get(_fill(response)).status_code == 200


def test_the_link_is_not_taken_by_merely_opening_it(world):
    # Mail systems open links to scan them: only starting the check-in binds the link.
    _, link = _invite(world)
    assert Client().get(link).status_code == 200
    person = Client()
    assert person.post(link).status_code == 302
    assert Client().get(link).status_code == 409


def test_a_new_link_starts_afresh_in_a_new_browser_and_the_old_one_lets_go(world):
    invitation, _, first, response = _started(world)
    token = services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    new_link = reverse("surveys:invitation", kwargs={"token": token})
    second = Client()

    assert second.post(new_link)["Location"] == _fill(response)
    page = second.get(_fill(response)).content.decode()

    assert not Answer.objects.filter(response=response).exists()
    assert 'value="5" checked' not in page and "checked" not in page
    assert first.get(_fill(response)).status_code == 302  # the old browser is out


def test_the_audit_tells_the_two_browsers_apart(world):
    invitation, _, _, response = _started(world)
    by_link = AccessEvent.objects.filter(service_user=world.person, actor__isnull=True)
    first_done = by_link.order_by("pk").values_list("pk", flat=True).last() or 0
    token = services.invitation_issue_link(
        invitation=invitation, audit=audit_as(world.user("care_coordinator"))
    )
    second = Client()
    second.post(reverse("surveys:invitation", kwargs={"token": token}))
    second.get(_fill(response))

    first_browser = set(
        by_link.filter(pk__lte=first_done).values_list("actor_description", flat=True)
    )
    second_browser = set(
        by_link.filter(pk__gt=first_done).values_list("actor_description", flat=True)
    )

    assert len(first_browser) == 1 and len(second_browser) == 1
    assert first_browser != second_browser
    for described in first_browser | second_browser:
        assert described.startswith(services.INVITATION_ACTOR + ", browser ")


def test_expiry_is_checked_again_when_the_check_in_is_sent(world):
    invitation, _, first, response = _started(world)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    reply = first.post(
        reverse("surveys:submit", kwargs={"public_id": response.public_id}),
        {"idempotency_key": str(response.idempotency_key)},
        follow=True,
    )

    assert reply.status_code == 410
    assert "This link has expired" in reply.content.decode()
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.DRAFT
    assert Invitation.objects.get(pk=invitation.pk).used_at is None
    with pytest.raises(ValidationError, match="expired before the check-in was sent"):
        services.response_submit(idempotency_key=response.idempotency_key, audit=audit_as(None))


def _pages_of(response: Response) -> dict[str, str]:
    public_id = response.public_id
    return {
        "question page": _fill(response),
        "saved page": reverse("surveys:saved", kwargs={"public_id": public_id}),
        "check answers": reverse("surveys:check", kwargs={"public_id": public_id}),
    }


def test_every_page_of_an_expired_link_says_it_has_expired_from_the_exact_moment(world):
    invitation, link, first, response = _started(world)
    # Ten minutes from now: within the browser session's idle time, so only the link expires.
    expires_at = timezone.now() + datetime.timedelta(minutes=10)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=expires_at)
    submit = reverse("surveys:submit", kwargs={"public_id": response.public_id})

    with time_machine.travel(expires_at - datetime.timedelta(microseconds=1), tick=False):
        for name, url in _pages_of(response).items():
            assert first.get(url).status_code == 200, name

    with time_machine.travel(expires_at, tick=False):
        replies = {name: first.get(url) for name, url in _pages_of(response).items()}
        replies["answering"] = first.post(_fill(response), {"item_1": "1", "item_2": "5"})
        replies["sending"] = first.post(submit, {"idempotency_key": str(response.idempotency_key)})
        replies["the link itself"] = first.get(link)

    for name, reply in replies.items():
        body = reply.content.decode()
        assert reply.status_code == 410, name
        assert "This link has expired" in body, name
        assert "ask your care team for a new link" in body, name
        assert "Strongly agree" not in body, name
    assert dict(Answer.objects.filter(response=response).values_list("item__number", "value")) == {
        1: 5,
        2: 1,
        3: None,
    }
    assert Response.objects.get(pk=response.pk).status == ResponseStatus.DRAFT


def test_two_browsers_starting_at_once_cannot_both_hold_the_link(world):
    invitation, _ = _invite(world)
    services.invitation_start(invitation=invitation, browser_key="a" * 43, audit=audit_as(None))
    with pytest.raises(ValidationError, match="in use in another browser"):
        services.invitation_start(invitation=invitation, browser_key="b" * 43, audit=audit_as(None))
    assert Response.objects.filter(invitation=invitation).count() == 1
