"""The emails check-ins send: the invitation, its one reminder, and the notice to the
coordinator."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from common.dates import in_trust_zone
from directory.audit import AuditContext

from ..models import Invitation
from .invitations import invitation_issue_link, invitation_url


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
