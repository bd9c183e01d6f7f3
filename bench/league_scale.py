"""League tables at scale: the rollup against bare SQL, incremental updates, the worker, the pages.

Run by hand, never by the suite, on a database filled by bench/league_data.py:

    DATABASE_URL=postgres:///recovery_care_bench REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python bench/league_scale.py [--repeats 5] [--wrk-seconds 15] \\
        [--league-url /quality/league/] [--team-url /quality/teams/{team}/] [--skip-wrk]

In one run, on the same data, it times (median of --repeats, with the count printed):

  (a) the best bare SQL: one pass over `bench_plain_response` (one row per response, the domains
      as columns, a stored period) grouping by trust, team, period and instrument, count, sum and
      sum of squares of every domain's score and change; then trust-wide rows, quarters and
      rolling 12 months merged from those month rows (count, sum and squares add up);
  (b) the project's full rollup (`rollup_recompute` over every trust, from the first period with
      a sent score to the last), and its ratio to (a);
  the incremental update of one team-period, as a send makes it: a `RollupPending` row marked,
  then `rollup_pending_apply` (its month, the quarter and rolling-12 rows holding it, and the
  trust-wide rows);
  the time from a sent check-in to its league row, through a real Celery worker;
  under wrk from 127.0.0.1 against gunicorn (2 sync workers, production settings, BENCH_HELLO on):
  the league page, the team page and check-in submission (the API), each beside /bench/hello/;
  and the number of queries each page makes.

Then it prints every figure beside its target from issue #8, with pass or fail. Figures come
from a shared 2-core machine: read them as upper bounds.
"""

# SQL here is built from this module's constants only, never from input: S608 does not apply.
# ruff: noqa: S608
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_site.settings.test")
# The session cookies made here must verify in gunicorn: both sides use this key.
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-any-real-service-0123456789")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402

from directory.models import ServiceUser, Team, User  # noqa: E402

MAX_DOMAINS = 8
LEAGUE_PAGE: tuple[str, dict[str, str]] = ("surveys:league", {})
TEAM_PAGE: tuple[str, dict[str, str]] = ("surveys:league_team", {"public_id": "{team}"})
WORKER_START_SECONDS = 60
LEAGUE_ROW_SECONDS = 60


@dataclass
class Figure:
    label: str
    value: float | None
    unit: str
    target: str = ""
    passed: bool | None = None
    note: str = ""


@dataclass
class Report:
    figures: list[Figure] = field(default_factory=list)

    def add(self, *args: Any, **kwargs: Any) -> Figure:
        figure = Figure(*args, **kwargs)
        self.figures.append(figure)
        value = "n/a" if figure.value is None else f"{figure.value:,.2f} {figure.unit}"
        print(f"  {figure.label}: {value} {figure.note}", flush=True)
        return figure

    def print(self) -> None:
        print("\n" + "=" * 100)
        print(f"{'figure':<52} {'value':>16}  {'target':<18} result")
        for f in self.figures:
            value = "n/a" if f.value is None else f"{f.value:,.2f} {f.unit}"
            result = {True: "PASS", False: "FAIL", None: ""}[f.passed]
            print(f"{f.label:<52} {value:>16}  {f.target:<18} {result} {f.note}")


def refuse_unless_bench_database() -> str:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"Refusing to run against {name!r}: use a PostgreSQL database named *bench*.")
    return name


def timed(fn: Callable[[], Any], repeats: int) -> tuple[float, list[float]]:
    """Median wall time in ms over `repeats` runs, and every run's time."""
    runs = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs), runs


# --- (a) the bare-SQL baseline ----------------------------------------------------------------


def _sums(prefix: str) -> str:
    return ", ".join(
        f"count({prefix}{n}) AS n_{prefix}{n}, sum({prefix}{n}) AS s_{prefix}{n}, "
        f"sum({prefix}{n} * {prefix}{n}) AS q_{prefix}{n}"
        for n in range(1, MAX_DOMAINS + 1)
    )


def _merged(prefix: str) -> str:
    return ", ".join(
        f"sum(n_{prefix}{n}) AS n_{prefix}{n}, sum(s_{prefix}{n}) AS s_{prefix}{n}, "
        f"sum(q_{prefix}{n}) AS q_{prefix}{n}"
        for n in range(1, MAX_DOMAINS + 1)
    )


def _merged_columns() -> str:
    return f"count(*) AS responses, {_sums('d')}, {_sums('c')}"


def baseline_month_rows() -> None:
    """Month rows per trust and team in one pass, and the trust-wide month rows from them."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_plain_rollup")
        cursor.execute(
            f"""
            CREATE UNLOGGED TABLE bench_plain_rollup AS
            SELECT 'month'::text AS kind, trust_id, team_id, period AS period_start,
                   instrument_key, {_merged_columns()}
            FROM bench_plain_response
            GROUP BY trust_id, team_id, period, instrument_key
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_plain_rollup
            SELECT 'month', trust_id, NULL, period_start, instrument_key, sum(responses),
                   {_merged("d")}, {_merged("c")}
            FROM bench_plain_rollup WHERE kind = 'month'
            GROUP BY trust_id, period_start, instrument_key
            """
        )


def baseline_longer_periods() -> None:
    """Quarters and rolling 12 months merged from the month rows: no pass over the responses."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO bench_plain_rollup
            SELECT 'quarter', trust_id, team_id, date_trunc('quarter', period_start)::date,
                   instrument_key, sum(responses), {_merged("d")}, {_merged("c")}
            FROM bench_plain_rollup WHERE kind = 'month'
            GROUP BY trust_id, team_id, date_trunc('quarter', period_start), instrument_key
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_plain_rollup
            SELECT 'rolling_12', m.trust_id, m.team_id, e.period_start, m.instrument_key,
                   sum(m.responses), {_merged("d").replace("sum(", "sum(m.")}, {_merged("c").replace("sum(", "sum(m.")}
            FROM (SELECT DISTINCT period_start FROM bench_plain_rollup WHERE kind = 'month') AS e
            JOIN bench_plain_rollup AS m
              ON m.kind = 'month' AND m.period_start > e.period_start - interval '12 months'
             AND m.period_start <= e.period_start
            GROUP BY m.trust_id, m.team_id, e.period_start, m.instrument_key
            """
        )


def baseline_full() -> None:
    baseline_month_rows()
    baseline_longer_periods()


# --- the same from the project's score rows, as one hand-written statement ----------------------


def reference_month_rows() -> None:
    """What (a) computes, from `surveys_responsescore` (one row per response and domain, level
    and change side by side): the cost of the narrow layout itself, whatever the service adds.
    Not the project's rollup: a yardstick for it."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_score_rollup")
        cursor.execute(
            """
            CREATE UNLOGGED TABLE bench_score_rollup AS
            SELECT 'month'::text AS kind, trust_id, team_id, period AS period_start,
                   instrument_key, domain, count(*) AS responses,
                   sum(score) AS s_level, sum(score * score) AS q_level,
                   count(change) AS n_change, sum(change) AS s_change,
                   sum(change * change) AS q_change
            FROM surveys_responsescore
            WHERE sent
            GROUP BY trust_id, team_id, period, instrument_key, domain
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_score_rollup
            SELECT 'month', trust_id, NULL, period_start, instrument_key, domain, {_SCORE_MERGE}
            FROM bench_score_rollup WHERE kind = 'month'
            GROUP BY trust_id, period_start, instrument_key, domain
            """
        )


_SCORE_MERGE = (
    "sum(responses), sum(s_level), sum(q_level), sum(n_change), sum(s_change), sum(q_change)"
)


def reference_full() -> None:
    reference_month_rows()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO bench_score_rollup
            SELECT 'quarter', trust_id, team_id, date_trunc('quarter', period_start)::date,
                   instrument_key, domain, {_SCORE_MERGE}
            FROM bench_score_rollup WHERE kind = 'month'
            GROUP BY trust_id, team_id, date_trunc('quarter', period_start), instrument_key,
                     domain
            """
        )
        cursor.execute(
            f"""
            INSERT INTO bench_score_rollup
            SELECT 'rolling_12', m.trust_id, m.team_id, e.period_start, m.instrument_key,
                   m.domain, {_SCORE_MERGE}
            FROM (SELECT DISTINCT period_start FROM bench_score_rollup WHERE kind = 'month') AS e
            JOIN bench_score_rollup AS m
              ON m.kind = 'month' AND m.period_start > e.period_start - interval '12 months'
             AND m.period_start <= e.period_start
            GROUP BY m.trust_id, m.team_id, e.period_start, m.instrument_key, m.domain
            """
        )


def reference_one_team_period(team_id: int, trust_id: int, period: date, key: str) -> None:
    """One team-month's rows again from its score rows, through the rollup index."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), sum(score), sum(score * score), count(change), sum(change),
                   sum(change * change), domain
            FROM surveys_responsescore
            WHERE sent AND trust_id = %s AND period = %s AND team_id = %s
              AND instrument_key = %s
            GROUP BY domain
            """,
            [trust_id, period, team_id, key],
        )
        cursor.fetchall()


# --- (b) the project's rollup -----------------------------------------------------------------


def run_full_rollup() -> Callable[[], Any]:
    """The project's full recompute: every trust, every period that has a sent score."""
    from django.db.models import Max, Min

    from surveys.models import ResponseScore
    from surveys.services.rollups import rollup_recompute

    span = ResponseScore.objects.filter(sent=True).aggregate(
        first=Min("period"), last=Max("period")
    )
    return lambda: rollup_recompute(first_period=span["first"], last_period=span["last"])


def run_incremental_rollup(team: Team, period: date, instrument_key: str) -> Callable[[], Any]:
    """One team-period through the pending mechanism, as a send leaves it: the row marked, then
    the update a worker runs (without the coalescing wait)."""
    from django.db import transaction

    from surveys.models import RollupPending
    from surveys.services.rollups import rollup_pending_apply

    def run() -> None:
        with transaction.atomic():
            RollupPending.objects.create(
                trust_id=team.trust_id, team=team, period=period, instrument_key=instrument_key
            )
        taken = rollup_pending_apply()
        assert taken >= 1, "the pending row was not taken"

    return run


# --- a sent check-in to its league row, through a real worker ---------------------------------


def _database_url() -> str:
    return os.environ.get("DATABASE_URL", f"postgres:///{connection.settings_dict['NAME']}")


def _server_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=_database_url(),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/11"),
        CELERY_TASK_ALWAYS_EAGER="false",
        SECRET_KEY=os.environ["SECRET_KEY"],
        **extra,
    )
    env["CELERY_BROKER_URL"] = env["REDIS_URL"]
    env["CELERY_RESULT_BACKEND"] = env["REDIS_URL"]
    return env


def sent_to_league_row(
    report: Report, person: ServiceUser, coordinator: User, wait_seconds: int
) -> None:
    """Send one check-in and wait for its team's month row to be recomputed by a real worker."""
    from directory.audit import AuditContext
    from surveys import services
    from surveys.models import TeamPeriodScore

    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "recovery_site",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=REPO_ROOT,
        env=_server_env(DJANGO_SETTINGS_MODULE="recovery_site.settings.test"),
        start_new_session=True,
    )
    try:
        time.sleep(8)  # the worker imports Django and connects to Redis
        audit = AuditContext(actor=coordinator, via="bench.league_scale")
        previous = set(
            TeamPeriodScore.objects.filter(team=person.team).values_list("pk", "computed_at")
        )
        started = time.perf_counter()
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
        settings.CELERY_TASK_ALWAYS_EAGER = False
        from recovery_site.celery import app as celery_app

        celery_app.conf.task_always_eager = False
        response, _ = services.response_record(
            actor=coordinator,
            service_user=person,
            channel="staff_paper",
            idempotency_key=uuid.uuid4(),
            answers=dict.fromkeys(range(1, 13), 3),
            completed_on=date.today(),
            audit=audit,
        )
        assert response.period is not None  # sent, so dated
        deadline = started + wait_seconds
        while time.perf_counter() < deadline:
            now = set(
                TeamPeriodScore.objects.filter(
                    team=person.team, period_kind="month", period_start=response.period
                ).values_list("pk", "computed_at")
            )
            if now - previous:
                report.add(
                    "sent check-in to league row (worker)",
                    time.perf_counter() - started,
                    "s",
                )
                return
            time.sleep(0.05)
        report.add(
            "sent check-in to league row (worker)", None, "s", note=f"no row in {wait_seconds} s"
        )
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)


# --- pages under wrk --------------------------------------------------------------------------


def session_cookie(user: User) -> str:
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def _free_port() -> int:
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
        env=_server_env(
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
request = function()
  counter = counter + 1
  -- a fresh idempotency key per request: thread, run and counter keep them apart
  local key = string.format("%%08x-%%04x-4000-8000-%%012x", %(run)d, id or 0, counter)
  local body = '{"idempotency_key": "' .. key .. '", "service_user": "%(person)s", ' ..
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
        client = Client()
        client.force_login(users[who])
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
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    try:
        cookies = {who: session_cookie(user) for who, user in users.items()}
        token, _ = Token.objects.get_or_create(user=users["coordinator"])
        answers = json.dumps([{"item": n, "value": 3} for n in range(1, 13)])
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(
                SUBMIT_LUA
                % {
                    "token": token.key,
                    "answers": answers,
                    "run": int(time.time()),
                    "person": person.public_id,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--league-url", help="the league page's path, if not surveys:league")
    parser.add_argument("--team-url", help="the team page's path; {team} is the team's public id")
    parser.add_argument("--skip-wrk", action="store_true")
    parser.add_argument("--skip-worker", action="store_true")
    parser.add_argument(
        "--skip-full",
        action="store_true",
        help="skip (a), the reference statement and the full rollup (minutes to an hour at 1M)",
    )
    parser.add_argument("--incremental-repeats", type=int, default=5)
    parser.add_argument(
        "--league-row-seconds",
        type=int,
        default=LEAGUE_ROW_SECONDS,
        help="how long to wait for the worker to write the league row",
    )
    args = parser.parse_args()
    name = refuse_unless_bench_database()
    report = Report()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bench_plain_response")
        responses = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM surveys_responsescore WHERE sent")
        scores = cursor.fetchone()[0]
    print(f"{name}: {responses:,} responses, {scores:,} score rows; median of {args.repeats}")

    if not args.skip_full:
        print("(a) bare SQL over one plain table")
        month_ms, runs = timed(baseline_month_rows, args.repeats)
        report.add(
            "(a) month rows, one pass", month_ms, "ms", note=f"runs {[round(r) for r in runs]}"
        )
        full_ms, runs = timed(baseline_full, args.repeats)
        report.add(
            "(a) all periods (month, quarter, rolling 12)",
            full_ms,
            "ms",
            note=f"runs {[round(r) for r in runs]}",
        )

        print("the same aggregates from the project's score rows, one hand-written statement")
        ref_month_ms, runs = timed(reference_month_rows, args.repeats)
        report.add(
            "(ref) month rows from ResponseScore",
            ref_month_ms,
            "ms",
            note=f"{ref_month_ms / month_ms:.2f}x (a) month; runs {[round(r) for r in runs]}",
        )
        ref_full_ms, runs = timed(reference_full, args.repeats)
        report.add(
            "(ref) all periods from ResponseScore",
            ref_full_ms,
            "ms",
            note=f"{ref_full_ms / full_ms:.2f}x (a) all; runs {[round(r) for r in runs]}",
        )

        print("(b) the project's rollup")
        rollup_ms, runs = timed(run_full_rollup(), args.repeats)
        report.add("(b) full rollup", rollup_ms, "ms", note=f"runs {[round(r) for r in runs]}")
        report.add(
            "(b) / (a)",
            rollup_ms / full_ms,
            "x",
            target="<= 1.5x",
            passed=rollup_ms <= 1.5 * full_ms,
        )

    team = Team.objects.select_related("trust").order_by("pk").first()
    assert team is not None, "no data: run bench/league_data.py first"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT period, instrument_key FROM surveys_responsescore WHERE team_id = %s "
            "ORDER BY period DESC LIMIT 1",
            [team.pk],
        )
        period, instrument_key = cursor.fetchone()
    one_ms, runs = timed(
        lambda: reference_one_team_period(team.pk, team.trust_id, period, instrument_key),
        args.incremental_repeats,
    )
    report.add("(ref) one team-month read through the index", one_ms, "ms")
    one_ms, runs = timed(
        run_incremental_rollup(team, period, instrument_key), args.incremental_repeats
    )
    report.add(
        "incremental, one team-period",
        one_ms,
        "ms",
        target="< 50 ms",
        passed=one_ms < 50,
        note=f"runs {[round(r) for r in runs]}",
    )

    users = {
        "qa": User.objects.get(username=f"bench.qa.{team.trust_id}"),
        "leader": User.objects.get(username=f"bench.leader.{team.pk}"),
        "coordinator": User.objects.get(username=f"bench.coordinator.{team.pk}"),
    }
    person = ServiceUser.objects.filter(team=team).order_by("pk").first()
    assert person is not None
    if not args.skip_worker:
        sent_to_league_row(report, person, users["coordinator"], args.league_row_seconds)
    pages(report, args, team, users, person)
    report.print()


if __name__ == "__main__":
    main()
