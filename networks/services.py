"""Every write in the networks app: referrals and their steps, opportunities kept up to date,
and network meetings. Keyword-only, transactional, audited."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from careplans.choices import PlanStatus
from careplans.models import Goal
from common.concurrency import StaleEdit, compare_and_set
from common.dates import trust_today
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import User
from directory.services import access_record

from .choices import ReferralStatus, SharedDetail, Side
from .models import Network, NetworkMeeting, Opportunity, Referral, ReferralStep
from .permissions import (
    can_act_as_partner_on,
    can_act_as_trust_on,
    can_edit_opportunity,
    can_refer_for,
    may_record_meetings,
    opportunities_visible_to,
)
from .transitions import NOTE_REQUIRED, TransitionRefused, check_transition

RESOURCE = "referral"


def shared_snapshot(goal: Goal, details: list[str], values: dict[str, str]) -> list[dict[str, str]]:
    """Exactly what the partner will see, as label and value pairs: the person's name and the
    goal always, then each detail the person agreed to share. `values` holds what the form
    asked for (phone, email, what would help); a chosen detail with no value is refused."""
    person = goal.plan.service_user
    rows = [
        {"label": "Name", "value": person.display_name},
        {"label": "Their goal", "value": goal.description},
    ]
    errors: dict[str, str] = {}
    for detail in SharedDetail:
        if detail not in details:
            continue
        if detail == SharedDetail.DATE_OF_BIRTH:
            value = person.date_of_birth.strftime("%-d %B %Y")
        elif detail == SharedDetail.WHY_IT_MATTERS:
            value = goal.why_it_matters
        else:
            value = (values.get(detail) or "").strip()
        if not value:
            errors[detail] = f"Enter the {detail.label.lower()} to share, or do not share it"
            continue
        rows.append({"label": str(detail.label), "value": value})
    if errors:
        raise ValidationError(errors)
    return rows


def _check_day(happened_on: datetime.date, after: datetime.date | None) -> None:
    if happened_on > trust_today():
        raise ValidationError({"happened_on": "The date must be today or in the past"})
    if after is not None and happened_on < after:
        raise ValidationError(
            {
                "happened_on": f"The date must be on or after {after.strftime('%-d %B %Y')}, "
                "the date of the step before"
            }
        )


@transaction.atomic
def referral_create(
    *,
    actor: User,
    goal: Goal,
    opportunity: Opportunity,
    refer_now: bool,
    consent: bool,
    details: list[str],
    values: dict[str, str],
    note: str = "",
    happened_on: datetime.date | None = None,
    submission: uuid.UUID | None = None,
    audit: AuditContext,
) -> Referral:
    """Suggest an opportunity to the person for one of their goals, or refer them to it now.

    Referring needs the person's consent to share the chosen details; the snapshot of what is
    shared is kept on the referral. A resubmitted form (the same `submission`) adds once.
    """
    if submission is not None:
        existing = Referral.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
    person = goal.plan.service_user
    if not can_refer_for(actor, person):
        raise ValidationError("You cannot make referrals for this person.")
    if goal.plan.status == PlanStatus.CLOSED:
        raise ValidationError("This plan is closed: referrals can no longer be made from it.")
    if (
        not opportunity.is_active
        or not opportunities_visible_to(actor).filter(pk=opportunity.pk).exists()
    ):
        raise ValidationError("This opportunity is not open for referrals.")
    if refer_now and not consent:
        raise ValidationError(
            {"consent": "Record that the person agreed to share these details, or suggest it only"}
        )
    day = happened_on or trust_today()
    _check_day(day, None)
    shared = shared_snapshot(goal, details, values)
    status = ReferralStatus.REFERRED if refer_now else ReferralStatus.SUGGESTED
    referral = Referral(
        goal=goal,
        person=person,
        team_id=person.team_id,
        opportunity=opportunity,
        partner_id=opportunity.partner_id,
        status=status,
        consent_recorded_on=day if consent else None,
        shared=shared,
        created_by=actor,
        submission=submission,
    )
    referral.full_clean(exclude=["submission"])
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        # Two submits of the same form at once: the first one made it.
        return Referral.objects.get(submission=submission)
    steps = [ReferralStatus.SUGGESTED] + ([ReferralStatus.REFERRED] if refer_now else [])
    ReferralStep.objects.bulk_create(
        ReferralStep(
            referral=referral,
            status=step,
            happened_on=day,
            note=note if step == status else "",
            side=Side.TRUST,
            recorded_by=actor,
        )
        for step in steps
    )
    access_record(audit=audit, service_user=person, action=AccessAction.CREATE, resource=RESOURCE)
    return referral


@transaction.atomic
def referral_advance(
    *,
    actor: User,
    referral: Referral,
    to: str,
    revision: int,
    happened_on: datetime.date,
    note: str = "",
    consent: bool = False,
    audit: AuditContext,
) -> Referral:
    """Record the referral's next step. The step must follow its status in the table
    (`transitions`) and be this side's to make; its date follows the step before.

    Submitting the same step twice records it once; a step quoting an old revision, when
    someone else has moved the referral on, is refused as stale.
    """
    current = Referral.objects.select_for_update().get(pk=referral.pk)
    if current.status == to:
        return current  # the same step submitted twice
    if can_act_as_partner_on(actor, current):
        side = Side.PARTNER
    elif can_act_as_trust_on(actor, current):
        side = Side.TRUST
    else:
        raise ValidationError("You cannot change this referral.")
    if current.revision != revision:
        raise StaleEdit(current)
    try:
        check_transition(current.status, to, side)
    except TransitionRefused as refused:
        raise ValidationError({"to": str(refused)}) from refused
    if to in NOTE_REQUIRED and not note.strip():
        raise ValidationError({"note": "Say why, in a few words"})
    values: dict[str, Any] = {"status": to}
    if to == ReferralStatus.REFERRED:
        if not consent:
            raise ValidationError(
                {"consent": "Record that the person agreed to share these details"}
            )
        values["consent_recorded_on"] = happened_on
    last = current.steps.order_by("-happened_on").values_list("happened_on", flat=True).first()
    _check_day(happened_on, last)
    compare_and_set(current, seen=revision, values=values)
    step = ReferralStep(
        referral=current,
        status=to,
        happened_on=happened_on,
        note=note,
        side=side,
        recorded_by=actor,
    )
    step.full_clean(exclude=["referral"])
    step.save()
    access_record(
        audit=audit, service_user=current.person, action=AccessAction.CHANGE, resource=RESOURCE
    )
    return current


OPPORTUNITY_FIELDS = (
    "title",
    "kind",
    "description",
    "eligibility",
    "places",
    "starts_on",
    "ends_on",
    "how_to_apply",
    "is_active",
)


@transaction.atomic
def opportunity_update(
    *, actor: User, opportunity: Opportunity, revision: int, values: dict[str, Any]
) -> bool:
    """Change what an opportunity says; quoting the revision the editor started from."""
    if not can_edit_opportunity(actor, opportunity):
        raise ValidationError("You cannot change this opportunity.")
    unknown = set(values) - set(OPPORTUNITY_FIELDS)
    if unknown:
        raise ValidationError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    return compare_and_set(opportunity, seen=revision, values=values)


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    network: Network,
    held_on: datetime.date,
    topic: str,
    notes: str,
    decisions: str,
    lived_experience: int,
    trust_staff: int,
    partner_staff: int,
    carers: int,
    submission: uuid.UUID | None = None,
) -> NetworkMeeting:
    if not may_record_meetings(actor, network):
        raise ValidationError("You cannot record this network's meetings.")
    if submission is not None:
        existing = NetworkMeeting.objects.filter(submission=submission).first()
        if existing is not None:
            return existing
    if held_on > trust_today():
        raise ValidationError({"held_on": "The date must be today or in the past"})
    meeting = NetworkMeeting(
        network=network,
        held_on=held_on,
        topic=topic,
        notes=notes,
        decisions=decisions,
        lived_experience=lived_experience,
        trust_staff=trust_staff,
        partner_staff=partner_staff,
        carers=carers,
        submission=submission,
    )
    meeting.full_clean(exclude=["submission"])
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        return NetworkMeeting.objects.get(submission=submission)
    return meeting
