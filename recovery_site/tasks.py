"""Tasks that belong to no single app."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.db import OperationalError

from directory.models import Trust


@shared_task(
    bind=True,
    # A database that is restarting or failing over answers OperationalError for a moment.
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=True,
    soft_time_limit=10,
    time_limit=20,
)
def worker_heartbeat(self: Task) -> dict[str, Any]:
    """Proves that a worker takes tasks from the broker and reads the database it was given.

    Read-only, so running it any number of times changes nothing. Carries no personal data: it
    answers with the worker's name and a count of trusts.
    """
    return {"worker": self.request.hostname, "trusts": Trust.objects.count()}
