"""Writes for check-ins, each one transaction naming who acts.

Reads and changes of a person's answers are written to the access audit
(`directory.services.access_record`) with the caller's audit context. Where nobody is signed in
and no system actor is named, only the person's own one-time link can have let them in, and the
audit says so.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from collections.abc import Mapping

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from common.dates import in_trust_zone, month_of, trust_today
from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser, Team, User
from directory.selectors import current_team_id
from directory.services import access_record

from .choices import STAFF_CHANNELS, Channel, Domain, ResponseStatus
from .instrument_files import CheckedInstrument
from .models import (
    Answer,
    Instrument,
    Invitation,
    Item,
    Response,
    ScoringRule,
    TeamSurveySettings,
)
from .permissions import can_change_team_settings, can_enter_for, can_invite, roles_of
from .scoring import ItemSpec, RuleSpec, domain_scores

BUILT_IN_KEY = "hope-control-opportunity"
SCORE_FIELDS = {domain: f"{domain}_score" for domain in Domain.values}


# --- small helpers --------------------------------------------------------------------------


INVITATION_ACTOR = "The person, through their one-time check-in link"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit_checkin_access(
    *,
    audit: AuditContext,
    person: ServiceUser,
    resource: str,
    action: str = AccessAction.READ,
) -> None:
    """Audit a check-in read or change. Nobody signed in and no named system actor means the
    person through their own one-time link: nothing else lets anyone in without signing in."""
    if not audit.names_somebody:
        audit = audit.without_user(INVITATION_ACTOR)
    access_record(audit=audit, service_user=person, action=action, resource=resource)


def team_settings_for(team: Team) -> TeamSurveySettings:
    """The team's check-in settings, or the defaults (unsaved) where it has none."""
    found = TeamSurveySettings.objects.filter(team=team).first()
    return found or TeamSurveySettings(team=team)


def active_instrument() -> Instrument:
    """The newest active version of the built-in check-in."""
    instrument = (
        Instrument.objects.filter(key=BUILT_IN_KEY, active=True).order_by("-version").first()
    )
    if instrument is None:
        raise ValidationError("The check-in is not set up: run the migrations.")
    return instrument


# --- instruments ---------------------------------------------------------------------------


@transaction.atomic
def instrument_load(*, checked: CheckedInstrument) -> tuple[Instrument, bool]:
    """Store a checked instrument file as (key, version). Returns the instrument and whether
    it is new. A version that already has responses is never changed: load a new version."""
    instrument = (
        Instrument.objects.select_for_update()
        .filter(key=checked.key, version=checked.version)
        .first()
    )
    created = instrument is None
    if instrument is not None and instrument.has_responses():
        raise ValidationError(
            f"Version {checked.version} of '{checked.key}' already has responses, so it cannot "
            f"change. Give the file version {checked.version + 1} (or higher) and load it again."
        )
    if instrument is None:
        instrument = Instrument(key=checked.key, version=checked.version)
    instrument.title = checked.title
    instrument.introduction = checked.introduction
    instrument.licence_note = checked.licence_note
    instrument.full_clean()
    instrument.save()
    instrument.items.all().delete()
    instrument.scoring_rules.all().delete()
    Item.objects.bulk_create(
        Item(
            instrument=instrument,
            number=item.number,
            text=item.text,
            hint=item.hint,
            domain=item.domain,
            scale=item.scale,
            reverse_scored=item.reverse,
        )
        for item in sorted(checked.items, key=lambda i: i.number)
    )
    ScoringRule.objects.bulk_create(
        ScoringRule(
            instrument=instrument,
            domain=rule.domain,
            method=rule.method,
            min_answered=rule.min_answered,
            lookup=rule.lookup,
        )
        for rule in checked.rules
    )
    return instrument, created


# --- responses -----------------------------------------------------------------------------


def instrument_specs(instrument: Instrument) -> tuple[list[ItemSpec], list[RuleSpec]]:
    items = [
        ItemSpec(
            key=item.pk,
            domain=item.domain,
            low=min(item.scale_values),
            high=max(item.scale_values),
            reverse=item.reverse_scored,
        )
        for item in instrument.items.all()
    ]
    rules = [
        RuleSpec(domain=r.domain, method=r.method, min_answered=r.min_answered, lookup=r.lookup)
        for r in instrument.scoring_rules.all()
    ]
    return items, rules


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
    instrument = instrument or (invitation.instrument if invitation else active_instrument())
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
    for domain, field in SCORE_FIELDS.items():
        setattr(response, field, scores.get(domain))
    response.answered_count = len(answers)
    # The team the person is in as they send it, not when the draft was opened.
    response.team_id = current_team_id(person_id=response.service_user_id)
    response.status = ResponseStatus.SUBMITTED
    response.submitted_at = now
    response.completed_on = completed_on
    response.period = month_of(completed_on)
    response.full_clean()
    response.save()
    if response.invitation_id:
        Invitation.objects.filter(pk=response.invitation_id, used_at__isnull=True).update(
            used_at=now
        )


def _after_submit(response: Response) -> None:
    from . import tasks

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
    existing = Response.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _resent(existing, actor=actor, service_user=service_user, audit=audit), False
    instrument = instrument or active_instrument()
    if channel == Channel.SIGNED_IN:
        if roles_of(actor).service_user_id != service_user.pk:
            raise ValidationError("Only the person themselves can send their own check-in.")
    elif channel in STAFF_CHANNELS:
        if not can_enter_for(actor, service_user):
            raise ValidationError("You cannot enter a check-in for this person.")
    else:
        raise ValidationError({"channel": "Use signed_in, staff_paper or staff_phone."})
    items_by_number = {item.number: item for item in instrument.items.all()}
    unknown = sorted(set(answers) - set(items_by_number))
    if unknown:
        raise ValidationError(
            {"answers": f"No item numbered {', '.join(map(str, unknown))} in this check-in."}
        )
    values = {items_by_number[number].pk: value for number, value in answers.items()}
    _check_values({item.pk: item for item in items_by_number.values()}, values)
    now = timezone.now()
    response = Response(
        idempotency_key=idempotency_key,
        instrument=instrument,
        service_user=service_user,
        team_id=service_user.team_id,
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
    try:
        with transaction.atomic():
            response.save()
            Answer.objects.bulk_create(
                Answer(response=response, item_id=item_id, value=value)
                for item_id, value in values.items()
            )
            _score_and_close(response, completed_on=completed_on, now=now)
    except IntegrityError:
        existing = Response.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _resent(existing, actor=actor, service_user=service_user, audit=audit), False
    audit_checkin_access(
        audit=audit,
        person=service_user,
        resource="check-in",
        action=AccessAction.CREATE,
    )
    _after_submit(response)
    return response, True


def _resent(
    response: Response, *, actor: User, service_user: ServiceUser, audit: AuditContext
) -> Response:
    """The stored answer to a retried key: checked, and audited as a read, since the caller is
    shown it again."""
    _same_request(response, actor=actor, service_user=service_user)
    audit_checkin_access(audit=audit, person=service_user, resource="check-in")
    return response


def _same_request(response: Response, *, actor: User, service_user: ServiceUser) -> Response:
    """A retried key must name the same person and come from the same side."""
    if response.service_user_id != service_user.pk or (
        response.entered_by_id is not None and response.entered_by_id != actor.pk
    ):
        raise ValidationError({"idempotency_key": "This key was used for another check-in."})
    if response.status != ResponseStatus.SUBMITTED:
        raise ValidationError({"idempotency_key": "This key belongs to an unsent check-in."})
    return response


# --- invitations ---------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


@transaction.atomic
def invitation_create(*, actor: User, service_user: ServiceUser, audit: AuditContext) -> Invitation:
    """Invite a person to a check-in. An unused, unexpired invitation is reused, not doubled.

    The link is made separately (`invitation_issue_link`), to be shown once or emailed.
    """
    if not can_invite(actor, service_user):
        raise ValidationError("You cannot invite this person.")
    ServiceUser.objects.select_for_update().filter(pk=service_user.pk).first()
    now = timezone.now()
    open_invitation = (
        Invitation.objects.filter(
            service_user=service_user, used_at__isnull=True, expires_at__gt=now
        )
        .order_by("-expires_at")
        .first()
    )
    if open_invitation is not None:
        return open_invitation
    days = team_settings_for(service_user.team).link_valid_days
    _, unusable_hash = _new_token()  # no link works until one is issued
    invitation = Invitation(
        service_user=service_user,
        instrument=active_instrument(),
        token_hash=unusable_hash,
        created_by=actor,
        expires_at=now + datetime.timedelta(days=days),
    )
    invitation.full_clean()
    invitation.save()
    audit_checkin_access(
        audit=audit,
        person=service_user,
        resource="check-in invitation",
        action=AccessAction.CREATE,
    )
    return invitation


@transaction.atomic
def invitation_issue_link(*, invitation: Invitation, audit: AuditContext) -> str:
    """A new link for the invitation; any earlier link for it stops working. Returns the token."""
    token, token_hash = _new_token()
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash)
    invitation.token_hash = token_hash
    audit_checkin_access(
        audit=audit,
        person=invitation.service_user,
        resource="check-in invitation link",
        action=AccessAction.CHANGE,
    )
    return token


def invitation_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("surveys:invitation", kwargs={"token": token})


@transaction.atomic
def invitations_for_caseload(
    *, actor: User, people: list[ServiceUser], audit: AuditContext
) -> tuple[int, int]:
    """Invite each person who may be invited; email those with an address. Returns
    (invited, to be emailed)."""
    invited = emailed = 0
    for person in people:
        if not can_invite(actor, person):
            continue
        invitation = invitation_create(actor=actor, service_user=person, audit=audit)
        invited += 1
        if person.user_id and person.user and person.user.email:
            invitation_email_later(invitation)
            emailed += 1
    return invited, emailed


def invitation_email_later(invitation: Invitation) -> None:
    from . import tasks

    transaction.on_commit(lambda: tasks.email_invitation.delay(invitation.pk))


def invitation_email(*, invitation_id: int, audit: AuditContext, reminder: bool = False) -> bool:
    """Email the person a fresh link to their invitation. False if there is nothing to send."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("service_user__user", "service_user__team")
            .filter(pk=invitation_id)
            .first()
        )
        if invitation is None or invitation.used_at or invitation.expires_at <= timezone.now():
            return False
        login = invitation.service_user.user
        if login is None or not login.email:
            return False
        if reminder and invitation.reminded_at is not None:
            return False
        token = invitation_issue_link(invitation=invitation, audit=audit)
        if reminder:
            invitation.reminded_at = timezone.now()
            invitation.save(update_fields=["reminded_at"])
        address = login.email
        expires = in_trust_zone(invitation.expires_at)
        url = invitation_url(token)
        item_count = invitation.instrument.items.count()
    subject = "A reminder: your check-in" if reminder else "Your check-in"
    body = (
        "Hello,\n\n"
        "Your mental health team would like to know how you are doing. The check-in has "
        f"{item_count} short statements and takes about 5 minutes.\n\n"
        f"Open this link to start: {url}\n\n"
        f"The link works until {expires:%-d %B %Y}. It can be used once. Any earlier link we "
        "sent you no longer works.\n\n"
        "If you did not expect this email, you can ignore it.\n"
    )
    send_mail(subject, body, None, [address])
    return True


def invitations_due_a_reminder() -> list[int]:
    """Open invitations whose team's reminder time has passed and that have not been reminded."""
    from django.db.models import F, Value
    from django.db.models.functions import Coalesce

    now = timezone.now()
    candidates = (
        Invitation.objects.filter(
            used_at__isnull=True,
            expires_at__gt=now,
            reminded_at__isnull=True,
            service_user__user__isnull=False,
        )
        .exclude(service_user__user__email="")
        .annotate(
            days=Coalesce(
                F("service_user__team__survey_settings__reminder_after_days"),
                Value(TeamSurveySettings.DEFAULT_REMINDER_DAYS),
            )
        )
        .values_list("pk", "created_at", "days")
    )
    return [
        pk for pk, created, days in candidates if created + datetime.timedelta(days=days) <= now
    ]


# --- team settings -------------------------------------------------------------------------


@transaction.atomic
def team_settings_update(
    *, actor: User, team: Team, cycle_months: int, link_valid_days: int, reminder_after_days: int
) -> TeamSurveySettings:
    if not can_change_team_settings(actor, team):
        raise ValidationError("You cannot change this team's check-in settings.")
    if reminder_after_days >= link_valid_days:
        raise ValidationError(
            {"reminder_after_days": "Send the reminder before the link stops working."}
        )
    found = TeamSurveySettings.objects.select_for_update().filter(team=team).first()
    team_settings = found or TeamSurveySettings(team=team)
    team_settings.cycle_months = cycle_months
    team_settings.link_valid_days = link_valid_days
    team_settings.reminder_after_days = reminder_after_days
    team_settings.full_clean()
    team_settings.save()
    return team_settings
