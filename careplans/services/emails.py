"""The email that tells a person their plan is ready to agree. It names nobody and says nothing
of the plan: it links to the plan, behind sign-in."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from ..models import RecoveryPlan

PLAN_SHARED_SUBJECT = "Your recovery plan is ready for you to read"


def plan_shared_email(*, plan_id: int, revision: int) -> bool:
    """Email the person that their plan waits for their agreement. False if nothing was sent:
    the person has no email address, or the plan changed or was agreed since it was shared."""
    plan = RecoveryPlan.objects.select_related("service_user__user").filter(pk=plan_id).first()
    if plan is None or not plan.awaiting_agreement or plan.shared_revision != revision:
        return False
    login = plan.service_user.user
    if login is None or not login.email:
        return False
    url = settings.SITE_URL.rstrip("/") + reverse(
        "careplans:plan", kwargs={"public_id": plan.service_user.public_id}
    )
    body = render_to_string("careplans/email/plan_shared.txt", {"url": url})
    send_mail(PLAN_SHARED_SUBJECT, body, None, [login.email])
    return True
