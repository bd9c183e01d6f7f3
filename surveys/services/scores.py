"""Scores one row per response and domain, the distance travelled, the gaps the rollup counts
people with, and the team-periods the league tables must redo. Called inside the transaction
that sends or withdraws a response."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from django.db.models import F

from common.dates import months_between
from directory.models import ServiceUser, Team

from ..models import Response, ResponseScore, RollupPending
from .rollups import rollup_enqueue_pending

# A gap of a year or more counts the same as none: no period the rollup builds is longer.
GAP_NONE = 12
_SCORE_FIELDS = ["change", "gap", "trust_gap", "change_gap", "change_trust_gap"]
_NEVER = datetime.datetime.min.replace(tzinfo=datetime.UTC)


def scores_write(
    *, response: Response, scores: Mapping[str, Decimal | None], trust_id: int | None = None
) -> None:
    """Store the sent response's scores (domains too little answered get no row), work out the
    distance travelled and the gaps of the person's scores, and mark the team-periods whose rows
    changed as pending for the rollup. `trust_id`: the team's trust, where known.

    The scores written are kept on the response as `written_scores`, for the answer to show."""
    if trust_id is None:
        trust_id = Team.objects.values_list("trust_id", flat=True).get(pk=response.team_id)
    response.written_scores = {d: score for d, score in scores.items() if score is not None}
    key = response.instrument.key
    assert response.period is not None
    new_rows = [
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
    ]
    touched = scores_recompute(
        person_id=response.service_user_id, instrument_key=key, adding=(response, new_rows)
    )
    touched.add((response.team_id, response.period))
    rollup_mark_pending(trust_id=trust_id, instrument_key=key, team_periods=touched)


def score_figures(rows: Sequence[ResponseScore], *, recompute_change: bool = True) -> None:
    """Set change and the four gaps on a person's scores of one instrument, given in the order
    they were answered. Withdrawn rows are skipped (and keep what they had). A bulk load that
    brings its own changes keeps them with `recompute_change=False`."""
    first: dict[tuple[int, str], Decimal] = {}
    last_seen: dict[tuple, datetime.date] = {}

    def gap(scope: tuple, period: datetime.date) -> int:
        previous = last_seen.get(scope)
        last_seen[scope] = period
        return GAP_NONE if previous is None else min(months_between(period, previous), GAP_NONE)

    # Gaps run in period order; the answering order breaks ties within a month.
    for row in sorted((r for r in rows if r.sent), key=lambda r: r.period):
        team_scope = (row.team_id, row.domain)
        if recompute_change:
            row.change = None
            if team_scope in first:
                row.change = row.score - first[team_scope]
            first.setdefault(team_scope, row.score)
        row.gap = gap(("team", *team_scope), row.period)
        row.trust_gap = gap(("trust", row.domain), row.period)
        has_change = row.change is not None
        row.change_gap = gap(("change", *team_scope), row.period) if has_change else None
        row.change_trust_gap = gap(("change-trust", row.domain), row.period) if has_change else None


def scores_recompute(
    *,
    person_id: int,
    instrument_key: str,
    adding: tuple[Response, Sequence[ResponseScore]] | None = None,
) -> set[tuple[int, datetime.date]]:
    """Redo change and gaps on the person's sent scores of the instrument (with every team),
    with the unsaved rows of a response being sent (`adding`) in their place: one read, one
    insert of those rows with their figures, one write of the other rows that differ. Returns
    the (team, period) of every existing row that changed.

    `change` is each score minus the first sent one of its domain with the same team (by the day
    answered), none on that first. The person's row is locked first, so two of their check-ins
    sent at once (say, one on paper and one from a link) are worked out one after the other,
    each seeing the other's scores."""
    ServiceUser.objects.select_for_update().filter(pk=person_id).values_list("pk").first()
    rows = list(
        ResponseScore.objects.filter(service_user_id=person_id, instrument_key=instrument_key)
        .annotate(answered_on=F("response__completed_on"), answered_at=F("response__submitted_at"))
        .only("pk", "response_id", "team_id", "domain", "score", "sent", "period", *_SCORE_FIELDS)
    )
    before = {row.pk: tuple(getattr(row, name) for name in _SCORE_FIELDS) for row in rows}
    new_rows: Sequence[ResponseScore] = ()
    if adding is not None:
        response, new_rows = adding
        for row in new_rows:
            row.answered_on = response.completed_on  # type: ignore[attr-defined]
            row.answered_at = response.submitted_at  # type: ignore[attr-defined]
    in_order = sorted(
        [*rows, *new_rows],
        key=lambda r: (r.answered_on, r.answered_at or _NEVER, r.response_id),  # type: ignore[attr-defined]
    )
    score_figures(in_order)
    if new_rows:
        ResponseScore.objects.bulk_create(new_rows)
    changed = [
        row
        for row in rows
        if row.sent and tuple(getattr(row, name) for name in _SCORE_FIELDS) != before[row.pk]
    ]
    if changed:
        ResponseScore.objects.bulk_update(changed, _SCORE_FIELDS)
    return {(row.team_id, row.period) for row in changed}


def rollup_mark_pending(
    *,
    trust_id: int,
    instrument_key: str,
    team_periods: Iterable[tuple[int, datetime.date]],
) -> None:
    """Upsert one pending row per team-period, however many sends land in it: the incremental
    rollup takes them all in one go."""
    RollupPending.objects.bulk_create(
        [
            RollupPending(
                trust_id=trust_id, team_id=team_id, period=period, instrument_key=instrument_key
            )
            for team_id, period in sorted(set(team_periods))
        ],
        update_conflicts=True,
        unique_fields=["trust", "team", "period", "instrument_key"],
        update_fields=["marked_at"],
    )
    # The incremental update is queued after commit, once per burst of sends.
    rollup_enqueue_pending()
