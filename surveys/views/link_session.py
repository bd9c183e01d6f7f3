"""What a browser keeps in its session about the one-time links it started: the drafts it may
answer, and for each link the secret key that shows it is the browser that started it."""

from __future__ import annotations

import secrets

from django.http import HttpRequest

from directory.audit import AuditContext

from .. import services
from ..models import Invitation, Response

SESSION_RESPONSES = "surveys_invitation_responses"  # drafts this browser opened from a link
SESSION_LINK_KEYS = "surveys_link_browser_keys"  # invitation id -> this browser's key for it
KEPT = 10  # links one browser remembers (a shared computer keeps few)


def browser_key(request: HttpRequest, invitation: Invitation) -> str | None:
    return request.session.get(SESSION_LINK_KEYS, {}).get(str(invitation.public_id))


def browser_key_or_new(request: HttpRequest, invitation: Invitation) -> str:
    """This browser's key for the link, made (and kept) the first time it starts it."""
    key = browser_key(request, invitation)
    if key is None:
        key = secrets.token_urlsafe(32)
        kept = dict(list(request.session.get(SESSION_LINK_KEYS, {}).items())[-(KEPT - 1) :])
        request.session[SESSION_LINK_KEYS] = {**kept, str(invitation.public_id): key}
    return key


def remember_draft(request: HttpRequest, response: Response) -> None:
    opened = request.session.get(SESSION_RESPONSES, [])
    if str(response.public_id) not in opened:
        request.session[SESSION_RESPONSES] = [*opened[-(KEPT - 1) :], str(response.public_id)]


def may_answer(request: HttpRequest, response: Response) -> bool:
    """Whether this browser started the link's check-in and the link has not moved on since (a
    new link lets go of the browser that held the old one)."""
    invitation = response.invitation
    return (
        invitation is not None
        and str(response.public_id) in request.session.get(SESSION_RESPONSES, [])
        and services.invitation_held_by(invitation, browser_key(request, invitation))
    )


def link_audit(request: HttpRequest, invitation: Invitation) -> AuditContext:
    """The audit context of a visitor through the link: the person, told apart by browser."""
    key = browser_key(request, invitation)
    if key is None or (request.user.is_authenticated):
        return AuditContext.for_request(request)
    return AuditContext.for_request(request, actor_description=services.link_actor(key))
