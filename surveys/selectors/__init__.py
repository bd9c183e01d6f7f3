"""Reads the check-in pages, API and jobs share, each scoped and query-bounded.

One module per group of pages: `checkins` for filling in and invitations, `journeys` for a
person's journey; league tables add theirs beside it.
"""

from .checkins import (
    BUILT_IN_KEY,
    OVERDUE_AFTER_DAYS,
    CheckinStatus,
    active_instrument,
    answers_by_item,
    checkin_status_for,
    instrument_choices,
    instrument_for,
    invitation_for_token_hash,
    invitation_with_person,
    invitations_due_a_reminder,
    items_in_order,
    open_draft,
    people_due_a_checkin,
    response_for_filling,
    sent_response_for_withdrawal,
    team_settings_for,
)
from .journeys import (
    CheckinOverview,
    DomainJourney,
    DomainOverview,
    InstrumentJourney,
    JourneyCheckin,
    checkin_overview,
    describe_change,
    journey,
    journey_responses,
    score_words,
    scores_by_domain,
)
from .rollups import active_recompute_for, latest_rollup_for, league_as_at, rollup_run_in_trust

__all__ = [
    "BUILT_IN_KEY",
    "OVERDUE_AFTER_DAYS",
    "CheckinOverview",
    "CheckinStatus",
    "DomainJourney",
    "DomainOverview",
    "InstrumentJourney",
    "JourneyCheckin",
    "active_instrument",
    "active_recompute_for",
    "answers_by_item",
    "checkin_overview",
    "checkin_status_for",
    "describe_change",
    "instrument_choices",
    "instrument_for",
    "invitation_for_token_hash",
    "invitation_with_person",
    "invitations_due_a_reminder",
    "items_in_order",
    "journey",
    "journey_responses",
    "latest_rollup_for",
    "league_as_at",
    "open_draft",
    "people_due_a_checkin",
    "response_for_filling",
    "rollup_run_in_trust",
    "score_words",
    "scores_by_domain",
    "sent_response_for_withdrawal",
    "team_settings_for",
]
