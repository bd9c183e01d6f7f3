"""The emails check-ins send: the invitation, its one reminder, and the notice to the
coordinator. Bodies are the templates in templates/surveys/email/; none names the person."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from common.dates import in_trust_zone
from directory.audit import AuditContext

from ..models import Invitation, Response
from .invitations import invitation_issue_link, invitation_url

INVITATION_SUBJECT = "Your check-in"
REMINDER_SUBJECT = "A reminder: your check-in"
CHECKIN_ARRIVED_SUBJECT = "A check-in has arrived"


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
        context = {
            "url": invitation_url(token),
            "expires_on": in_trust_zone(invitation.expires_at).date(),
            "item_count": invitation.instrument.items.count(),
        }
    # Sent outside the transaction, so a slow mail server holds no lock on the invitation.
    body = render_to_string("surveys/email/invitation.txt", context)
    send_mail(REMINDER_SUBJECT if reminder else INVITATION_SUBJECT, body, None, [address])
    return True


def coordinator_tell_of_checkin(*, response_id: int) -> bool:
    """Let the person's care coordinator know a check-in arrived, unless they typed it in
    themselves. The mail names nobody: it links to the journey, behind sign-in."""
    response = Response.objects.select_related("service_user").filter(pk=response_id).first()
    if response is None:
        return False
    coordinator = response.service_user.care_coordinator
    if coordinator is None or not coordinator.email or response.entered_by_id == coordinator.pk:
        return False
    url = settings.SITE_URL.rstrip("/") + reverse(
        "surveys:journey", kwargs={"public_id": response.service_user.public_id}
    )
    body = render_to_string("surveys/email/checkin_arrived.txt", {"url": url})
    send_mail(CHECKIN_ARRIVED_SUBJECT, body, None, [coordinator.email])
    return True
