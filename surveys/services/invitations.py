"""Inviting people to a check-in: the invitation, its one-time link, and a caseload at once."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser, User

from ..choices import Channel, ResponseStatus
from ..models import Answer, Invitation, Response
from ..permissions import can_invite
from ..selectors import instrument_for, team_settings_for
from .access import INVITATION_ACTOR, audit_checkin_access
from .responses import response_start

LINK_IN_USE = "link_in_use"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
        instrument=instrument_for(service_user),
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
    """A new link for the invitation; any earlier link for it stops working, and the browser
    that held it lets go. Returns the token."""
    token, token_hash = _new_token()
    # A new link starts afresh in whichever browser opens it first: answers typed through an
    # earlier link, in another browser, are not shown through this one.
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash, browser_hash="")
    Answer.objects.filter(
        response__invitation=invitation, response__status=ResponseStatus.DRAFT
    ).delete()
    invitation.token_hash, invitation.browser_hash = token_hash, ""
    audit_checkin_access(
        audit=audit,
        person=invitation.service_user,
        resource="check-in invitation link",
        action=AccessAction.CHANGE,
    )
    return token


def browser_label(browser_key: str) -> str:
    """A short name for one browser in the audit, made from its key without revealing it."""
    return hashlib.sha256(f"audit label:{browser_key}".encode()).hexdigest()[:10]


def link_actor(browser_key: str) -> str:
    """Who acts through a one-time link, told apart by browser."""
    return f"{INVITATION_ACTOR}, browser {browser_label(browser_key)}"


def invitation_held_by(invitation: Invitation, browser_key: str | None) -> bool:
    """Whether the browser holding `browser_key` is the one that started the link's check-in."""
    return bool(
        browser_key
        and invitation.browser_hash
        and constant_time_compare(invitation.browser_hash, hash_token(browser_key))
    )


@transaction.atomic
def invitation_start(*, invitation: Invitation, browser_key: str, audit: AuditContext) -> Response:
    """Start, or go back to, the check-in of a one-time link, in the browser holding
    `browser_key` (a secret kept in its session). The first browser to start it keeps it; any
    other is refused (code LINK_IN_USE) and never reaches the draft."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.used_at is not None:
        raise ValidationError("This check-in has already been sent.", code="used")
    if locked.expires_at <= timezone.now():
        raise ValidationError("This link has expired.", code="expired")
    if not locked.browser_hash:
        locked.browser_hash = hash_token(browser_key)
        locked.save(update_fields=["browser_hash"])
    elif not invitation_held_by(locked, browser_key):
        raise ValidationError(
            "This link is in use in another browser. Ask your care team for a new link.",
            code=LINK_IN_USE,
        )
    return response_start(
        actor=None,
        service_user=locked.service_user,
        channel=Channel.INVITATION,
        invitation=locked,
        audit=audit,
    )


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
    from .. import tasks

    transaction.on_commit(lambda: tasks.email_invitation.delay(invitation.pk))
