"""The access audit for check-ins: who read or changed a person's answers, and through what."""

from __future__ import annotations

from directory.audit import AuditContext
from directory.choices import AccessAction
from directory.models import ServiceUser
from directory.services import access_record

INVITATION_ACTOR = "The person, through their one-time check-in link"


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
