"""Reads about league rollups: how fresh a trust's league rows are, and its rollup runs."""

from __future__ import annotations

import datetime
from uuid import UUID

from django.db.models import Max, Q

from directory.models import Trust

from ..choices import RollupKind, RollupStatus
from ..models import RollupRun, TeamPeriodScore


def league_as_at(trust: Trust | int) -> datetime.datetime | None:
    """When the trust's league rows were last computed (the "as at" pages and exports show),
    whichever job did it; None before the first rollup. One query."""
    trust_id = trust if isinstance(trust, int) else trust.pk
    return TeamPeriodScore.objects.filter(trust_id=trust_id).aggregate(at=Max("computed_at"))["at"]


def latest_rollup_for(trust: Trust | int) -> RollupRun | None:
    """The trust's most recently finished rollup run (its own or one over every trust)."""
    trust_id = trust if isinstance(trust, int) else trust.pk
    return (
        RollupRun.objects.filter(Q(trust_id=trust_id) | Q(trust__isnull=True))
        .filter(status=RollupStatus.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def active_recompute_for(trust: Trust | int) -> RollupRun | None:
    """A "recompute now" of the trust still queued or running, if any."""
    trust_id = trust if isinstance(trust, int) else trust.pk
    return (
        RollupRun.objects.filter(
            trust_id=trust_id,
            kind=RollupKind.FULL,
            status__in=[RollupStatus.QUEUED, RollupStatus.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )


def rollup_run_in_trust(*, trust_id: int | None, public_id: UUID | str) -> RollupRun | None:
    """One of the trust's own runs by its public id; None for another trust's or an unknown one."""
    if trust_id is None:
        return None
    return (
        RollupRun.objects.select_related("requested_by")
        .filter(trust_id=trust_id, public_id=public_id)
        .first()
    )
