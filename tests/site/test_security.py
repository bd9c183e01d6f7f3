"""Signing in and out, throttling, idle sessions, security headers, health."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_sign_in_with_the_form_lands_on_authenticator_set_up(world, client):
    user = world.user("team_leader")
    user.set_password("a-good-long-password")
    user.save()

    response = client.post(
        reverse("login"),
        {"username": "teamleader", "password": "a-good-long-password"},
        follow=True,
    )

    # Staff who sign in with a password set up a second factor first (test_two_factor.py).
    assert response.redirect_chain[-1][0] == reverse("two_factor_setup")
    assert "Set up your authenticator app" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_username_out(world, client):
    user = world.user("team_leader")
    user.set_password("a-good-long-password")
    user.save()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "teamleader", "password": "guess"})

    response = client.post(
        reverse("login"), {"username": "teamleader", "password": "a-good-long-password"}
    )

    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sessions_end_after_inactivity_and_requests_extend_them():
    # The behaviour itself is tested in test_idle_sessions.py.
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert "recovery_site.sessions.IdleSessionMiddleware" in settings.MIDDLEWARE


def test_web_connections_run_without_jit(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_sign_out_is_a_post_and_a_get_does_nothing(world, client_for):
    client = client_for(world.user("care_coordinator"))

    assert client.get(reverse("logout")).status_code == 405
    assert "_auth_user_id" in client.session
    client.post(reverse("logout"))
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_working_link(world, client):
    user = world.user("hr")
    user.email = "hr.person@example.nhs.uk"
    user.save()

    client.post(reverse("password_reset"), {"email": "hr.person@example.nhs.uk"})

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your recovery-care password"
    found = re.search(r"http://testserver(/account/password-reset/\S+/)", str(mail.outbox[0].body))
    assert found, mail.outbox[0].body
    link = found.group(1)
    form_page = client.get(link, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Harbour-Lantern-2026", "new_password2": "Harbour-Lantern-2026"},
        follow=True,
    )
    assert "Your password has been changed" in done.content.decode()
    user.refresh_from_db()
    assert user.check_password("Harbour-Lantern-2026")


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db):
    response = client.post(
        reverse("password_reset"), {"email": "nobody@example.nhs.uk"}, follow=True
    )

    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_pages_carry_a_content_security_policy_with_a_nonce(client, db):
    response = client.get(reverse("login"))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "unsafe-inline" not in policy
    found = re.search(r"'nonce-([^']+)'", policy)
    assert found
    nonce = found.group(1)
    assert f'nonce="{nonce}"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_health_reports_the_database(client, db):
    response = client.get(reverse("health"))

    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_the_demo_sign_in_page_does_not_exist_outside_the_embedded_default(client, db):
    assert client.get("/demo/sign-in-as/").status_code == 404


def test_health_reuses_one_broker_connection(client, db, settings, monkeypatch):
    # Given a broker in use, when the health check is asked twice, then the second call reuses
    # the pooled connection rather than opening another one.
    import redis

    settings.CELERY_TASK_ALWAYS_EAGER = False
    opened: list[object] = []
    original = redis.connection.Connection._connect  # opens the socket

    def counting_connect(self):
        opened.append(self)
        return original(self)

    monkeypatch.setattr(redis.connection.Connection, "_connect", counting_connect)
    # (The pool is kombu's, shared by every user of this broker address: it stays open.)
    first = client.get(reverse("health"))
    second = client.get(reverse("health"))

    assert first.json()["broker"] == "ok"
    assert second.json()["broker"] == "ok"
    assert len(opened) <= 1
