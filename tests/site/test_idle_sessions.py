"""Idle sessions end after 30 minutes, while a busy session's row is written at most once a
minute (not on every page)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

# Tomorrow morning: after the roles the world grants from today, and away from midnight.
START = (timezone.now() + datetime.timedelta(days=1)).replace(
    hour=9, minute=0, second=0, microsecond=0
)


def _later(seconds: float) -> time_machine.travel:
    return time_machine.travel(START + datetime.timedelta(seconds=seconds), tick=False)


def _stored_expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
    ]


@pytest.fixture
def signed_in(client, world):
    with _later(0):
        client.force_login(world.user("care_coordinator"))
    return client


def test_the_idle_limit_is_thirty_minutes():
    assert settings.SESSION_COOKIE_AGE == 30 * 60


def test_a_page_ten_seconds_later_writes_nothing_to_the_session(signed_in):
    before = _stored_expiry(signed_in)

    with _later(10), CaptureQueriesContext(connection) as queries:
        response = signed_in.get(reverse("caseload"))

    assert response.status_code == 200
    assert _session_writes(queries) == []
    assert _stored_expiry(signed_in) == before


def test_a_page_sixty_one_seconds_later_pushes_the_expiry_on(signed_in):
    with _later(61):
        response = signed_in.get(reverse("caseload"))

    assert response.status_code == 200
    assert _stored_expiry(signed_in) == START + datetime.timedelta(seconds=61 + 30 * 60)


def test_thirty_one_minutes_idle_signs_you_out(signed_in):
    with _later(31 * 60):
        response = signed_in.get(reverse("caseload"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_idle_session_never_outlives_thirty_minutes_after_its_last_page(signed_in):
    # Pages at 50 s (not written: the expiry is fresh) and then nothing: signed out by 30 minutes
    # after that last page, so the idle limit is never exceeded.
    with _later(50):
        assert signed_in.get(reverse("caseload")).status_code == 200

    with _later(50 + 30 * 60):
        response = signed_in.get(reverse("caseload"))

    assert response.status_code == 302


def test_someone_at_work_stays_signed_in_well_past_thirty_minutes(signed_in):
    # A page every 50 seconds for 45 minutes: the expiry moves on every other page or so.
    for step in range(1, 55):
        with _later(step * 50):
            response = signed_in.get(reverse("caseload"))
        assert response.status_code == 200, f"signed out after {step * 50} s"
    assert timezone.is_aware(_stored_expiry(signed_in))
