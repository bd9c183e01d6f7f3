"""Before an idle session ends, the page warns and offers to stay signed in; the sign-in page
after a timeout says why. (The browser side is in tests/e2e/test_session_timeout.py.)"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

START = (timezone.now() + datetime.timedelta(days=1)).replace(
    hour=9, minute=0, second=0, microsecond=0
)


def _later(seconds: float) -> time_machine.travel:
    return time_machine.travel(START + datetime.timedelta(seconds=seconds), tick=False)


@pytest.fixture
def signed_in(client, world):
    with _later(0):
        client.force_login(world.user("care_coordinator"))
    return client


def _seconds_left(body: str) -> int:
    found = re.search(r'data-seconds-left="(\d+)"', body)
    assert found, "the page carries the timeout warning"
    return int(found.group(1))


def test_the_page_counts_down_from_what_is_left_of_the_session(signed_in):
    with _later(30):
        body = signed_in.get(reverse("caseload")).content.decode()

    assert _seconds_left(body) == 30 * 60 - 30
    assert 'data-warning-seconds="120"' in body
    assert "Stay signed in" in body


def test_a_page_that_pushes_the_expiry_on_counts_down_from_the_full_time(signed_in):
    with _later(5 * 60):
        body = signed_in.get(reverse("caseload")).content.decode()

    assert _seconds_left(body) == 30 * 60


def test_stay_signed_in_pushes_the_end_on_by_the_full_idle_time(signed_in):
    with _later(28 * 60 + 10):  # in the warning's two minutes
        reply = signed_in.post(reverse("session_renew"))
        expiry = Session.objects.get(session_key=signed_in.session.session_key).expire_date

    assert reply.status_code == 200
    assert reply.json() == {"signed_in": True, "seconds_left": 30 * 60}
    assert expiry == START + datetime.timedelta(seconds=28 * 60 + 10 + 30 * 60)


def test_after_the_session_ended_stay_signed_in_says_so(signed_in):
    with _later(30 * 60 + 1):
        reply = signed_in.post(reverse("session_renew"))

    assert reply.status_code == 401
    assert reply.json() == {"signed_in": False}


def test_renewing_is_a_post_only(signed_in):
    with _later(10):
        assert signed_in.get(reverse("session_renew")).status_code == 405


def test_the_sign_in_page_after_a_timeout_says_why(client):
    body = client.get(f"{reverse('login')}?timed_out=1&next=/caseload/").content.decode()

    assert "You were signed out because nothing was done for 30 minutes." in body
    assert "data-typed-kept-note hidden" in body  # shown by the script when text was kept


def test_the_sign_in_page_otherwise_says_nothing_of_timeouts(client):
    body = client.get(reverse("login")).content.decode()

    assert "You were signed out because" not in body
    assert 'id="app-timeout"' not in body  # no warning for someone not signed in
