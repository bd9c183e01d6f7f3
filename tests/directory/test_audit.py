"""The audit context: who acted, through what, from where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve

from directory.audit import SYSTEM, AuditContext
from directory.services import access_record

pytestmark = pytest.mark.django_db


def _request(path: str, user, address: str = "203.0.113.9"):
    request = RequestFactory().get(path, REMOTE_ADDR=address)
    request.user = user
    request.resolver_match = resolve(path)
    return request


def test_a_page_names_the_signed_in_user_the_page_and_the_address(world):
    coordinator = world.user("care_coordinator")
    path = world.person.get_absolute_url()

    audit = AuditContext.for_request(_request(path, coordinator))
    event = access_record(audit=audit, service_user=world.person, resource="summary")

    assert (event.actor, event.via, event.path) == (coordinator, "person", path)
    assert event.client_address == "203.0.113.9"
    assert not event.by_system


def test_without_a_signed_in_user_the_context_names_nobody_until_told_who():
    audit = AuditContext.for_request(_request("/check-in/", AnonymousUser()))
    assert audit.actor is None and not audit.names_somebody
    assert audit.without_user("The person, through their link").names_somebody


def test_system_work_is_shown_as_the_system_with_the_task(world):
    event = access_record(
        audit=AuditContext.for_system("surveys.email_invitation"),
        service_user=world.person,
        resource="check-in invitation link",
    )
    assert (event.actor, event.actor_description, event.by_system) == (None, SYSTEM, True)
    assert event.who == "System (surveys.email_invitation)"
