"""Sign-in throttling behind the proxy: the client's address comes from the trusted hops only, a
lockout is per account and address, and a higher per-account ceiling slows guessing spread over
many addresses for a short while."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse

from common.http import client_address
from directory.audit import AuditContext

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-long-password"


def _sign_in(client, password, address, forwarded=""):
    meta = {"REMOTE_ADDR": address}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": "teamleader", "password": password}, **meta)


@pytest.fixture
def leader(world):
    user = world.user("team_leader")
    user.set_password(PASSWORD)
    user.save()
    return user


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_address(request) == "10.0.0.1"


def test_with_one_trusted_proxy_the_address_it_saw_is_the_client(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the address it really saw.
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4"
    )

    assert client_address(request) == "1.2.3.4"
    assert AuditContext.for_request(request).client_address == "1.2.3.4"


def test_a_lockout_is_per_account_and_address(settings, leader, client):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "guess", "10.0.0.1", forwarded="6.6.6.6")

    # Forging another address in front of the proxy does not escape the lockout...
    assert _sign_in(client, PASSWORD, "10.0.0.1", forwarded="1.1.1.1, 6.6.6.6").status_code == 429
    # ...and the clinician at another address is not locked out by it.
    response = _sign_in(client, PASSWORD, "10.0.0.1", forwarded="7.7.7.7")
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_guesses_spread_over_many_addresses_reach_a_per_account_ceiling(settings, leader, client):
    settings.TRUSTED_PROXY_COUNT = 0
    per_address = settings.AXES_FAILURE_LIMIT - 1
    addresses = settings.AXES_ACCOUNT_FAILURE_CEILING // per_address + 1
    for n in range(addresses):
        for _ in range(per_address):
            _sign_in(client, "guess", f"10.0.1.{n}")

    response = _sign_in(client, PASSWORD, "10.0.2.1")

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_per_account_ceiling_lifts_after_a_short_cool_off(settings, leader, client):
    settings.TRUSTED_PROXY_COUNT = 0
    per_address = settings.AXES_FAILURE_LIMIT - 1
    for n in range(settings.AXES_ACCOUNT_FAILURE_CEILING // per_address + 1):
        for _ in range(per_address):
            _sign_in(client, "guess", f"10.0.1.{n}")

    # The ceiling's cool-off passes (the attempts are made that much older).
    AccessAttempt.objects.update(
        attempt_time=F("attempt_time") - settings.AXES_ACCOUNT_COOLOFF_TIME - timedelta(seconds=1)
    )
    response = _sign_in(client, PASSWORD, "10.0.2.1")

    assert response.status_code == 302
    assert settings.AXES_ACCOUNT_COOLOFF_TIME < settings.AXES_COOLOFF_TIME


def test_the_proxy_ssl_header_is_trusted_only_behind_a_proxy():
    from pathlib import Path

    production = (Path(settings.BASE_DIR) / "recovery_site/settings/production.py").read_text()
    compose = (Path(settings.BASE_DIR) / "docker-compose.yml").read_text()

    assert "if TRUSTED_PROXY_COUNT" in production
    assert '"127.0.0.1:8000:8000"' in compose
