"""What every recovery plan write shares: the editor check, the revision bump, the audit row,
and the double-submit guard of add forms."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone

from directory.audit import AuditContext
from directory.models import ServiceUser, User
from directory.services import access_record

from ..choices import PlanStatus
from ..models import RecoveryPlan
from ..permissions import can_edit_plan_of

RESOURCE = "recovery plan"


def audit_plan(
    audit: AuditContext,
    person: ServiceUser,
    action: str,
    resource: str = RESOURCE,
) -> None:
    access_record(audit=audit, service_user=person, action=action, resource=resource)


def require_editor(actor: User, plan: RecoveryPlan) -> None:
    if not can_edit_plan_of(actor, plan.service_user):
        raise ValidationError("You cannot change this plan.")
    if plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed and can no longer be changed.")


def plan_changed(plan: RecoveryPlan, part: str | None = None, **part_revision: Any) -> None:
    """Bump the plan's revision; an agreed plan that changes needs agreeing again, and a plan
    shared for agreement is no longer the one shared. `part` (a `PlanPart`) is dated."""
    now = timezone.now()
    dated = {f"{part}_changed_at": now} if part else {}
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        revision=F("revision") + 1,
        status=models.Case(
            models.When(status=PlanStatus.AGREED, then=models.Value(PlanStatus.DRAFT)),
            default=F("status"),
        ),
        updated_at=now,
        **dated,
        **part_revision,
    )


def only(values: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(f"Unknown fields: {', '.join(sorted(unknown))}.")
    return {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}


def earlier_submission(model: type[models.Model], public_id: uuid.UUID | None, **scope: Any) -> Any:
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


def save_new(obj: models.Model, **scope: Any) -> Any:
    """Save a new row; if a simultaneous double submit saved it first, return that one."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        existing = earlier_submission(type(obj), obj.public_id, **scope)  # type: ignore[attr-defined]
        if existing is None:
            raise
        return existing
    return obj
