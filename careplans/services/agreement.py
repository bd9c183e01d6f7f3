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
from ..selectors import open_comments_of, review_interval_months
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
    if method == AgreementMethod.ONLINE and not locked.awaiting_agreement:
        raise ValidationError(
            "Your care coordinator has not asked you to agree this plan yet. "
            "They will let you know when it is ready."
        )
    if open_comments_of(locked).exists():
        raise ValidationError(
            "The person's comments on the plan need an answer before the plan is agreed."
            if method != AgreementMethod.ONLINE
            else "Your care coordinator will answer your comments first; then you can agree."
        )
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
        status=PlanStatus.AGREED,
        review_due_on=review_due,
        updated_at=timezone.now(),
        shared_revision=None,
        shared_at=None,
    )
    audit_plan(audit, person, AccessAction.CHANGE)
    plan.refresh_from_db()
    return version


@transaction.atomic
def plan_share(
    *, actor: User, plan: RecoveryPlan, revision: int, audit: AuditContext
) -> RecoveryPlan:
    """Ask the person to agree the plan as it stands at `revision`, and tell them so.

    A plan changed since the coordinator read it is not shared (StaleEdit): the person is asked
    to agree what the coordinator saw. Sharing again what is already shared changes nothing and
    sends nothing (a double submit). The email goes after commit, through the task queue.
    """
    if not can_edit_plan_of(actor, plan.service_user):
        raise ValidationError("You cannot share this plan.")
    locked = RecoveryPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed.")
    if locked.revision != revision:
        raise StaleEdit(locked)
    if locked.status != PlanStatus.DRAFT:
        raise ValidationError("The plan is agreed as it stands: there is nothing new to agree.")
    if locked.shared_revision == revision:
        audit_plan(audit, plan.service_user, AccessAction.READ)
        plan.refresh_from_db()
        return plan
    RecoveryPlan.objects.filter(pk=locked.pk).update(
        shared_revision=revision, shared_at=timezone.now()
    )
    audit_plan(audit, plan.service_user, AccessAction.CHANGE, "recovery plan sharing")
    from .. import tasks  # tasks call services: imported here to keep the import one-way

    plan_id = locked.pk
    transaction.on_commit(lambda: tasks.email_plan_shared.delay(plan_id, revision))
    plan.refresh_from_db()
    return plan


@transaction.atomic
def comment_answer(
    *,
    actor: User,
    comment: PlanComment,
    reply: str,
    audit: AuditContext,
) -> PlanComment:
    """Answer a person's comment: a reply, or (with no reply) marked dealt with.

    A comment is answered once. Of two answers at the same moment the first stands, and a
    second identical submit returns it; a different answer after the first is refused, so no
    reply is silently replaced.
    """
    plan = comment.plan
    if not can_edit_plan_of(actor, plan.service_user):
        raise ValidationError("You cannot answer comments on this plan.")
    if RecoveryPlan.objects.filter(pk=plan.pk, status=PlanStatus.CLOSED).exists():
        raise ValidationError("This plan is closed: its comments can no longer be answered.")
    reply = reply.strip()
    try:
        PlanComment._meta.get_field("reply").clean(reply, comment)
    except ValidationError as error:
        raise ValidationError({"reply": error.messages}) from None
    answered = PlanComment.objects.filter(pk=comment.pk, answered_at__isnull=True).update(
        reply=reply, answered_at=timezone.now(), answered_by=actor
    )
    comment.refresh_from_db()
    if not answered:
        if comment.reply != reply:
            raise ValidationError(
                {"reply": "This comment has already been answered. Read the answer below."}
            )
        audit_plan(audit, plan.service_user, AccessAction.READ, "recovery plan comment")
        return comment
    audit_plan(audit, plan.service_user, AccessAction.CHANGE, "recovery plan comment")
    return comment
