"""Recording a plan review: the ratings, what was said, and when to review next."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import User

from ..choices import PlanPart
from ..models import (
    Goal,
    PlanReview,
    RecoveryPlan,
)
from .base import audit_plan, plan_changed, require_editor


@transaction.atomic
def plan_review_record(
    *,
    actor: User,
    plan: RecoveryPlan,
    reviewed_on: datetime.date,
    summary: str,
    next_review_on: datetime.date,
    ratings: dict[int, int | None],
    audit: AuditContext,
) -> PlanReview:
    """Record a review: what was said, each goal's new rating (1-10) and the next review date.

    The reviewed plan then needs the person's agreement again, which freezes a new version.
    """
    require_editor(actor, plan)
    if reviewed_on > timezone.localdate():
        raise ValidationError({"reviewed_on": "The review date must be today or in the past."})
    if next_review_on <= reviewed_on:
        raise ValidationError({"next_review_on": "The next review must be after this review."})
    goals = {g.pk: g for g in plan.goals.select_for_update()}
    for goal_pk, rating in ratings.items():
        if goal_pk not in goals:
            raise ValidationError("A rating was given for a goal not in this plan.")
        if rating is not None and not 1 <= rating <= 10:
            raise ValidationError("Ratings go from 1 to 10.")
    review = PlanReview(
        plan=plan,
        reviewed_on=reviewed_on,
        summary=summary.strip(),
        next_review_on=next_review_on,
        recorded_by=actor,
        ratings={str(goals[pk].public_id): value for pk, value in ratings.items()},
    )
    review.full_clean()
    review.save()
    changed = []
    for goal_pk, rating in ratings.items():
        if rating is not None:
            goals[goal_pk].progress = rating
            changed.append(goals[goal_pk])
    Goal.objects.filter(pk__in=[g.pk for g in changed]).update(revision=F("revision") + 1)
    Goal.objects.bulk_update(changed, ["progress"])
    plan_changed(plan, PlanPart.GOALS)
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        review_due_on=next_review_on, last_reviewed_on=reviewed_on
    )
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)
    plan.refresh_from_db()
    return review
