"""Background work for recovery plans: thin adapters that take ids and call one service."""

from __future__ import annotations

from celery import shared_task

from .services.emails import plan_shared_email


@shared_task(autoretry_for=(OSError,), max_retries=5, retry_backoff=True, soft_time_limit=60)
def email_plan_shared(plan_id: int, revision: int) -> bool:
    """Tell the person, by email, that their plan waits for them to read and agree it."""
    return plan_shared_email(plan_id=plan_id, revision=revision)
