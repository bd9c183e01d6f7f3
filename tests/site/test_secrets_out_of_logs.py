"""Secrets stay out of logs: access logs drop query strings and one-time tokens, production
insists on a real site address and mail server, and API tokens expire."""

import os
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from gunicorn.config import Config
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from recovery_site.access_log import RedactingLogger

TOKEN = "Zk3p9QxY2mVb7Lr0TsWn4uHc"


def _access_line(path: str, query: str = "", referer: str = "-") -> str:
    logger = RedactingLogger(Config())
    raw = f"{path}?{query}" if query else path
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": raw,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
    }
    response = SimpleNamespace(status="200 OK", headers=[], sent=10)
    request = SimpleNamespace(headers=[("REFERER", referer)])
    atoms = logger.atoms(response, request, environ, timedelta(seconds=0))
    return logger.cfg.access_log_format % atoms + " " + " ".join(str(v) for v in atoms.values())


def test_the_access_log_drops_check_in_link_tokens():
    line = _access_line(f"/check-in/link/{TOKEN}/", referer=f"https://x/check-in/link/{TOKEN}/")

    assert TOKEN not in line
    assert "/check-in/link/…/" in line


def test_the_access_log_drops_password_reset_tokens_and_query_strings():
    reset = _access_line(f"/account/password-reset/MQ/{TOKEN}/")
    query = _access_line("/caseload/", query=f"next={TOKEN}")

    assert TOKEN not in reset
    assert TOKEN not in query
    assert "/caseload/" in query


def test_every_gunicorn_command_uses_the_redacting_access_log():
    conf = (settings.BASE_DIR / "gunicorn.conf.py").read_text()

    assert "recovery_site.access_log.RedactingLogger" in conf


def _production_starts(**overrides: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "recovery_site.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "example.nhs.uk",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "SITE_URL": "https://example.nhs.uk",
        "EMAIL_URL": "smtp://user:pw@smtp.example.nhs.uk:587",
        **overrides,
    }
    env = {k: v for k, v in env.items() if v}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
    )


def test_production_starts_with_a_site_address_and_a_mail_server():
    assert _production_starts().returncode == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"SITE_URL": ""},
        {"EMAIL_URL": ""},
        {"EMAIL_URL": "consolemail://"},
        {"EMAIL_URL": "dummymail://"},
    ],
)
def test_production_refuses_to_start_without_a_site_address_or_a_real_mail_server(overrides):
    started = _production_starts(**overrides)

    assert started.returncode != 0
    assert "SITE_URL" in started.stderr or "EMAIL_URL" in started.stderr


def _call(token):
    return APIClient(HTTP_AUTHORIZATION=f"Token {token.key}").get(reverse("api:team-list"))


@pytest.mark.django_db
def test_an_api_token_expires_after_the_configured_days(world):
    token = Token.objects.create(user=world.user("care_coordinator"))
    assert _call(token).status_code == 200

    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=settings.API_TOKEN_DAYS, seconds=1)
    )

    assert _call(token).status_code == 401


@pytest.mark.django_db
def test_an_api_token_stops_working_when_the_password_changes(world):
    user = world.user("care_coordinator")
    token = Token.objects.create(user=user)

    user.set_password("a-new-long-password")
    user.save()

    assert _call(token).status_code == 401


@pytest.mark.django_db
def test_an_api_token_stops_working_when_the_account_is_deactivated(world):
    user = world.user("care_coordinator")
    token = Token.objects.create(user=user)

    user.is_active = False
    user.save()

    assert _call(token).status_code == 401
