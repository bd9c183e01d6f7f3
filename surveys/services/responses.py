"""Answering a check-in: opening a draft, keeping answers, sending it, and the API's one-call
record. Each write locks its row, so repeats and races land on one response."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from common.concurrency import IdempotencyConflict
from common.dates import month_of, trust_today
from common.validators import validate_as, validate_fresh_key
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser, User
from directory.selectors import current_team_id

from ..choices import STAFF_CHANNELS, Channel, ResponseStatus
from ..models import Answer, Instrument, Invitation, Item, Response
from ..permissions import can_enter_for, roles_of
from ..scoring import ItemSpec, RuleSpec, domain_scores
from ..selectors import instrument_for
from .access import audit_checkin_access
from .scores import scores_write


def instrument_specs(
    instrument: Instrument, items: Iterable[Item] | None = None
) -> tuple[list[ItemSpec], list[RuleSpec]]:
    """The scoring specs of an instrument; `items` when the caller has read them already."""
    specs = [
        ItemSpec(
            key=item.pk,
            domain=item.domain,
            low=min(item.scale_values),
            high=max(item.scale_values),
            reverse=item.reverse_scored,
        )
        for item in (instrument.items.all() if items is None else items)
    ]
    rules = [
        RuleSpec(domain=r.domain, method=r.method, min_answered=r.min_answered, lookup=r.lookup)
        for r in instrument.scoring_rules.all()
    ]
    return specs, rules


@transaction.atomic
def response_start(
    *,
    actor: User | None,
    service_user: ServiceUser,
    channel: str,
    instrument: Instrument | None = None,
    invitation: Invitation | None = None,
    audit: AuditContext,
) -> Response:
    """Open a draft, or return the person's open draft for this way of answering.

    The draft carries the idempotency key every later submit of it uses.
    """
    instrument = instrument or (
        invitation.instrument if invitation else instrument_for(service_user)
    )
    if channel in STAFF_CHANNELS:
        if actor is None or not can_enter_for(actor, service_user):
            raise ValidationError("You cannot enter a check-in for this person.")
    elif channel == Channel.SIGNED_IN:
        if actor is None or roles_of(actor).service_user_id != service_user.pk:
            raise ValidationError("Only the person themselves can start their own check-in.")
    elif channel == Channel.INVITATION:
        if invitation is None or invitation.service_user_id != service_user.pk:
            raise ValidationError("This invitation is for someone else.")
    else:
        raise ValidationError(f"Unknown way of answering: {channel}.")

    existing = Response.objects.filter(
        status=ResponseStatus.DRAFT,
        service_user=service_user,
        entered_by=actor if channel in STAFF_CHANNELS else None,
    )
    if invitation is not None:
        found = Response.objects.filter(invitation=invitation).first()
    else:
        found = existing.filter(
            instrument=instrument, channel=channel, invitation__isnull=True
        ).first()
    if found is not None:
        return found
    response = Response(
        instrument=instrument,
        service_user=service_user,
        team_id=service_user.team_id,
        channel=channel,
        entered_by=actor if channel in STAFF_CHANNELS else None,
        invitation=invitation,
    )
    response.full_clean(exclude=["idempotency_key"])
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:  # the same draft opened twice at once: use the one that won
        if invitation is not None:
            return Response.objects.get(invitation=invitation)
        return existing.get(instrument=instrument, channel=channel, invitation__isnull=True)
    audit_checkin_access(
        audit=audit,
        person=service_user,
        resource="check-in",
        action=AccessAction.CREATE,
    )
    return response


def _check_values(items: Mapping[int, Item], values: Mapping[int, int | None]) -> None:
    for item_id, value in values.items():
        item = items.get(item_id)
        if item is None:
            raise ValidationError(f"Item {item_id} is not part of this check-in.")
        if value is not None and value not in item.scale_values:
            raise ValidationError(
                {f"item_{item.number}": f"Choose one of the answers for statement {item.number}."}
            )


@transaction.atomic
def response_save_answers(
    *,
    response: Response,
    values: Mapping[int, int | None],
    audit: AuditContext,
) -> None:
    """Keep the answers given so far (keyed by item id; None for a skipped item) in the draft."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.status != ResponseStatus.DRAFT:
        raise ValidationError("This check-in has already been sent.")
    items = {item.pk: item for item in locked.instrument.items.all()}
    _check_values(items, values)
    Answer.objects.bulk_create(
        [
            Answer(response=locked, item_id=item_id, value=value)
            for item_id, value in values.items()
        ],
        update_conflicts=True,
        unique_fields=["response", "item"],
        update_fields=["value"],
    )
    audit_checkin_access(
        audit=audit,
        person=locked.service_user,
        resource="check-in answers",
        action=AccessAction.CHANGE,
    )


def _score_and_close(
    response: Response,
    *,
    completed_on: datetime.date,
    now: datetime.datetime,
) -> None:
    """Score the answers and mark the response sent, inside the caller's transaction."""
    items, rules = instrument_specs(response.instrument)
    answers = dict(
        Answer.objects.filter(response=response, value__isnull=False).values_list(
            "item_id", "value"
        )
    )
    scores = domain_scores(items=items, rules=rules, answers=answers)
    response.answered_count = len(answers)
    # The team the person is in as they send it, not when the draft was opened.
    response.team_id = current_team_id(person_id=response.service_user_id)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    response.completed_on = completed_on
    response.period = month_of(completed_on)
    # Every value here is worked out above, not typed in; the row's rules are database
    # constraints, which the UPDATE meets.
    response.save()
    scores_write(response=response, scores=scores)
    if response.invitation_id:
        Invitation.objects.filter(pk=response.invitation_id, used_at__isnull=True).update(
            used_at=now
        )


def _after_submit(response: Response) -> None:
    from .. import tasks

    transaction.on_commit(lambda: tasks.tell_coordinator_of_checkin.delay(response.pk))


def _check_completed_on(response: Response, completed_on: datetime.date | None) -> datetime.date:
    today = trust_today()
    if completed_on is None or response.channel not in STAFF_CHANNELS:
        return today
    if completed_on > today:
        raise ValidationError({"completed_on": "The date answered must be today or in the past."})
    if completed_on < today - datetime.timedelta(days=366):
        raise ValidationError({"completed_on": "The date answered must be within the last year."})
    return completed_on


@transaction.atomic
def response_submit(
    *,
    idempotency_key: uuid.UUID | str,
    completed_on: datetime.date | None = None,
    audit: AuditContext,
) -> tuple[Response, bool]:
    """Send a draft: score it, fix its period and close it. Returns (response, sent now?).

    The draft's row is locked first, so a second submit of the same key, whether a double
    click, a retry or a concurrent request, waits and then finds it already sent.
    """
    response = (
        Response.objects.select_for_update()
        .select_related("instrument", "service_user")
        .filter(idempotency_key=idempotency_key)
        .first()
    )
    if response is None:
        raise ValidationError("This check-in could not be found. Start it again.")
    if response.status == ResponseStatus.SUBMITTED:
        return response, False
    if (
        response.invitation_id is not None
        and Invitation.objects.filter(
            pk=response.invitation_id, expires_at__lte=timezone.now()
        ).exists()
    ):
        raise ValidationError(
            "This link expired before the check-in was sent, so it was not sent. Ask your care "
            "team for a new link."
        )
    completed = _check_completed_on(response, completed_on or response.completed_on)
    _score_and_close(response, completed_on=completed, now=timezone.now())
    audit_checkin_access(
        audit=audit,
        person=response.service_user,
        resource="check-in",
        action=AccessAction.CREATE,
    )
    _after_submit(response)
    return response, True


@transaction.atomic
def response_staff_details_set(
    *, response: Response, completed_on: datetime.date, channel: str, actor: User
) -> None:
    """How and when the person gave the answers staff are typing in."""
    if channel not in STAFF_CHANNELS or response.channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": "Choose paper or phone."})
    locked = Response.objects.select_for_update().get(pk=response.pk)
    if locked.status != ResponseStatus.DRAFT:
        raise ValidationError("This check-in has already been sent.")
    locked.completed_on = _check_completed_on(locked, completed_on)
    locked.channel = channel
    try:
        with transaction.atomic():
            locked.save(update_fields=["completed_on", "channel"])
    except IntegrityError as exc:
        raise ValidationError(
            "There is already an unsent check-in entered this way: finish that one first."
        ) from exc
    response.completed_on, response.channel = locked.completed_on, locked.channel


@transaction.atomic
def response_record(
    *,
    actor: User,
    service_user: ServiceUser,
    channel: str,
    idempotency_key: uuid.UUID,
    answers: Mapping[int, int | None],
    completed_on: datetime.date | None = None,
    instrument: Instrument | None = None,
    audit: AuditContext,
) -> tuple[Response, bool]:
    """Store a complete response in one call (the API). Returns (response, created?).

    The same idempotency key sent again returns the response already stored; under a race the
    unique constraint decides, and the loser reads the winner's row.
    """
    validate_as("idempotency_key", validate_fresh_key, idempotency_key)
    request = SentRequest(actor, service_user, channel, answers, completed_on, instrument)
    existing = Response.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _resent(existing, request=request, audit=audit), False
    instrument = instrument or instrument_for(service_user)
    if channel == Channel.SIGNED_IN:
        if roles_of(actor).service_user_id != service_user.pk:
            raise ValidationError("Only the person themselves can send their own check-in.")
    elif channel in STAFF_CHANNELS:
        if not can_enter_for(actor, service_user):
            raise ValidationError("You cannot enter a check-in for this person.")
    else:
        raise ValidationError({"channel": "Use signed_in, staff_paper or staff_phone."})
    items = list(instrument.items.all())  # read once: checking, storing and scoring use them
    items_by_number = {item.number: item for item in items}
    unknown = sorted(set(answers) - set(items_by_number))
    if unknown:
        raise ValidationError(
            {"answers": f"No item numbered {', '.join(map(str, unknown))} in this check-in."}
        )
    values = {items_by_number[number].pk: value for number, value in answers.items()}
    _check_values({item.pk: item for item in items}, values)
    item_specs, rule_specs = instrument_specs(instrument, items)
    given = {item_id: value for item_id, value in values.items() if value is not None}
    now = timezone.now()
    response = Response(
        idempotency_key=idempotency_key,
        instrument=instrument,
        service_user=service_user,
        team=service_user.team,
        channel=channel,
        entered_by=actor if channel in STAFF_CHANNELS else None,
    )
    completed_on = _check_completed_on(response, completed_on)
    # Sent from its first write: a row that is never a draft leaves alone the draft the person
    # (or the same member of staff) may have open on the web, which stays theirs to finish.
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    response.completed_on = completed_on
    response.period = month_of(completed_on)
    response.answered_count = len(given)
    # The input was checked above and by the API's serializer; the rules on the row itself
    # (choices, who entered it, one draft per way of answering, unique keys) are constraints
    # the INSERT meets, so the row is not validated again in Python first.
    try:
        with transaction.atomic():
            response.save(force_insert=True)
            Answer.objects.bulk_create(
                Answer(response=response, item_id=item_id, value=value)
                for item_id, value in values.items()
            )
            scores_write(
                response=response,
                scores=domain_scores(items=item_specs, rules=rule_specs, answers=given),
                trust_id=service_user.trust_id,
            )
    except IntegrityError:
        existing = Response.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _resent(existing, request=request, audit=audit), False
    audit_checkin_access(
        audit=audit,
        person=service_user,
        resource="check-in",
        action=AccessAction.CREATE,
    )
    _after_submit(response)
    return response, True


class SentRequest(NamedTuple):
    """What one call of `response_record` asked to store, to compare a retry with."""

    actor: User
    service_user: ServiceUser
    channel: str
    answers: Mapping[int, int | None]  # by item number
    completed_on: datetime.date | None
    instrument: Instrument | None


def _resent(response: Response, *, request: SentRequest, audit: AuditContext) -> Response:
    """The stored answer to a retried key: checked, and audited as a read, since the caller is
    shown it again."""
    _same_request(response, request)
    audit_checkin_access(audit=audit, person=request.service_user, resource="check-in")
    return response


def _same_request(response: Response, request: SentRequest) -> None:
    """A retried key must be the same request again: the same person, from the same side, with
    the same answers. Anything else is a conflict (the stored check-in stands), never a silent
    "already stored" that would lose the new answers."""
    if response.service_user_id != request.service_user.pk or (
        response.entered_by_id is not None and response.entered_by_id != request.actor.pk
    ):
        # Another person's check-in: say no more about it than that the key is taken.
        raise IdempotencyConflict(
            "This idempotency key was already used for another check-in. Make a new key for "
            "each check-in.",
            conflicts=["idempotency_key"],
        )
    if response.status == ResponseStatus.DRAFT:
        raise ValidationError({"idempotency_key": "This key belongs to an unsent check-in."})
    stored = dict(response.answers.values_list("item__number", "value"))
    differs = {
        "channel": response.channel != request.channel,
        "instrument": request.instrument is not None
        and response.instrument_id != request.instrument.pk,
        "completed_on": request.completed_on is not None
        and response.completed_on != request.completed_on,
        "answers": stored != dict(request.answers),
    }
    conflicts = [name for name, different in differs.items() if different]
    if conflicts:
        raise IdempotencyConflict(
            f"This idempotency key was already used for a check-in with a different "
            f"{', '.join(conflicts)}. The check-in sent first is kept; make a new key to send "
            f"another.",
            conflicts=conflicts,
        )
