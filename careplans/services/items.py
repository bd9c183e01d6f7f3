"""The listed items of a plan: goals and their steps, crisis contacts and supporters.

Adding, changing and removing each kind of item goes the same way, written once in
`_item_add`, `_item_update` and `_item_remove`; the public functions name each use case.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max

from common.concurrency import StaleEdit, compare_and_set
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import User

from ..choices import PlanPart
from ..models import CrisisContact, Goal, GoalStep, RecoveryPlan, Supporter
from .base import audit_plan, earlier_submission, only, plan_changed, require_editor, save_new

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

Item = TypeVar("Item", bound=models.Model)


def part_of(item: models.Model) -> str:
    """The part of the plan an item belongs to: crisis contacts sit in the crisis part."""
    if isinstance(item, (Goal, GoalStep)):
        return PlanPart.GOALS
    if isinstance(item, CrisisContact):
        return PlanPart.CRISIS
    return PlanPart.SUPPORTERS


def _next_position(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(top=Max("position"))["top"] or 0) + 1


def _item_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    model: type[Item],
    scope: dict[str, Any],
    values: dict[str, Any],
    public_id: uuid.UUID | None,
    audit: AuditContext,
    after: models.QuerySet | None = None,
    prepare: Callable[[Item], None] | None = None,
) -> Item:
    """Add an item under `scope` (its plan or goal), last of `after` when the items are ordered.

    A double submit of the same add form returns the item the first one made.
    """
    require_editor(actor, plan)
    if earlier := earlier_submission(model, public_id, **scope):
        return earlier
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()  # orders positions
    ordering = {} if after is None else {"position": _next_position(after)}
    item = model(**scope, public_id=public_id or uuid.uuid4(), **ordering, **values)
    if prepare is not None:
        prepare(item)
    item.full_clean(validate_unique=False)
    if (saved := save_new(item, **scope)) is not item:
        return saved
    plan_changed(plan, part_of(item))
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)
    return item


def _item_update(
    *,
    actor: User,
    plan: RecoveryPlan,
    item: models.Model,
    revision: int,
    changes: Callable[[], dict[str, Any]],
    audit: AuditContext,
) -> bool:
    """Save `changes` to an item read at `revision` (StaleEdit if it changed since); True if
    anything changed."""
    require_editor(actor, plan)
    if not compare_and_set(item, seen=revision, values=changes()):
        return False
    plan_changed(plan, part_of(item))
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)
    return True


def _item_remove(
    *,
    actor: User,
    plan: RecoveryPlan,
    item: models.Model,
    revision: int,
    audit: AuditContext,
) -> None:
    """Remove an item unless it changed since it was read; removing it twice is a no-op."""
    require_editor(actor, plan)
    manager = type(item)._default_manager
    deleted, _ = manager.filter(pk=item.pk, revision=revision).delete()
    if not deleted:
        current = manager.filter(pk=item.pk).first()
        if current is None:
            return  # already removed: a double submit
        raise StaleEdit(current)
    plan_changed(plan, part_of(item))
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)


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


def _item_move(
    *,
    actor: User,
    plan: RecoveryPlan,
    item: models.Model,
    siblings: models.QuerySet,
    direction: str,
    audit: AuditContext,
) -> None:
    require_editor(actor, plan)
    RecoveryPlan.objects.select_for_update().filter(pk=plan.pk).first()
    ordered = list(siblings.order_by("position", "pk"))
    if not _swap(ordered, item.pk, direction):
        return
    type(item)._default_manager.bulk_update(ordered, ["position"])
    plan_changed(plan, part_of(item))
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)


# --- goals and steps -----------------------------------------------------------------------


@transaction.atomic
def goal_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> Goal:
    return _item_add(
        actor=actor,
        plan=plan,
        model=Goal,
        scope={"plan": plan},
        values=only(values, GOAL_FIELDS),
        public_id=public_id,
        audit=audit,
        after=plan.goals.all(),
    )


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
    changed = _item_update(
        actor=actor,
        plan=plan,
        item=goal,
        revision=revision,
        changes=lambda: only(values, GOAL_FIELDS),
        audit=audit,
    )
    if not changed:  # nothing changed, but the caller is shown the saved goal
        audit_plan(audit, plan.service_user, AccessAction.READ)
    return goal


@transaction.atomic
def goal_move(*, actor: User, goal: Goal, direction: str, audit: AuditContext) -> None:
    """Move a goal up or down the plan; the first goal up (or the last down) stays put."""
    plan = goal.plan
    _item_move(
        actor=actor,
        plan=plan,
        item=goal,
        siblings=plan.goals.all(),
        direction=direction,
        audit=audit,
    )


@transaction.atomic
def step_move(*, actor: User, step: GoalStep, direction: str, audit: AuditContext) -> None:
    """Move a step up or down its goal."""
    _item_move(
        actor=actor,
        plan=step.goal.plan,
        item=step,
        siblings=step.goal.steps.all(),
        direction=direction,
        audit=audit,
    )


@transaction.atomic
def step_add(
    *,
    actor: User,
    goal: Goal,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> GoalStep:
    return _item_add(
        actor=actor,
        plan=goal.plan,
        model=GoalStep,
        scope={"goal": goal},
        values=only(values, STEP_FIELDS),
        public_id=public_id,
        audit=audit,
        after=goal.steps.all(),
    )


@transaction.atomic
def step_update(
    *,
    actor: User,
    step: GoalStep,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> GoalStep:
    _item_update(
        actor=actor,
        plan=step.goal.plan,
        item=step,
        revision=revision,
        changes=lambda: only(values, STEP_FIELDS),
        audit=audit,
    )
    return step


# --- crisis contacts -----------------------------------------------------------------------


@transaction.atomic
def crisis_contact_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> CrisisContact:
    return _item_add(
        actor=actor,
        plan=plan,
        model=CrisisContact,
        scope={"plan": plan},
        values=only(values, CONTACT_FIELDS),
        public_id=public_id,
        audit=audit,
        after=plan.crisis_contacts.all(),
    )


@transaction.atomic
def crisis_contact_update(
    *,
    actor: User,
    contact: CrisisContact,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> CrisisContact:
    _item_update(
        actor=actor,
        plan=contact.plan,
        item=contact,
        revision=revision,
        changes=lambda: only(values, CONTACT_FIELDS),
        audit=audit,
    )
    return contact


@transaction.atomic
def crisis_contact_remove(
    *, actor: User, contact: CrisisContact, revision: int, audit: AuditContext
) -> None:
    """Remove a contact who should no longer be called, unless it changed since it was read."""
    _item_remove(actor=actor, plan=contact.plan, item=contact, revision=revision, audit=audit)


# --- supporters ----------------------------------------------------------------------------


@transaction.atomic
def supporter_add(
    *,
    actor: User,
    plan: RecoveryPlan,
    values: dict[str, Any],
    public_id: uuid.UUID | None = None,
    audit: AuditContext,
) -> Supporter:
    def prepare(supporter: Supporter) -> None:
        _check_supporter(supporter)
        supporter.consent_dates = _consent_dates(supporter, previous={})

    return _item_add(
        actor=actor,
        plan=plan,
        model=Supporter,
        scope={"plan": plan},
        values=only(values, SUPPORTER_FIELDS),
        public_id=public_id,
        audit=audit,
        prepare=prepare,
    )


@transaction.atomic
def supporter_update(
    *,
    actor: User,
    supporter: Supporter,
    revision: int,
    values: dict[str, Any],
    audit: AuditContext,
) -> Supporter:
    def changes() -> dict[str, Any]:
        draft = Supporter(**{**{f: getattr(supporter, f) for f in SUPPORTER_FIELDS}, **values})
        _check_supporter(draft)
        return {
            **only(values, SUPPORTER_FIELDS),
            "consent_dates": _consent_dates(draft, previous=supporter.consent_dates or {}),
        }

    _item_update(
        actor=actor,
        plan=supporter.plan,
        item=supporter,
        revision=revision,
        changes=changes,
        audit=audit,
    )
    return supporter


@transaction.atomic
def supporter_remove(
    *, actor: User, supporter: Supporter, revision: int, audit: AuditContext
) -> None:
    """Take a supporter out of the plan (the person no longer wants them involved), unless it
    changed since it was read. Agreed versions keep the supporter as it was then."""
    _item_remove(actor=actor, plan=supporter.plan, item=supporter, revision=revision, audit=audit)


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
