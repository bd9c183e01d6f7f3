"""Writes to recovery plans. Each is one transaction, names the person acting, and audits.

Every edit quotes the revision it started from. The write is a conditional UPDATE on that
revision, so of two people saving the same thing from the same starting point exactly one
succeeds; the other gets `StaleEdit` with what is saved now, and nothing is overwritten.
"""

from .agreement import comment_add, comment_answer, plan_agree, plan_share
from .base import RESOURCE
from .items import (
    crisis_contact_add,
    crisis_contact_remove,
    crisis_contact_update,
    goal_add,
    goal_move,
    goal_update,
    step_add,
    step_move,
    step_update,
    supporter_add,
    supporter_remove,
    supporter_update,
)
from .plan import plan_close, plan_create, plan_part_update
from .reviews import plan_review_record

__all__ = [
    "RESOURCE",
    "comment_add",
    "comment_answer",
    "crisis_contact_add",
    "crisis_contact_remove",
    "crisis_contact_update",
    "goal_add",
    "goal_move",
    "goal_update",
    "plan_agree",
    "plan_close",
    "plan_create",
    "plan_part_update",
    "plan_review_record",
    "plan_share",
    "step_add",
    "step_move",
    "step_update",
    "supporter_add",
    "supporter_remove",
    "supporter_update",
]
