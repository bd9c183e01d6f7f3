"""League-table rollups: the sent scores of a trust summed into `TeamPeriodScore`, set-based.

A rollup row is a function of the sent `ResponseScore` rows and the dated team history alone, so
every way of computing it (a full recompute in batches, the incremental update of pending
team-periods, the nightly run, two at once, a rerun after a killed worker) leaves the identical
table. How:

- On PostgreSQL the scores are summed once into month cells (`RollupCell`, one pass over the
  scores for a full run; the pending team-months alone for an incremental one), and each batch's
  league rows are merged from the cells in one statement: months, quarters, rolling years, team
  and trust-wide rows, the figures worked out in exact numerics, upserted on the unique keys,
  and the rows of the batch's range that were not produced (everything withdrawn) deleted.
- Elsewhere (SQLite, the embedded default) one GROUP BY query per batch through the ORM, the
  figures from `surveys.statistics` in exact decimals, rows replaced delete-then-insert (Django
  cannot upsert on a partial unique index there).
- Each batch is one transaction holding a per-trust advisory lock (PostgreSQL), so two rollups of
  a trust take turns and a batch killed midway rolls back whole.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from common.dates import add_months, month_of, trust_today
from directory.audit import AuditContext
from directory.models import Trust, User

from ...choices import RollupKind, RollupStatus
from ...models import ResponseScore, RollupPending, RollupRun
from ...selectors.league import league_version_bump
from .cells import cells_rebuild_months, cells_rebuild_team_months
from .periods import Span, quarter_of
from .portable import _rollup_span_portable, figures
from .quantile import T_TABLE_MAX_DF, t_975, t_table
from .sql import _rollup_span_sql, lock_trusts

__all__ = [
    "ROLLUP_BATCH_MONTHS",
    "ROLLUP_COALESCE_SECONDS",
    "ROLLUP_RUN_STALE",
    "T_TABLE_MAX_DF",
    "Span",
    "figures",
    "month_batches",
    "quarter_of",
    "rollup_enqueue_pending",
    "rollup_nightly",
    "rollup_pending_apply",
    "rollup_recompute",
    "rollup_request",
    "rollup_run_full",
    "rollup_span",
    "t_975",
    "t_table",
]

log = logging.getLogger(__name__)

# Months per batch of a full recompute, cut at quarter ends so each quarter's row is computed
# once. On PostgreSQL a batch merges one trust's cells of those months and the 11 before them
# (for the rolling rows), whatever the number of scores: longer batches read fewer months twice.
ROLLUP_BATCH_MONTHS = 48
# How long a burst of sends is gathered before the one incremental update runs.
ROLLUP_COALESCE_SECONDS = 30
# A "recompute now" still queued or running after this long is taken to have died with its
# worker, and no longer stops another being asked for.
ROLLUP_RUN_STALE = datetime.timedelta(hours=2)
_PENDING_GUARD_KEY = "surveys:rollup-pending-enqueued"


# --- the services -------------------------------------------------------------------------------


def _use_sql(portable: bool | None) -> bool:
    if portable is None:
        return connection.vendor == "postgresql"
    return not portable


def rollup_span(
    span: Span,
    *,
    now: datetime.datetime,
    portable: bool | None = None,
) -> None:
    """Recompute one span's rows, in the caller's transaction (which must be atomic)."""
    threshold = settings.LEAGUE_SUPPRESSION_THRESHOLD
    league_version_bump([span.trust_id])
    if _use_sql(portable):
        _rollup_span_sql(span, now=now, threshold=threshold)
    else:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                lock_trusts(cursor, [span.trust_id])
        _rollup_span_portable(span, now=now, threshold=threshold)


def month_batches(
    first: datetime.date, last: datetime.date
) -> list[tuple[datetime.date, datetime.date]]:
    """first..last split into runs of at most ROLLUP_BATCH_MONTHS months, cut at quarter ends."""
    batches = []
    start = month_of(first)
    last = month_of(last)
    while start <= last:
        end = min(add_months(quarter_of(start), ROLLUP_BATCH_MONTHS - 1), last)
        batches.append((start, end))
        start = add_months(end, 1)
    return batches


def rollup_recompute(
    *,
    trust_ids: Sequence[int] | None = None,
    first_period: datetime.date,
    last_period: datetime.date,
    run: RollupRun | None = None,
    portable: bool | None = None,
    after_batch: Callable[[int], None] | None = None,
) -> int:
    """Recompute every rollup row of months first_period..last_period (and the quarter and
    rolling-12 rows they hold) for the trusts named, or all trusts. Returns the batches done.

    Each batch (one trust, up to a quarter) is one transaction: a worker killed midway leaves the
    batches before it done and the one it was in untouched, and a rerun gives the same table.
    `run`, when given, gets its progress after each batch and its finish time at the end.
    """
    if trust_ids is None:
        trust_ids = list(Trust.objects.order_by("pk").values_list("pk", flat=True))
    batches = month_batches(first_period, last_period)
    now = timezone.now()
    if run is not None:
        RollupRun.objects.filter(pk=run.pk).update(
            status=RollupStatus.RUNNING,
            started_at=now,
            steps_total=len(batches) * len(trust_ids),
            steps_done=0,
            first_period=month_of(first_period),
            last_period=month_of(last_period),
        )
    done = 0
    try:
        if _use_sql(portable):
            # Every score of the months, summed into cells in one pass: the one statement that
            # reads them all. The batches below merge league rows from the cells.
            with transaction.atomic():
                cells_rebuild_months(trust_ids, month_of(first_period), month_of(last_period))
        for trust_id in trust_ids:
            for first, last in batches:
                with transaction.atomic():
                    rollup_span(
                        Span(trust_id=trust_id, first=first, last=last, rolling_last=last),
                        now=now,
                        portable=portable,
                    )
                    done += 1
                    if run is not None:
                        RollupRun.objects.filter(pk=run.pk).update(steps_done=done)
                if after_batch is not None:
                    after_batch(done)
    except Exception as exc:
        if run is not None:
            RollupRun.objects.filter(pk=run.pk).update(
                status=RollupStatus.FAILED, finished_at=timezone.now(), error=str(exc)[:2000]
            )
        raise
    if run is not None:
        RollupRun.objects.filter(pk=run.pk).update(
            status=RollupStatus.DONE, finished_at=timezone.now()
        )
        league_version_bump(trust_ids)  # pages show the new "as at" time
    return done


def rollup_run_full(*, run_id: int, portable: bool | None = None) -> int:
    """Carry out a queued run (a "recompute now" or a scheduled full run)."""
    run = RollupRun.objects.filter(pk=run_id).first()
    if run is None or run.status == RollupStatus.DONE:
        return 0
    today = month_of(trust_today())
    return rollup_recompute(
        trust_ids=None if run.trust_id is None else [run.trust_id],
        first_period=run.first_period or today,
        last_period=run.last_period or today,
        run=run,
        portable=portable,
    )


def rollup_nightly(*, portable: bool | None = None) -> int:
    """The current and previous month of every trust: heals any update missed while the broker
    was down."""
    this_month = month_of(trust_today())
    run = RollupRun.objects.create(
        kind=RollupKind.NIGHTLY,
        first_period=add_months(this_month, -1),
        last_period=this_month,
    )
    return rollup_recompute(
        first_period=add_months(this_month, -1), last_period=this_month, run=run, portable=portable
    )


@transaction.atomic
def rollup_pending_apply(*, portable: bool | None = None) -> int:
    """Take every pending team-period (skipping any another worker holds), and redo just those
    teams' month rows, the quarter and rolling-12 rows holding them, and the trust-wide rows, in
    one transaction. Returns the team-periods taken."""
    taken = list(
        RollupPending.objects.select_for_update(skip_locked=True)
        .order_by("trust_id", "period", "team_id")
        .values_list("pk", "trust_id", "team_id", "period")
    )
    if not taken:
        return 0
    RollupPending.objects.filter(pk__in=[pk for pk, *_ in taken]).delete()
    this_month = month_of(trust_today())
    by_trust: dict[int, list[tuple[int, datetime.date]]] = defaultdict(list)
    for _, trust_id, team_id, period in taken:
        by_trust[trust_id].append((team_id, period))
    now = timezone.now()
    for trust_id, marks in sorted(by_trust.items()):
        if _use_sql(portable):
            cells_rebuild_team_months(trust_id, sorted(set(marks)))
        months = [period for _, period in marks]
        first, last = min(months), max(months)
        rollup_span(
            Span(
                trust_id=trust_id,
                first=first,
                last=last,
                rolling_last=max(last, min(add_months(last, 11), this_month)),
                team_ids=tuple(sorted({team_id for team_id, _ in marks})),
            ),
            now=now,
            portable=portable,
        )
    return len(taken)


def rollup_enqueue_pending() -> None:
    """Queue the incremental update after commit, once per coalescing window however many
    sends there are: the first send in a window queues it, the rest find it queued."""
    from ... import tasks

    def enqueue() -> None:
        # Run in-process (the embedded default), the update is done at once, so there is no
        # window to gather a burst in: every send runs it.
        eager = settings.CELERY_TASK_ALWAYS_EAGER
        if eager or django_cache.add(_PENDING_GUARD_KEY, 1, timeout=ROLLUP_COALESCE_SECONDS):
            tasks.rollup_pending.apply_async(countdown=ROLLUP_COALESCE_SECONDS)

    transaction.on_commit(enqueue)


# --- recompute now ------------------------------------------------------------------------------


def rollup_request(*, trust: Trust, requested_by: User, audit: AuditContext) -> RollupRun:
    """A QA manager's "recompute now" for their trust, from its first sent score to this month.

    A second request while one is queued or running gets that one (a double click makes one
    run); the run is queued once this commits."""
    from ... import tasks

    with transaction.atomic():
        Trust.objects.select_for_update().filter(pk=trust.pk).first()
        active = RollupRun.objects.filter(
            trust=trust,
            kind=RollupKind.FULL,
            status__in=[RollupStatus.QUEUED, RollupStatus.RUNNING],
        )
        active.filter(created_at__lt=timezone.now() - ROLLUP_RUN_STALE).update(
            status=RollupStatus.FAILED,
            finished_at=timezone.now(),
            error="Stopped without finishing.",
        )
        existing = active.first()
        if existing is not None:
            return existing
        this_month = month_of(trust_today())
        first = (
            ResponseScore.objects.filter(trust=trust, sent=True).aggregate(first=Min("period"))[
                "first"
            ]
            or this_month
        )
        run = RollupRun.objects.create(
            kind=RollupKind.FULL,
            trust=trust,
            requested_by=requested_by,
            first_period=min(first, this_month),
            last_period=this_month,
            steps_total=len(month_batches(min(first, this_month), this_month)),
        )
        log.info("rollup requested: run %s via %s", run.public_id, audit.via)
        transaction.on_commit(lambda: tasks.rollup_full.delay(run.pk))
    return run
