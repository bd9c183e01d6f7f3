"""Reads the check-in pages, API and jobs share, each scoped and query-bounded.

One module per group of pages: `checkins` for filling in, journeys and invitations; league
tables add theirs beside it.
"""

from .checkins import (
    BUILT_IN_KEY,
    JOURNEY_DOMAINS,
    OVERDUE_AFTER_DAYS,
    CheckinOverview,
    CheckinStatus,
    DomainJourney,
    DomainOverview,
    active_instrument,
    answers_by_item,
    builtin_journey,
    checkin_overview,
    checkin_status_for,
    describe_change,
    invitation_for_token_hash,
    invitation_with_person,
    invitations_due_a_reminder,
    items_in_order,
    journey_responses,
    open_draft,
    people_due_a_checkin,
    response_for_filling,
    score_words,
    team_settings_for,
)
from .rollups import active_recompute_for, latest_rollup_for, league_as_at, rollup_run_in_trust

__all__ = [
    "BUILT_IN_KEY",
    "JOURNEY_DOMAINS",
    "OVERDUE_AFTER_DAYS",
    "CheckinOverview",
    "CheckinStatus",
    "DomainJourney",
    "DomainOverview",
    "active_instrument",
    "active_recompute_for",
    "answers_by_item",
    "builtin_journey",
    "checkin_overview",
    "checkin_status_for",
    "describe_change",
    "invitation_for_token_hash",
    "invitation_with_person",
    "invitations_due_a_reminder",
    "items_in_order",
    "journey_responses",
    "latest_rollup_for",
    "league_as_at",
    "open_draft",
    "people_due_a_checkin",
    "response_for_filling",
    "rollup_run_in_trust",
    "score_words",
    "team_settings_for",
]
