"""Writes to recovery plans. Each is one transaction, names the person acting, and audits.

Every edit quotes the revision it started from. The write is a conditional UPDATE on that
revision, so of two people saving the same thing from the same starting point exactly one
succeeds; the other gets `StaleEdit` with what is saved now, and nothing is overwritten.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Max
from django.utils import timezone

from common.concurrency import StaleEdit, compare_and_set
from common.dates import add_months
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser, User
from directory.services import access_record

from .choices import AgreementMethod, PlanPart, PlanStatus
from .models import (
    DEFAULT_REVIEW_INTERVAL_MONTHS,
    TEXT_PARTS,
    CrisisContact,
    Goal,
    GoalStep,
    PlanComment,
    PlanReview,
    PlanVersion,
    RecoveryPlan,
    Supporter,
    TrustPlanSettings,
)
from .permissions import can_agree_plan_of, can_comment_on_plan_of, can_edit_plan_of
from .versions import plan_snapshot

RESOURCE = "recovery plan"


def _audit(
    audit: AuditContext,
    person: ServiceUser,
    action: str,
    resource: str = RESOURCE,
) -> None:
    access_record(audit=audit, service_user=person, action=action, resource=resource)


def _require_editor(actor: User, plan: RecoveryPlan) -> None:
    if not can_edit_plan_of(actor, plan.service_user):
        raise ValidationError("You cannot change this plan.")
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed and can no longer be changed.")


def _plan_changed(plan: RecoveryPlan, **part_revision: Any) -> None:
    """Bump the plan's revision; an agreed plan that changes needs agreeing again."""
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        revision=F("revision") + 1,
        status=models.Case(
            models.When(status=PlanStatus.AGREED, then=models.Value(PlanStatus.DRAFT)),
            default=F("status"),
        ),
        updated_at=timezone.now(),
        **part_revision,
    )


def review_interval_months(*, trust_id: int) -> int:
    settings_row = TrustPlanSettings.objects.filter(trust_id=trust_id).first()
    return settings_row.review_interval_months if settings_row else DEFAULT_REVIEW_INTERVAL_MONTHS


# --- the plan ------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, service_user: ServiceUser, audit: AuditContext) -> RecoveryPlan:
    """Start a person's plan. Asking twice (a double submit) returns the plan already started."""
    if not can_edit_plan_of(actor, service_user):
        raise ValidationError("You cannot start a plan for this person.")
    existing = RecoveryPlan.objects.filter(service_user=service_user).first()
    if existing is not None:  # the caller is shown the plan already started: a read
        _audit(audit, service_user, AccessAction.READ)
        return existing
    plan = RecoveryPlan(service_user=service_user, created_by=actor)
    plan.full_clean(exclude=["service_user"])
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # started at the same moment by someone else
        _audit(audit, service_user, AccessAction.READ)
        return RecoveryPlan.objects.get(service_user=service_user)
    _audit(audit, service_user, AccessAction.CREATE)
    return plan


@transaction.atomic
def plan_part_update(
    *,
    actor: User,
    plan: RecoveryPlan,
    part: str,
    revision: int,
    values: dict[str, str],
    audit: AuditContext,
) -> RecoveryPlan:
    """Save one free-text part (about me, keeping well, crisis) if nobody saved it meanwhile."""
    _require_editor(actor, plan)
    if part not in TEXT_PARTS:
        raise ValidationError(f"Unknown plan part: {part}.")
    fields = TEXT_PARTS[part]
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(f"Not part of {part}: {', '.join(sorted(unknown))}.")
    cleaned = {name: (values.get(name) or "").strip() for name in fields}
    for name, value in cleaned.items():
        setattr(plan, name, value)
    plan.full_clean(exclude=["service_user", "created_by"])
    current = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
    if all(getattr(current, name) == value for name, value in cleaned.items()):
        plan.refresh_from_db()
        # Nothing changed: not a new revision, nor a reason to agree again; but the answer
        # shows the saved plan, so it is a read.
        _audit(audit, plan.service_user, AccessAction.READ)
        return plan
    counter = f"{part}_revision"
    updated = RecoveryPlan.objects.filter(pk=plan.pk, **{counter: revision}).update(
        **cleaned, **{counter: F(counter) + 1}
    )
    if not updated:
        raise StaleEdit(current)
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_close(*, actor: User, plan: RecoveryPlan, audit: AuditContext) -> RecoveryPlan:
    """Close a plan when the person leaves the service; its agreed versions stay readable."""
    _require_editor(actor, plan)
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.CLOSED, revision=F("revision") + 1, updated_at=timezone.now()
    )
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    plan.refresh_from_db()
    return plan


# --- goals and steps -----------------------------------------------------------------------

GOAL_FIELDS = ("life_area", "description", "why_it_matters", "target_date", "status", "progress")
STEP_FIELDS = ("what", "who", "by_when", "done_on")
CONTACT_FIELDS = ("name", "relationship", "phone", "when_to_call")
SUPPORTER_FIELDS = (
    "name",
    "kind",
    "relationship",
    "contact",
    "shared_parts",
    "consent_recorded_on",
    "told_of_carer_assessment",
)


def _only(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def _earlier_submission(
    model: type[models.Model], public_id: uuid.UUID | None, **scope: Any
) -> Any:
    """The row a double submit of the same add form already made, or None.

    Add forms carry a fresh id that becomes the new row's public id, so the second of two
    identical submits finds the first instead of adding a duplicate.
    """
    if public_id is None:
        return None
    existing = model._default_manager.filter(public_id=public_id, **scope).first()
    if existing is None and model._default_manager.filter(public_id=public_id).exists():
        raise ValidationError("This form has already been used. Open it again to add another.")
    return existing


def _save_new(obj: models.Model, **scope: Any) -> Any:
    """Save a new row; if a simultaneous double submit saved it first, return that one."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        existing = _earlier_submission(type(obj), obj.public_id, **scope)  # type: ignore[attr-defined]
        if existing is None:
            raise
        return existing
    return obj


def _next_position(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> Goal:
    _require_editor(actor, plan)
    if earlier := _earlier_submission(Goal, public_id, plan=plan):
        return earlier
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()  # orders positions
    goal = Goal(
        plan=plan,
        public_id=public_id or uuid.uuid4(),
        position=_next_position(plan.goals.all()),
        **_only(values, GOAL_FIELDS),
    )
    goal.full_clean(validate_unique=False)
    if (saved := _save_new(goal, plan=plan)) is not goal:
        return saved
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    return goal


@transaction.atomic
def goal_update(
    *,
    actor: User,
    goal: Goal,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> Goal:
    plan = goal.plan
    _require_editor(actor, plan)
    if compare_and_set(goal, seen=revision, values=_only(values, GOAL_FIELDS)):
        _plan_changed(plan)
        _audit(audit, plan.service_user, AccessAction.CHANGE)
    else:  # nothing changed, but the caller is shown the saved goal
        _audit(audit, plan.service_user, AccessAction.READ)
    return goal


def _swap(items: list, pk: int, direction: str) -> bool:
    """Swap the item with its neighbour above or below and renumber from 1; False if it can't."""
    index = next(i for i, item in enumerate(items) if item.pk == pk)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position
    return True


@transaction.atomic
def goal_move(
    *,
    actor: User,
    goal: Goal,
    direction: str,
    audit: AuditContext,
) -> None:
    """Move a goal up or down the plan; the first goal up (or the last down) stays put."""
    plan = goal.plan
    _require_editor(actor, plan)
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()
    goals = list(plan.goals.order_by("position", "pk"))
    if not _swap(goals, goal.pk, direction):
        return
    Goal.objects.bulk_update(goals, ["position"])
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)


@transaction.atomic
def step_move(
    *,
    actor: User,
    step: GoalStep,
    direction: str,
    audit: AuditContext,
) -> None:
    """Move a step up or down its goal."""
    plan = step.goal.plan
    _require_editor(actor, plan)
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()
    steps = list(step.goal.steps.order_by("position", "pk"))
    if not _swap(steps, step.pk, direction):
        return
    GoalStep.objects.bulk_update(steps, ["position"])
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)


@transaction.atomic
def step_add(
    *,
    actor: User,
    goal: Goal,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> GoalStep:
    plan = goal.plan
    _require_editor(actor, plan)
    if earlier := _earlier_submission(GoalStep, public_id, goal=goal):
        return earlier
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()
    step = GoalStep(
        goal=goal,
        public_id=public_id or uuid.uuid4(),
        position=_next_position(goal.steps.all()),
        **_only(values, STEP_FIELDS),
    )
    step.full_clean(validate_unique=False)
    if (saved := _save_new(step, goal=goal)) is not step:
        return saved
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    return step


@transaction.atomic
def step_update(
    *,
    actor: User,
    step: GoalStep,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> GoalStep:
    plan = step.goal.plan
    _require_editor(actor, plan)
    if compare_and_set(step, seen=revision, values=_only(values, STEP_FIELDS)):
        _plan_changed(plan)
        _audit(audit, plan.service_user, AccessAction.CHANGE)
    return step


# --- crisis contacts and supporters --------------------------------------------------------


@transaction.atomic
def crisis_contact_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> CrisisContact:
    _require_editor(actor, plan)
    if earlier := _earlier_submission(CrisisContact, public_id, plan=plan):
        return earlier
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()
    contact = CrisisContact(
        plan=plan,
        public_id=public_id or uuid.uuid4(),
        position=_next_position(plan.crisis_contacts.all()),
        **_only(values, CONTACT_FIELDS),
    )
    contact.full_clean(validate_unique=False)
    if (saved := _save_new(contact, plan=plan)) is not contact:
        return saved
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    return contact


@transaction.atomic
def crisis_contact_update(
    *,
    actor: User,
    contact: CrisisContact,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> CrisisContact:
    plan = contact.plan
    _require_editor(actor, plan)
    if compare_and_set(contact, seen=revision, values=_only(values, CONTACT_FIELDS)):
        _plan_changed(plan)
        _audit(audit, plan.service_user, AccessAction.CHANGE)
    return contact


@transaction.atomic
def crisis_contact_remove(
    *,
    actor: User,
    contact: CrisisContact,
    revision: int,
    audit: AuditContext,
) -> None:
    """Remove a contact who should no longer be called, unless it changed since it was read."""
    plan = contact.plan
    _require_editor(actor, plan)
    deleted, _ = CrisisContact.objects.filter(pk=contact.pk, revision=revision).delete()
    if not deleted:
        current = CrisisContact.objects.filter(pk=contact.pk).first()
        if current is None:
            return  # already removed: a double submit
        raise StaleEdit(current)
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)


@transaction.atomic
def supporter_remove(
    *,
    actor: User,
    supporter: Supporter,
    revision: int,
    audit: AuditContext,
) -> None:
    """Take a supporter out of the plan (the person no longer wants them involved), unless it
    changed since it was read. Agreed versions keep the supporter as it was then."""
    plan = supporter.plan
    _require_editor(actor, plan)
    deleted, _ = Supporter.objects.filter(pk=supporter.pk, revision=revision).delete()
    if not deleted:
        current = Supporter.objects.filter(pk=supporter.pk).first()
        if current is None:
            return  # already removed: a double submit
        raise StaleEdit(current)
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)


@transaction.atomic
def supporter_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> Supporter:
    _require_editor(actor, plan)
    if earlier := _earlier_submission(Supporter, public_id, plan=plan):
        return earlier
    supporter = Supporter(
        plan=plan, public_id=public_id or uuid.uuid4(), **_only(values, SUPPORTER_FIELDS)
    )
    _check_supporter(supporter)
    supporter.consent_dates = _consent_dates(supporter, previous={})
    supporter.full_clean(validate_unique=False)
    if (saved := _save_new(supporter, plan=plan)) is not supporter:
        return saved
    _plan_changed(plan)
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    return supporter


@transaction.atomic
def supporter_update(
    *,
    actor: User,
    supporter: Supporter,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> Supporter:
    plan = supporter.plan
    _require_editor(actor, plan)
    draft = Supporter(**{**{f: getattr(supporter, f) for f in SUPPORTER_FIELDS}, **values})
    _check_supporter(draft)
    changes = {
        **_only(values, SUPPORTER_FIELDS),
        "consent_dates": _consent_dates(draft, previous=supporter.consent_dates or {}),
    }
    if compare_and_set(supporter, seen=revision, values=changes):
        _plan_changed(plan)
        _audit(audit, plan.service_user, AccessAction.CHANGE)
    return supporter


def _consent_dates(supporter: Supporter, *, previous: dict[str, str]) -> dict[str, str]:
    """Consent is recorded per part: a part shared for the first time takes the consent date
    given now; a part already shared keeps the date it was first agreed; an unshared part
    loses its date."""
    on = supporter.consent_recorded_on
    return {
        part: previous.get(part) or (on.isoformat() if on else "")
        for part in supporter.shared_parts or []
    }


def _check_supporter(supporter: Supporter) -> None:
    parts = supporter.shared_parts or []
    if any(p not in PlanPart.values for p in parts):
        raise ValidationError({"shared_parts": "Choose parts of the plan from the list."})
    if parts and supporter.consent_recorded_on is None:
        raise ValidationError(
            {"consent_recorded_on": "Enter the date the person agreed to share these parts."}
        )


# --- the person's voice: comments and agreement --------------------------------------------


@transaction.atomic
def comment_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    part: str,
    text: str,
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> PlanComment:
    if not can_comment_on_plan_of(actor, plan.service_user):
        raise ValidationError("You cannot comment on this plan.")
    if earlier := _earlier_submission(PlanComment, public_id, plan=plan):
        return earlier
    comment = PlanComment(
        plan=plan,
        public_id=public_id or uuid.uuid4(),
        part=part,
        author=actor,
        text=text.strip(),
    )
    comment.full_clean(validate_unique=False)
    if (saved := _save_new(comment, plan=plan)) is not comment:
        return saved
    _audit(audit, plan.service_user, AccessAction.CHANGE, "recovery plan comment")
    return comment


@transaction.atomic
def plan_agree(
    *,
    actor: User,
    plan: RecoveryPlan,
    revision: int,
    method: str = AgreementMethod.ONLINE,
    agreed_on: datetime.date | None = None,
    note: str = "",
    audit: AuditContext,
) -> PlanVersion:
    """Agree the plan as the person read it: freezes it as a new version.

    Online agreement is the person's own; a care coordinator or team leader records agreement
    given in person, by phone or by letter, with the date. A plan changed since it was read
    (`revision`) is not agreed: StaleEdit, so nobody agrees to words they have not seen.
    """
    person = plan.service_user
    if method == AgreementMethod.ONLINE:
        if not can_agree_plan_of(actor, person):
            raise ValidationError("Only the person can agree their plan online.")
    elif not can_edit_plan_of(actor, person):
        raise ValidationError("You cannot record agreement to this plan.")
    today = timezone.localdate()
    agreed_on = agreed_on or today
    if agreed_on > today:
        raise ValidationError({"agreed_on": "The date of agreement must be today or in the past."})
    locked = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed.")
    if locked.revision != revision:
        raise StaleEdit(locked)
    if locked.status == PlanStatus.AGREED:
        # Already agreed as it stands (a double submit): that version is the answer.
        return locked.versions.order_by("-number").first()  # type: ignore[return-value]
    number = (locked.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = PlanVersion(
        plan=locked,
        number=number,
        snapshot=plan_snapshot(locked),
        agreed_on=agreed_on,
        agreed_by=actor,
        method=method,
        note=note.strip(),
    )
    version.full_clean()
    version.save()
    review_due = locked.review_due_on
    if review_due is None or review_due <= agreed_on:
        review_due = add_months(agreed_on, review_interval_months(trust_id=person.trust_id))
    RecoveryPlan.objects.filter(pk=locked.pk).update(
        status=PlanStatus.AGREED, review_due_on=review_due, updated_at=timezone.now()
    )
    _audit(audit, person, AccessAction.CHANGE)
    plan.refresh_from_db()
    return version


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
    _require_editor(actor, plan)
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
    _plan_changed(plan)
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        review_due_on=next_review_on, last_reviewed_on=reviewed_on
    )
    _audit(audit, plan.service_user, AccessAction.CHANGE)
    plan.refresh_from_db()
    return review
