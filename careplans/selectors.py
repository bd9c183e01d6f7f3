"""Reads of recovery plans, scoped to what the user may see, with their parts fetched once."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.db.models import Count, F, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from directory.models import ServiceUser, User

from .choices import PlanStatus
from .models import (
    DEFAULT_REVIEW_INTERVAL_MONTHS,
    GoalStep,
    PlanComment,
    PlanVersion,
    RecoveryPlan,
    TrustPlanSettings,
    review_state_of,
)
from .permissions import plans_visible_to
from .versions import plan_with_parts


@dataclass(frozen=True)
class PlanSummary:
    """What a list of people shows about each one's plan."""

    public_id: str
    status: str
    status_label: str
    review_due_on: datetime.date | None
    review_overdue: bool
    review_soon: bool


def plan_summaries_for(
    service_user_ids: Iterable[int], *, today: datetime.date | None = None
) -> dict[int, PlanSummary]:
    """Plan status and review flags for a page of people, in one query. People without a plan
    are absent from the answer."""
    today = today or timezone.localdate()
    labels = dict(PlanStatus.choices)
    rows = RecoveryPlan.objects.filter(service_user_id__in=list(service_user_ids)).values_list(
        "service_user_id", "public_id", "status", "review_due_on"
    )
    summaries = {}
    for person_id, public_id, status, due in rows:
        state = review_state_of(status, due, today)
        summaries[person_id] = PlanSummary(
            public_id=str(public_id),
            status=state.shown_status,
            status_label=labels[state.shown_status],
            review_due_on=due,
            review_overdue=state.overdue,
            review_soon=state.soon,
        )
    return summaries


def awaiting_agreement(prefix: str = "") -> Q:
    """Plans waiting for the person's agreement: shared with them, and not changed since.

    Written once here for the plan page, the agree service and the lists of what waits (a
    coordinator's "needs your attention", a person's home page). `prefix` reaches the plan
    from another model, e.g. "recovery_plan__" from a person.
    """
    return Q(
        **{
            f"{prefix}status": PlanStatus.DRAFT,
            f"{prefix}shared_revision": F(f"{prefix}revision"),
        }
    )


def plans_awaiting_agreement(*, user: User) -> QuerySet[RecoveryPlan]:
    """Plans the user may read that wait for the person's agreement, longest waiting first."""
    return plans_visible_to(user).filter(awaiting_agreement()).order_by("shared_at", "pk")


def plan_awaiting_agreement_of(person: ServiceUser) -> RecoveryPlan | None:
    """The person's plan if it waits for their agreement (for their home page): one query."""
    return RecoveryPlan.objects.filter(awaiting_agreement(), service_user=person).first()


def open_comments_of(plan: RecoveryPlan) -> QuerySet[PlanComment]:
    """The person's own comments on their plan that nobody has answered yet. They hold back
    agreement."""
    return PlanComment.objects.filter(
        plan=plan, answered_at__isnull=True, author__service_user_record=F("plan__service_user")
    )


def comments_waiting_for_an_answer(*, user: User) -> QuerySet[PlanComment]:
    """People's own comments on plans the user may read that nobody has answered, oldest first
    (for a coordinator's "needs your attention")."""
    return (
        PlanComment.objects.filter(
            plan__in=plans_visible_to(user),
            answered_at__isnull=True,
            author__service_user_record=F("plan__service_user"),
        )
        .select_related("plan__service_user")
        .order_by("created_at", "pk")
    )


def plan_for(person: ServiceUser) -> RecoveryPlan | None:
    """A person's plan on its own, without its parts: one query."""
    return RecoveryPlan.objects.filter(service_user=person).first()


def items_of(model: type[models.Model], plan: RecoveryPlan) -> QuerySet:
    """The goals, steps, crisis contacts or supporters of one plan."""
    scope = "goal__plan" if model is GoalStep else "plan"
    return model._default_manager.filter(**{scope: plan})


def review_interval_months(*, trust_id: int) -> int:
    """Months between a plan's agreement and its next review, in this trust."""
    settings_row = TrustPlanSettings.objects.filter(trust_id=trust_id).first()
    return settings_row.review_interval_months if settings_row else DEFAULT_REVIEW_INTERVAL_MONTHS


def plan_of(person: ServiceUser) -> RecoveryPlan | None:
    """A person's plan with goals, steps, contacts and supporters: five queries, any size."""
    return (
        plan_with_parts(RecoveryPlan.objects.filter(service_user=person))
        .prefetch_related(
            Prefetch(
                "comments", queryset=PlanComment.objects.select_related("author", "answered_by")
            ),
            "reviews",
        )
        .first()
    )


def versions_of(plan: RecoveryPlan) -> QuerySet[PlanVersion]:
    return plan.versions.select_related("agreed_by").order_by("-number")


def plan_list(*, user: User) -> QuerySet[RecoveryPlan]:
    """Plans the user may read, for the API list."""
    return (
        plans_visible_to(user)
        .select_related("service_user")
        .order_by("service_user__family_name", "service_user__given_name", "pk")
    )


# --- what a coordinator's or team leader's list of things to do reads about plans ---------


@dataclass(frozen=True)
class PlanNotAgreed:
    """A person's draft plan: when it last changed, and when it was shared with them for
    agreement if it waits for that now (`awaiting_agreement`: shared and unchanged since)."""

    changed: datetime.date
    shared: datetime.date | None


def plans_not_agreed(service_user_ids: Iterable[int]) -> dict[int, PlanNotAgreed]:
    """The people whose plan is a draft they have not agreed, by person id: one query."""
    rows = RecoveryPlan.objects.filter(
        service_user_id__in=list(service_user_ids), status=PlanStatus.DRAFT
    ).values_list("service_user_id", "updated_at", "shared_at", "shared_revision", "revision")
    return {
        person_id: PlanNotAgreed(
            changed=timezone.localdate(changed),
            shared=timezone.localdate(shared_at)
            if shared_at is not None and shared_revision == revision
            else None,
        )
        for person_id, changed, shared_at, shared_revision, revision in rows
    }


@dataclass(frozen=True)
class CommentsWaiting:
    """A person's comments on their plan that nobody has answered yet."""

    count: int
    since: datetime.date


def comments_waiting_for_reply(service_user_ids: Iterable[int]) -> dict[int, CommentsWaiting]:
    """People's own comments on their plan that nobody has answered yet (the rule of
    `open_comments_of`), by person id: one query for any number of people."""
    rows = (
        PlanComment.objects.filter(
            plan__service_user_id__in=list(service_user_ids),
            answered_at__isnull=True,
            author__service_user_record=F("plan__service_user"),
        )
        .order_by()
        .values("plan__service_user_id")
        .annotate(count=Count("pk"), since=Min("created_at"))
        .values_list("plan__service_user_id", "count", "since")
    )
    return {
        person_id: CommentsWaiting(count=count, since=timezone.localdate(since))
        for person_id, count, since in rows
    }
