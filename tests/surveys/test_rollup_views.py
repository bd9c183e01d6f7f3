"""Recompute now: a QA manager asks once, sees the progress and the finish time."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from surveys.choices import RollupKind, RollupStatus
from surveys.models import ResponseScore, RollupRun, TeamPeriodScore

from .factories import sent_response

pytestmark = pytest.mark.django_db


def _scores(world, months=(datetime.date(2026, 9, 1), datetime.date(2026, 11, 1))):
    for month in months:
        response = sent_response(world.person, on=month, scored=False)
        ResponseScore.objects.create(
            response=response,
            trust=world.trust,
            team=world.team,
            service_user=world.person,
            period=month,
            instrument_key="k",
            domain="hope",
            score=Decimal("3"),
        )


def test_a_double_click_makes_one_run_which_runs_after_commit_and_shows_its_as_at(
    world, client_for, django_capture_on_commit_callbacks
):
    _scores(world)
    client = client_for(world.user("qa_manager"))
    url = reverse("surveys:rollup_recompute")

    with django_capture_on_commit_callbacks() as callbacks:
        first = client.post(url)
        second = client.post(url)

    # Both clicks land on the same run; only the first queued the job
    assert first.url == second.url
    assert RollupRun.objects.filter(kind=RollupKind.FULL).count() == 1
    assert len(callbacks) == 1
    run = RollupRun.objects.get()
    assert (run.trust, run.requested_by) == (world.trust, world.user("qa_manager"))
    waiting = client.get(first.url)
    assert b"<progress" in waiting.content and b"0 of " in waiting.content
    assert b"DOMParser" in waiting.content

    callbacks[0]()  # the worker runs it

    run.refresh_from_db()
    assert run.status == RollupStatus.DONE and run.steps_done == run.steps_total > 0
    assert TeamPeriodScore.objects.filter(trust=world.trust, team=world.team).exists()
    done = client.get(first.url).content.decode()
    assert f"{run.steps_total} of {run.steps_total} steps done (100%)" in done
    assert "now as at" in done and "rollup-announce" in done and "DOMParser" not in done
    page = client.get(url).content.decode()
    assert "Recompute now" in page and "as at" in page


def test_a_second_request_while_one_is_running_gets_that_one(world, client_for):
    running = RollupRun.objects.create(
        kind=RollupKind.FULL, trust=world.trust, status=RollupStatus.RUNNING
    )
    client = client_for(world.user("qa_manager"))

    page = client.get(reverse("surveys:rollup_recompute")).content.decode()
    answer = client.post(reverse("surveys:rollup_recompute"))

    assert "Recompute now" not in page and str(running.public_id) in page
    assert answer.url == reverse("surveys:rollup_status", kwargs={"public_id": running.public_id})
    assert RollupRun.objects.count() == 1


def test_a_run_left_by_a_dead_worker_does_not_block_a_new_one(world, client_for):
    stale = RollupRun.objects.create(kind=RollupKind.FULL, trust=world.trust)
    RollupRun.objects.filter(pk=stale.pk).update(
        created_at=stale.created_at - datetime.timedelta(hours=3)
    )

    client_for(world.user("qa_manager")).post(reverse("surveys:rollup_recompute"))

    stale.refresh_from_db()
    assert stale.status == RollupStatus.FAILED
    assert RollupRun.objects.filter(status=RollupStatus.QUEUED).count() == 1


def test_the_status_page_costs_the_same_few_queries(
    world, client_for, django_assert_max_num_queries
):
    run = RollupRun.objects.create(kind=RollupKind.FULL, trust=world.trust, steps_total=4)
    client = client_for(world.user("qa_manager"))
    url = reverse("surveys:rollup_status", kwargs={"public_id": run.public_id})
    client.get(url)  # warm the session

    with django_assert_max_num_queries(12):
        answer = client.get(url)

    assert answer.status_code == 200
