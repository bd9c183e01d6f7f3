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

from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser, User

from ..models import Invitation
from ..permissions import can_invite
from ..selectors import instrument_for, team_settings_for
from .access import audit_checkin_access


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
    from .. import tasks

    transaction.on_commit(lambda: tasks.email_invitation.delay(invitation.pk))
