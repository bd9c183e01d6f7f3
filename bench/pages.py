"""Page speed at trust scale: every page, API list and write beside the signed-in floor. By hand.

    createdb rc_bench_pages   # once; the name must contain "bench"
    DATABASE_URL=postgres:///rc_bench_pages .venv/bin/python manage.py migrate
    DJANGO_SETTINGS_MODULE=recovery_site.settings.production SECRET_KEY=x ALLOWED_HOSTS=x \\
        SITE_URL=http://x EMAIL_URL=smtp://localhost .venv/bin/python manage.py collectstatic --noinput
    DATABASE_URL=postgres:///rc_bench_pages SECRET_KEY=bench nice .venv/bin/python bench/pages.py \\
        --compare 700,50000

For each number of people it builds the trust (bench/pages_data.py: 50,000 people in 200 teams,
20,000 plans with 90,000 goals, about 202,000 check-ins, 2 million audit rows), starts gunicorn as
production would (2 sync workers, production settings, BENCH_HELLO on), and measures with wrk
(2 threads, 8 connections) every page as a care coordinator with 250 people, a team leader, an
administrator, a QA manager and the service user, the API lists, check-in submission and plan
part save, each right after /bench/hello/ with the same session, so a page's share of the floor
is measured in the same minute. Queries per page are counted in-process on the same data.
"""

# ruff: noqa: S603
from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_site.settings.test")
# The sessions this process signs are read by gunicorn: both must use the same key. Production
# settings also ask for a site address and an SMTP server (nothing is sent).
os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ.setdefault("SITE_URL", "http://127.0.0.1")
os.environ.setdefault("EMAIL_URL", "smtp://127.0.0.1:25")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from league_http import (  # noqa: E402
    SUBMIT_LUA,
    answers_200,
    free_port,
    session_cookie,
    signed_in_client,
    start_gunicorn,
)
from pages_data import (  # noqa: E402
    ADMINISTRATOR,
    COORDINATOR,
    LEADER,
    PERSON_LOGIN,
    QA_MANAGER,
    build,
)
from rest_framework.authtoken.models import Token  # noqa: E402

from careplans.models import RecoveryPlan  # noqa: E402
from common.dates import add_months, month_of, trust_today  # noqa: E402
from directory.models import ServiceUser, Team, User  # noqa: E402
from surveys.services.rollups import rollup_recompute  # noqa: E402

READ, WRITE = 0.30, 0.30

# Each thread cycles through its own plans; a plan's next save starts from the revision its last
# answer gave, so every save is a real write (a stale revision would answer 409, counted as an
# error by wrk).
PART_LUA = """
wrk.method = "PUT"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token %(token)s"
local plans = {%(plans)s}
local revision = {}
local turn = 0
local saved = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads * %(per_thread)d)
  threads = threads + 1
end
request = function()
  turn = turn + 1
  saved = saved + 1
  local i = (offset or 0) + (turn %% %(per_thread)d) + 1
  local plan = plans[i]
  local body = '{"revision": ' .. (revision[plan] or 1) .. ', "fields": {"what_matters": "Save ' ..
    saved .. '", "strengths": "", "hopes": ""}}'
  return wrk.format(nil, "/api/plans/" .. plan .. "/parts/about/", nil, body)
end
response = function(status, headers, body)
  local plan = string.match(body, '"id":"([%%x-]+)"')
  local rev = string.match(body, '"about":{[^}]*"revision":(%%d+)')
  if plan and rev then revision[plan] = tonumber(rev) end
end
"""


def wrk(url: str, cookie: str, seconds: int, script: str | None = None) -> dict[str, float]:
    if script is None:
        answers_200(url, cookie)
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", "-H", f"Cookie: {cookie}"]
    if script:
        command += ["-s", script]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def ms(label: str) -> float:
        value, unit = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50": ms("50%"),
        "p99": ms("99%"),
        "errors": float(errors.group(1)) if errors else 0.0,
    }


def count_queries(url: str, user: User, *, token: str | None = None) -> int:
    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client(HTTP_AUTHORIZATION=f"Token {token}") if token else signed_in_client(user)
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url).status_code
    return len(queries) if status == 200 else -status


def measure(people: int, seconds: int) -> list[tuple]:
    person = ServiceUser.objects.get(pk=1)
    team = Team.objects.get(pk=1)
    users = {
        "coordinator": User.objects.get(pk=COORDINATOR),
        "leader": User.objects.get(pk=LEADER),
        "admin": User.objects.get(pk=ADMINISTRATOR),
        "qa": User.objects.get(pk=QA_MANAGER),
        "person": User.objects.get(pk=PERSON_LOGIN),
    }
    p = person.public_id
    pages = [
        ("person page", f"/people/{p}/", "coordinator"),
        ("journey, 20 check-ins", f"/people/{p}/check-ins/", "coordinator"),
        ("caseload, 250 people", "/caseload/", "coordinator"),
        ("caseload, team leader", "/caseload/", "leader"),
        ("plan, 6 goals", f"/people/{p}/plan/", "coordinator"),
        ("own plan (service user)", f"/people/{p}/plan/", "person"),
        ("teams overview, 200 teams", "/teams/", "admin"),
        ("home", "/", "coordinator"),
        ("API service users", "/api/service-users/", "coordinator"),
        ("API check-ins", "/api/check-ins/", "coordinator"),
        ("API plans", "/api/plans/", "coordinator"),
        ("API teams", "/api/teams/", "admin"),
        ("league", "/league/", "qa"),
        ("league team", f"/league/teams/{team.public_id}/", "leader"),
    ]
    token = Token.objects.get_or_create(user=users["coordinator"])[0].key
    rows = []
    queries = {label: count_queries(url, users[who]) for label, url, who in pages}
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port)
    scripts = _write_scripts(token, person)
    try:
        cookies = {who: session_cookie(user) for who, user in users.items()}
        wrk(f"{base}/bench/hello/", cookies["coordinator"], 3)  # warm both workers
        cases: list[tuple[str, str, str, str | None]] = [
            (label, base + url, who, None) for label, url, who in pages
        ]
        cases += [
            ("check-in submission (API)", f"{base}/api/check-ins/", "coordinator", scripts[0]),
            ("plan part save (API)", base, "coordinator", scripts[1]),
        ]
        for label, url, who, script in cases:
            floor = wrk(f"{base}/bench/hello/", cookies[who], seconds)
            page = wrk(url, cookies[who], seconds, script)
            rows.append((people, label, page, floor, queries.get(label)))
            _print_row(rows[-1])
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        for script in scripts:
            os.unlink(script)
    return rows


def _write_scripts(token: str, person: ServiceUser) -> tuple[str, str]:
    import json
    import time

    answers = json.dumps([{"item": n, "value": 3} for n in range(1, 13)])
    plans = list(
        RecoveryPlan.objects.filter(service_user__team_id=1)
        .order_by("service_user_id")
        .values_list("public_id", flat=True)[:64]
    )
    names = []
    for text in (
        SUBMIT_LUA
        % {
            "token": token,
            "answers": answers,
            "run": int(time.time()) % 2**31,
            "person": person.public_id,
            "today": date.today().isoformat(),
        },
        PART_LUA
        % {
            "token": token,
            "plans": ", ".join(f'"{plan}"' for plan in plans),
            "per_thread": len(plans) // 2,
        },
    ):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(text)
            names.append(lua.name)
    return names[0], names[1]


def _print_row(row: tuple) -> None:
    people, label, page, floor, queries = row
    share = page["rate"] / floor["rate"]
    target = WRITE if "(API)" in label and ("save" in label or "submission" in label) else READ
    p99_ratio = page["p99"] / floor["p99"]
    ok = share >= target and (p99_ratio <= 4 or ("(API)" in label and target == WRITE))
    errors = f"  {int(page['errors'])} non-2xx" if page["errors"] else ""
    print(
        f"| {people:>6,} | {label:<27} | {page['rate']:7.1f} | {page['p50']:6.1f} | "
        f"{page['p99']:6.1f} | {floor['rate']:6.1f} | {floor['p99']:5.1f} | {share:5.2f} | "
        f"{p99_ratio:5.1f} | {'' if queries is None else queries:>3} | "
        f"{'yes' if ok else 'NO'} |{errors}",
        flush=True,
    )


HEADER = (
    "| people | page | req/s | p50 ms | p99 ms | floor req/s | floor p99 | share | p99/floor "
    "| queries | meets target |\n|---|---|---|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compare", default="50000", help="people counts, e.g. 700,50000")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page")
    parser.add_argument("--skip-build", action="store_true", help="measure the data as it is")
    args = parser.parse_args()
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"Refusing to empty {name!r}: use a PostgreSQL database whose name has 'bench'.")
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install -y wrk")
    for people in [int(n) for n in args.compare.split(",")]:
        if not args.skip_build:
            print(f"building {people:,} people ...", flush=True)
            with connection.cursor() as wrapper:
                build(wrapper.cursor, people)
                wrapper.execute("VACUUM ANALYZE")  # statistics, and the visibility map
            this_month = month_of(trust_today())
            rollup_recompute(first_period=add_months(this_month, -2), last_period=this_month)
        print(HEADER, flush=True)
        measure(people, args.seconds)


if __name__ == "__main__":
    main()
