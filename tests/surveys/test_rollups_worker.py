"""A sent check-in reaches its team's league row through Redis and a real Celery worker."""

from __future__ import annotations

import pytest

from surveys import services, tasks
from surveys.models import ResponseScore, RollupPending, TeamPeriodScore
from surveys.services import rollups
from tests.audit import audit_as
from tests.factories import ServiceUserFactory, TeamFactory
from tests.test_celery_worker import TASK_SECONDS, RunningWorker, celery_worker  # noqa: F401

from .factories import draft_with_answers, ensure_built_in


@pytest.mark.worker
def test_a_sent_check_in_updates_the_league_row_through_a_real_worker(
    celery_worker: RunningWorker,  # noqa: F811
    monkeypatch,
    settings,
):
    # Given a check-in sent (which marks its team-period pending) and its domain score stored
    ensure_built_in()
    team = TeamFactory.create()
    person = ServiceUserFactory.create(team=team)
    draft = draft_with_answers(person, {1: 4, 2: 3})
    # (what the send queues would run in this process: the worker's broker is not this app's)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued = []
    monkeypatch.setattr(tasks.rollup_pending, "apply_async", lambda **kw: queued.append(kw))
    rollups.django_cache.delete(rollups._PENDING_GUARD_KEY)
    response, _ = services.response_submit(
        idempotency_key=draft.idempotency_key, audit=audit_as(None)
    )
    assert queued == [{"countdown": services.ROLLUP_COALESCE_SECONDS}]
    assert response.period is not None
    # Sending wrote the person's domain scores as it marked the team-period pending
    hope = ResponseScore.objects.get(response=response, domain="hope")
    assert list(RollupPending.objects.values_list("team_id", "period")) == [
        (team.pk, response.period)
    ], (response.team_id, team.pk)

    # When the incremental update goes through Redis to the worker
    result = celery_worker.sender.tasks[tasks.rollup_pending.name].apply_async(
        queue=celery_worker.queue
    )
    try:
        taken = result.get(timeout=TASK_SECONDS)
    except Exception:
        pytest.fail(f"the update did not come back:\n{celery_worker.output()}")
    finally:
        result.forget()

    # Then the team's month row (suppressed: one response) and the trust-wide row are there
    assert taken == 1
    row = TeamPeriodScore.objects.get(
        team=team,
        period_kind="month",
        period_start=response.period,
        domain="hope",
        measure="level",
    )
    assert (row.responses, row.total, row.suppressed, row.mean) == (1, hope.score, True, None)
    assert TeamPeriodScore.objects.filter(trust=team.trust, team__isnull=True).exists()
    assert not RollupPending.objects.exists()
