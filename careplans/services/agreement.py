"""The person's voice: comments on their plan, and agreeing it, which freezes a version."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from common.concurrency import StaleEdit
from common.dates import add_months
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import User

from ..choices import AgreementMethod, PlanStatus
from ..models import PlanComment, PlanVersion, RecoveryPlan
from ..permissions import can_agree_plan_of, can_comment_on_plan_of, can_edit_plan_of
from ..selectors import review_interval_months
from ..versions import plan_snapshot
from .base import audit_plan, earlier_submission, save_new


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
    if earlier := earlier_submission(PlanComment, public_id, plan=plan):
        return earlier
    # Locked, so a comment cannot land on a plan being closed at the same moment.
    if RecoveryPlan.objects.select_for_update().get(pk=plan.pk).status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed, so comments can no longer be added.")
    comment = PlanComment(
        plan=plan,
        public_id=public_id or uuid.uuid4(),
        part=part,
        author=actor,
        text=text.strip(),
    )
    comment.full_clean(validate_unique=False)
    if (saved := save_new(comment, plan=plan)) is not comment:
        return saved
    audit_plan(audit, plan.service_user, AccessAction.CHANGE, "recovery plan comment")
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
    audit_plan(audit, person, AccessAction.CHANGE)
    plan.refresh_from_db()
    return version
