"""Audit contexts for tests that call services directly, as a page or task would."""

from __future__ import annotations

from directory.audit import AuditContext
from directory.models import AccessEvent, ServiceUser, User


def audit_as(user: User | None) -> AuditContext:
    """The context a page builds for `user`; None is a visitor who has not signed in (the
    person through their own one-time link, where a check-in service is called)."""
    return AuditContext(actor=user, via="tests")


def audit_trail(person: ServiceUser) -> list[tuple[str, int | None, str, str]]:
    """(action, actor id, resource, via) of each audit row about `person`, oldest first."""
    return list(
        AccessEvent.objects.filter(service_user=person)
        .order_by("pk")
        .values_list("action", "actor", "resource", "via")
    )
