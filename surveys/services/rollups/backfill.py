"""The gaps of every sent score at once, for the migration that brought gaps in and for bulk
loads; `scores_recompute` keeps them from then on, one person at a time."""

# Put together from this module's constants, never from input.
# ruff: noqa: S608
from __future__ import annotations

from .sql import _MONTH_INDEX

_MONTHS_BETWEEN = f"({_MONTH_INDEX.format('o.period')} - {_MONTH_INDEX.format('{0}')})"

# By window functions over each person's scores in answered order.
GAPS_BACKFILL = f"""
WITH o AS (
    SELECT s.id, s.period, s.change IS NOT NULL AS has_change,
           lag(s.period) OVER (PARTITION BY s.service_user_id, s.team_id, s.instrument_key,
                                            s.domain ORDER BY s.period, r.completed_on,
                                            r.submitted_at, s.response_id) AS p_team,
           lag(s.period) OVER (PARTITION BY s.service_user_id, s.instrument_key, s.domain
                               ORDER BY s.period, r.completed_on, r.submitted_at,
                                        s.response_id) AS p_trust,
           lag(s.period) OVER (PARTITION BY s.service_user_id, s.team_id, s.instrument_key,
                                            s.domain, s.change IS NOT NULL
                               ORDER BY s.period, r.completed_on, r.submitted_at,
                                        s.response_id) AS p_change_team,
           lag(s.period) OVER (PARTITION BY s.service_user_id, s.instrument_key, s.domain,
                                            s.change IS NOT NULL
                               ORDER BY s.period, r.completed_on, r.submitted_at,
                                        s.response_id) AS p_change_trust
      FROM surveys_responsescore s
      JOIN surveys_response r ON r.id = s.response_id
     WHERE s.sent
)
UPDATE surveys_responsescore s
   SET gap = coalesce(least({_MONTHS_BETWEEN.format("o.p_team")}, 12), 12),
       trust_gap = coalesce(least({_MONTHS_BETWEEN.format("o.p_trust")}, 12), 12),
       change_gap = CASE WHEN o.has_change
                         THEN coalesce(least({_MONTHS_BETWEEN.format("o.p_change_team")}, 12), 12)
                    END,
       change_trust_gap = CASE WHEN o.has_change
                               THEN coalesce(least({_MONTHS_BETWEEN.format("o.p_change_trust")},
                                                   12), 12)
                          END
  FROM o
 WHERE o.id = s.id
"""
