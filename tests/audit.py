"""Audit contexts for tests that call services directly, as a page or task would."""

from __future__ import annotations

from directory.audit import AuditContext
from directory.models import User


def audit_as(user: User | None) -> AuditContext:
    """The context a page builds for `user`; None is a visitor who has not signed in (the
    person through their own one-time link, where a check-in service is called)."""
    return AuditContext(actor=user, via="tests")
