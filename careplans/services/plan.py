"""Starting, editing the free-text parts of, and closing a recovery plan."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from common.concurrency import StaleEdit
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser, User

from ..choices import PlanStatus
from ..models import TEXT_PARTS, RecoveryPlan
from ..permissions import can_edit_plan_of
from .base import audit_plan, plan_changed, require_editor


@transaction.atomic
def plan_create(*, actor: User, service_user: ServiceUser, audit: AuditContext) -> RecoveryPlan:
    """Start a person's plan. Asking twice (a double submit) returns the plan already started."""
    if not can_edit_plan_of(actor, service_user):
        raise ValidationError("You cannot start a plan for this person.")
    existing = RecoveryPlan.objects.filter(service_user=service_user).first()
    if existing is not None:  # the caller is shown the plan already started: a read
        audit_plan(audit, service_user, AccessAction.READ)
        return existing
    plan = RecoveryPlan(service_user=service_user, created_by=actor)
    plan.full_clean(exclude=["service_user"])
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:  # started at the same moment by someone else
        audit_plan(audit, service_user, AccessAction.READ)
        return RecoveryPlan.objects.get(service_user=service_user)
    audit_plan(audit, service_user, AccessAction.CREATE)
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
    require_editor(actor, plan)
    if part not in TEXT_PARTS:
        raise ValidationError(f"Unknown plan part: {part}.")
    fields = TEXT_PARTS[part]
    unknown = set(values) - set(fields)
    if unknown:
        raise ValidationError(f"Not part of {part}: {', '.join(sorted(unknown))}.")
    cleaned = {name: (values.get(name) or "").strip() for name in fields}
    for name, value in cleaned.items():
        setattr(plan, name, value)
    # The text's own rules (length, blank) checked in Python, with no query; what the database
    # enforces (choices, revisions, unique ids) is left to it rather than checked twice here.
    plan.clean_fields(exclude=["service_user", "created_by"])
    plan.clean()
    current = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
    if all(getattr(current, name) == value for name, value in cleaned.items()):
        plan.refresh_from_db()
        # Nothing changed: not a new revision, nor a reason to agree again; but the answer
        # shows the saved plan, so it is a read.
        audit_plan(audit, plan.service_user, AccessAction.READ)
        return plan
    counter = f"{part}_revision"
    updated = RecoveryPlan.objects.filter(pk=plan.pk, **{counter: revision}).update(
        **cleaned, **{counter: F(counter) + 1}
    )
    if not updated:
        raise StaleEdit(current)
    plan_changed(plan, part)
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)
    plan.refresh_from_db()
    return plan


@transaction.atomic
def plan_close(*, actor: User, plan: RecoveryPlan, audit: AuditContext) -> RecoveryPlan:
    """Close a plan when the person leaves the service; its agreed versions stay readable."""
    require_editor(actor, plan)
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.CLOSED, revision=F("revision") + 1, updated_at=timezone.now()
    )
    audit_plan(audit, plan.service_user, AccessAction.CHANGE)
    plan.refresh_from_db()
    return plan
