"""Background work for check-ins: thin adapters that take ids and call one service each."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from django.db import OperationalError

from directory.audit import AuditContext

from . import services
from .selectors import invitations_due_a_reminder
from .services import rollups as rollup_services

log = logging.getLogger(__name__)

RETRY: dict[str, Any] = {
    "autoretry_for": (OSError,),  # SMTP and broker hiccups
    "max_retries": 5,
    "retry_backoff": True,
    "soft_time_limit": 60,
    "time_limit": 90,
}


@shared_task(**RETRY)
def email_invitation(invitation_id: int) -> bool:
    """Email a person a fresh link to their check-in invitation."""
    return services.invitation_email(
        invitation_id=invitation_id, audit=AuditContext.for_system("surveys.email_invitation")
    )


@shared_task(**RETRY)
def email_invitation_reminder(invitation_id: int) -> bool:
    """Remind a person, once, of a check-in they have not done yet."""
    return services.invitation_email(
        invitation_id=invitation_id,
        reminder=True,
        audit=AuditContext.for_system("surveys.email_invitation_reminder"),
    )


@shared_task(autoretry_for=(OSError,), max_retries=3, soft_time_limit=240, time_limit=300)
def send_checkin_reminders() -> int:
    """Daily: queue one reminder per open invitation whose reminder time has come."""
    due = invitations_due_a_reminder()
    for invitation_id in due:
        email_invitation_reminder.delay(invitation_id)
    log.info("check-in reminders queued: %s", len(due))
    return len(due)


@shared_task(**RETRY)
def tell_coordinator_of_checkin(response_id: int) -> bool:
    """Let the person's care coordinator know a check-in arrived (no personal details in mail)."""
    return services.coordinator_tell_of_checkin(response_id=response_id)


# League rollups: each batch is its own transaction and the table is a function of the scores,
# so a retry (or a rerun after a killed worker) gives the same rows.
ROLLUP: dict[str, Any] = {
    "autoretry_for": (OperationalError,),  # a dropped connection or a lock timeout
    "max_retries": 3,
    "retry_backoff": True,
}


@shared_task(**ROLLUP, soft_time_limit=1800, time_limit=1900)
def rollup_full(run_id: int) -> int:
    """Carry out a queued full recompute (a QA manager's "recompute now"), batch by batch."""
    return rollup_services.rollup_run_full(run_id=run_id)


@shared_task(**ROLLUP, soft_time_limit=240, time_limit=300)
def rollup_pending() -> int:
    """Redo the league rows of every team-period touched since the last update, in one go."""
    return rollup_services.rollup_pending_apply()


@shared_task(**ROLLUP, soft_time_limit=1800, time_limit=1900)
def rollup_nightly() -> int:
    """Nightly: the current and previous month of every trust, healing anything missed."""
    return rollup_services.rollup_nightly()
