"""What the league benchmark needs to drive the real stack: a signed-in session cookie,
gunicorn on a free port, wrk against it, and the environment the worker and server start with.
Imported by league_scale.py once Django is set up."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from league_report import Report

from directory.models import ServiceUser, Team, User
from recovery_site.two_factor import SECOND_FACTOR_SESSION_KEY

REPO_ROOT = Path(__file__).resolve().parent.parent
LEAGUE_PAGE: tuple[str, dict[str, str]] = ("surveys:league", {})
TEAM_PAGE: tuple[str, dict[str, str]] = ("surveys:league_team", {"public_id": "{team}"})


def database_url() -> str:
    return os.environ.get("DATABASE_URL", f"postgres:///{connection.settings_dict['NAME']}")


def server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11"),
        CELERY_TASK_ALWAYS_EAGER="false",
        SECRET_KEY=os.environ["SECRET_KEY"],
        **extra,
    )
    # Production refuses to start without these; nothing here sends mail or builds links.
    env.setdefault("SITE_URL", "http://127.0.0.1")
    env.setdefault("EMAIL_URL", "smtp://127.0.0.1:25")
    env["CELERY_BROKER_URL"] = env["REDIS_URL"]
    env["CELERY_RESULT_BACKEND"] = env["REDIS_URL"]
    return env


# A benchmark's sessions stand for a whole sign-in, the second factor included, as a member of
# staff who has entered their authenticator code has.
BENCH_SECOND_FACTOR = "benchmark sign-in"


def session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SECOND_FACTOR_SESSION_KEY] = BENCH_SECOND_FACTOR
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def signed_in_client(user: User) -> Client:
    """A test client signed in as `user`, second factor included."""
    client = Client()
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = BENCH_SECOND_FACTOR
    session.save()
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "recovery_site.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--log-level",
            "warning",
        ],
        cwd=REPO_ROOT,
        env=server_env(
            DJANGO_SETTINGS_MODULE="recovery_site.settings.production",
            BENCH_HELLO="true",
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            LOG_LEVEL="WARNING",
        ),
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not start")


def answers_200(url: str, cookie: str) -> None:
    """Refuse to time a page that does not answer 200 to this session (a sign-in redirect would
    count as a fast success)."""
    request = urllib.request.Request(url, headers={"Cookie": cookie})  # noqa: S310
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        status = opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != 200:
        raise SystemExit(f"{url} answered {status}, not 200: check the session and the URL")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def wrk(url: str, cookie: str, seconds: int, script: str | None = None) -> tuple[float, float]:
    """(requests per second, p99 in ms) for `url`, 2 threads and 8 connections."""
    if script is None:
        answers_200(url, cookie)
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p99, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if non_2xx:
        print(f"    {url}: {non_2xx.group(1)} answers were not 2xx/3xx", flush=True)
    return rate, float(p99) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


SUBMIT_LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token %(token)s"
local answers = '%(answers)s'
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local counter = 0
-- Spread over the coordinator's caseload, as a team's paper check-ins are: one person's
-- thousands of check-ins in a row would measure that person's history, not a send.
local people = {%(people)s}
request = function()
  counter = counter + 1
  local person = people[(counter + (id or 0) * 7) %% #people + 1]
  -- a fresh idempotency key per request: thread, run and counter keep them apart
  local key = string.format("%%08x-%%04x-4000-8000-%%012x", %(run)d, id or 0, counter)
  local body = '{"idempotency_key": "' .. key .. '", "service_user": "' .. person .. '", ' ..
    '"channel": "staff_paper", "completed_on": "%(today)s", "answers": ' .. answers .. '}'
  return wrk.format(nil, nil, nil, body)
end
"""


def page_url(
    name_and_kwargs: tuple[str, dict[str, str]], override: str | None, team: Team
) -> str | None:
    if override:
        return override.format(team=team.public_id)
    name, kwargs = name_and_kwargs
    try:
        return reverse(name, kwargs={k: v.format(team=team.public_id) for k, v in kwargs.items()})
    except NoReverseMatch:
        return None


def pages(
    report: Report,
    args: argparse.Namespace,
    team: Team,
    users: dict[str, User],
    person: ServiceUser,
) -> None:
    from rest_framework.authtoken.models import Token

    league = page_url(LEAGUE_PAGE, args.league_url, team)
    team_page = page_url(TEAM_PAGE, args.team_url, team)
    # Queries per page, in-process: fixed whatever the data size.
    settings.ALLOWED_HOSTS = ["testserver"]
    for label, url, who in (("league page", league, "qa"), ("team page", team_page, "leader")):
        if url is None:
            report.add(f"{label}: queries", None, "", target="<= 10", note="page not built")
            continue
        client = signed_in_client(users[who])
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            status = client.get(url).status_code
        report.add(
            f"{label}: queries",
            len(queries),
            "",
            target="<= 10",
            passed=status == 200 and len(queries) <= 10,
            note=f"HTTP {status}",
        )
    if args.skip_wrk or shutil.which("wrk") is None:
        print("  wrk skipped (or not installed: apt-get install wrk)")
        return
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    try:
        cookies = {who: session_cookie(user) for who, user in users.items()}
        token, _ = Token.objects.get_or_create(user=users["coordinator"])
        answers = json.dumps([{"item": n, "value": 3} for n in range(1, 13)])
        caseload = list(
            ServiceUser.objects.filter(
                care_relationships__staff=users["coordinator"],
                care_relationships__ended_on__isnull=True,
            )
            .order_by("pk")
            .values_list("public_id", flat=True)[:500]
        ) or [person.public_id]
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(
                SUBMIT_LUA
                % {
                    "token": token.key,
                    "answers": answers,
                    "run": int(time.time()),
                    "people": ", ".join(f'"{public_id}"' for public_id in caseload),
                    "today": date.today().isoformat(),
                }
            )
        wrk(f"{base}/bench/hello/", cookies["coordinator"], 3)  # warm both workers
        cases = [
            ("league page", league, "qa", None, 0.35),
            ("team page", team_page, "leader", None, 0.35),
            ("check-in submission (API)", "/api/check-ins/", "coordinator", lua.name, 0.30),
        ]
        for label, url, who, script, share in cases:
            if url is None:
                report.add(f"{label}: req/s vs hello", None, "", note="page not built")
                continue
            hello_rate, hello_p99 = wrk(f"{base}/bench/hello/", cookies[who], args.wrk_seconds)
            rate, p99 = wrk(f"{base}{url}", cookies[who], args.wrk_seconds, script)
            report.add(
                f"  /bench/hello/ beside {label}",
                hello_rate,
                "req/s",
                note=f"p99 {hello_p99:.0f} ms",
            )
            report.add(
                f"{label}: throughput share of hello",
                rate / hello_rate * 100,
                "%",
                target=f">= {share * 100:.0f}%",
                passed=rate / hello_rate >= share,
                note=f"{rate:.1f} req/s, p99 {p99:.0f} ms",
            )
            if share == 0.35:
                report.add(
                    f"{label}: p99 / hello p99",
                    p99 / hello_p99,
                    "x",
                    target="<= 3x",
                    passed=p99 <= 3 * hello_p99,
                    note=f"p99 {p99:.0f} ms",
                )
        os.unlink(lua.name)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# --- the run ----------------------------------------------------------------------------------
