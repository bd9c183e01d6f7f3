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

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
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
from django.db import connection  # noqa: E402
from league_http import (  # noqa: E402  (after Django is set up)
    pages,
    server_env,
)
from league_report import Report, timed  # noqa: E402
from league_sql import (  # noqa: E402  (after Django is set up)
    baseline_full,
    baseline_month_rows,
    reference_full,
    reference_month_rows,
    reference_one_team_period,
)

from directory.models import ServiceUser, Team, User  # noqa: E402

WORKER_START_SECONDS = 60
LEAGUE_ROW_SECONDS = 60


def refuse_unless_bench_database() -> str:
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        sys.exit(f"Refusing to run against {name!r}: use a PostgreSQL database named *bench*.")
    return name


def run_full_rollup() -> Callable[[], Any]:
    """The project's full recompute: every trust, every period that has a sent score."""
    from django.db.models import Max, Min

    from surveys.models import ResponseScore
    from surveys.services.rollups import rollup_recompute

    span = ResponseScore.objects.filter(sent=True).aggregate(
        first=Min("period"), last=Max("period")
    )

    def run() -> None:
        # As the nightly run and "recompute now" do: with a run row, whose finish time is the
        # "as at" the pages show.
        from surveys.choices import RollupKind
        from surveys.models import RollupRun

        record = RollupRun.objects.create(
            kind=RollupKind.NIGHTLY, first_period=span["first"], last_period=span["last"]
        )
        rollup_recompute(first_period=span["first"], last_period=span["last"], run=record)

    return run


def run_incremental_rollup(team: Team, period: date, instrument_key: str) -> Callable[[], Any]:
    """One team-period through the pending mechanism, as a send leaves it: the row marked, then
    the update a worker runs (without the coalescing wait)."""
    from django.db import transaction

    from surveys.models import RollupPending
    from surveys.services.rollups import rollup_pending_apply

    def run() -> None:
        with transaction.atomic():
            # As sending marks it: a team-period already pending (a check-in sent by an earlier
            # run's submission test) stays one row.
            RollupPending.objects.bulk_create(
                [
                    RollupPending(
                        trust_id=team.trust_id,
                        team=team,
                        period=period,
                        instrument_key=instrument_key,
                    )
                ],
                ignore_conflicts=True,
            )
        taken = rollup_pending_apply()
        assert taken >= 1, "the pending row was not taken"

    return run


# --- a sent check-in to its league row, through a real worker ---------------------------------


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
        env=server_env(DJANGO_SETTINGS_MODULE="recovery_site.settings.test"),
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
