"""Scores one row per response and domain, the distance travelled, and the team-periods the
league tables must redo. Called inside the transaction that sends or withdraws a response."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from directory.models import ServiceUser, Team

from ..models import Response, ResponseScore, RollupPending
from .rollups import rollup_enqueue_pending


def scores_write(
    *, response: Response, scores: Mapping[str, Decimal | None], trust_id: int | None = None
) -> None:
    """Store the sent response's scores (domains too little answered get no row), work out the
    distance travelled of the person's scores with its team, and mark the team-periods whose
    rows changed as pending for the rollup. `trust_id`: the team's trust, where known.

    The scores written are kept on the response as `written_scores`, for the answer to show."""
    if trust_id is None:
        trust_id = Team.objects.values_list("trust_id", flat=True).get(pk=response.team_id)
    response.written_scores = {d: score for d, score in scores.items() if score is not None}
    key = response.instrument.key
    assert response.period is not None
    ResponseScore.objects.bulk_create(
        ResponseScore(
            response=response,
            trust_id=trust_id,
            team_id=response.team_id,
            service_user_id=response.service_user_id,
            period=response.period,
            instrument_key=key,
            domain=domain,
            score=score,
            sent=True,
        )
        for domain, score in scores.items()
        if score is not None
    )
    periods = changes_recompute(
        person_id=response.service_user_id, team_id=response.team_id, instrument_key=key
    )
    rollup_mark_pending(
        trust_id=trust_id,
        team_id=response.team_id,
        instrument_key=key,
        periods={response.period, *periods},
    )


def changes_recompute(*, person_id: int, team_id: int, instrument_key: str) -> set[datetime.date]:
    """Set `change` on the person's sent scores with the team and instrument: each score minus
    the first sent one of its domain (by the day answered), none on that first. One read, one
    write of the rows that differ; returns the periods of the rows that changed.

    The person's row is locked first, so two of their check-ins sent at once (say, one on paper
    and one from a link) are worked out one after the other, each seeing the other's scores."""
    ServiceUser.objects.select_for_update().filter(pk=person_id).values_list("pk").first()
    rows = list(
        ResponseScore.objects.filter(
            service_user_id=person_id, team_id=team_id, instrument_key=instrument_key
        )
        .order_by("response__completed_on", "response__submitted_at", "response_id")
        .only("pk", "domain", "score", "change", "sent", "period")
    )
    first: dict[str, Decimal] = {}
    changed = []
    for row in rows:
        if not row.sent:
            continue
        change: Decimal | None = None
        if row.domain in first:
            change = row.score - first[row.domain]
        else:
            first[row.domain] = row.score
        if change != row.change:
            row.change = change
            changed.append(row)
    if changed:
        ResponseScore.objects.bulk_update(changed, ["change"])
    return {row.period for row in changed}


def rollup_mark_pending(
    *, trust_id: int, team_id: int, instrument_key: str, periods: Iterable[datetime.date]
) -> None:
    """Upsert one pending row per team-period, however many sends land in it: the incremental
    rollup takes them all in one go."""
    RollupPending.objects.bulk_create(
        [
            RollupPending(
                trust_id=trust_id, team_id=team_id, period=period, instrument_key=instrument_key
            )
            for period in sorted(set(periods))
        ],
        update_conflicts=True,
        unique_fields=["trust", "team", "period", "instrument_key"],
        update_fields=["marked_at"],
    )
    # The incremental update is queued after commit, once per burst of sends.
    rollup_enqueue_pending()
