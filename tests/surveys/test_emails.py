"""The emails check-ins send, read as the person receives them: the link, what it is for, and no
personal details beyond what each one always carried."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import mail
from django.utils import timezone

from common.dates import in_trust_zone
from surveys import services
from surveys.choices import Channel
from surveys.models import Invitation
from surveys.tasks import email_invitation, email_invitation_reminder, tell_coordinator_of_checkin
from tests.audit import audit_as

from .factories import sent_response

SITE = settings.SITE_URL.rstrip("/")
LINK = re.compile(re.escape(SITE) + r"/check-in/link/[A-Za-z0-9_-]{20,100}/")


def _invite(world) -> Invitation:
    login = world.user("service_user")
    login.email = "samira@example.org"
    login.save()
    return services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )


def _expected_invitation_body(invitation: Invitation, link: str) -> str:
    expires = in_trust_zone(Invitation.objects.get(pk=invitation.pk).expires_at)
    return (
        "Hello,\n\n"
        "Your mental health team would like to know how you are doing. The check-in has "
        f"{invitation.instrument.items.count()} short statements and takes about 5 minutes.\n\n"
        f"Open this link to start: {link}\n\n"
        f"The link works until {expires:%-d %B %Y}. It can be used once. Any earlier link we "
        "sent you no longer works.\n\n"
        "If you did not expect this email, you can ignore it.\n"
    )


def test_the_invitation_email_carries_a_working_link_and_nothing_personal(world, client):
    invitation = _invite(world)

    assert email_invitation(invitation.pk)

    sent = mail.outbox[-1]
    assert sent.subject == "Your check-in"
    assert sent.to == ["samira@example.org"]
    link = LINK.search(sent.body)
    assert link, sent.body
    assert sent.body == _expected_invitation_body(invitation, link.group(0))
    assert world.person.display_name not in sent.body
    assert world.team.name not in sent.body
    assert client.get(link.group(0).removeprefix(SITE)).status_code == 200


def test_the_reminder_is_the_invitation_again_under_its_own_subject(world):
    invitation = _invite(world)

    assert email_invitation_reminder(invitation.pk)

    sent = mail.outbox[-1]
    assert sent.subject == "A reminder: your check-in"
    link = LINK.search(sent.body)
    assert link, sent.body
    assert sent.body == _expected_invitation_body(invitation, link.group(0))
    assert world.person.display_name not in sent.body


def test_the_coordinator_is_told_a_check_in_arrived_without_saying_whose(world):
    response = sent_response(world.person, on=timezone.localdate(), channel=Channel.SIGNED_IN)

    assert tell_coordinator_of_checkin(response.pk)

    sent = mail.outbox[-1]
    assert sent.subject == "A check-in has arrived"
    assert sent.to == [world.user("care_coordinator").email]
    assert sent.body == (
        "A person on your caseload has sent a hope, control and opportunity check-in.\n\n"
        f"Sign in to see it: {SITE}/people/{world.person.public_id}/check-ins/\n"
    )
    assert world.person.display_name not in sent.body
