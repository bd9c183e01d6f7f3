"""Who acted, through what, from where: the context every audited service takes.

Built once per request (pages and API) or once per task, and passed to services, so that no
service needs the `HttpRequest` and system work is never recorded as somebody's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest
from rest_framework.request import Request

from common.http import client_address

from .models import User

SYSTEM = "System"


@dataclass(frozen=True)
class AuditContext:
    """Who acted and through which page, endpoint or task.

    `actor` is the signed-in user; where nobody is signed in, `actor_description` says who acted
    (the person through their own one-time link, or the system for a named task).
    """

    actor: User | None
    actor_description: str = ""
    via: str = ""
    path: str = ""
    client_address: str | None = None
    by_system: bool = False

    @classmethod
    def for_request(
        cls, request: HttpRequest | Request, *, actor_description: str = ""
    ) -> AuditContext:
        """The signed-in user (or, without one, `actor_description`) behind a page or API call."""
        user = getattr(request, "user", None)
        actor = user if isinstance(user, User) and user.is_authenticated else None
        match = getattr(request, "resolver_match", None)
        return cls(
            actor=actor,
            actor_description="" if actor is not None else actor_description,
            via=match.view_name if match else "",
            path=request.get_full_path()[:500],
            client_address=client_address(request),
        )

    @classmethod
    def for_system(cls, via: str) -> AuditContext:
        """Work nobody asked for at that moment: a scheduled task, demo seeding, a command."""
        return cls(actor=None, actor_description=SYSTEM, via=via, by_system=True)

    def without_user(self, actor_description: str) -> AuditContext:
        """The same request, acted on by someone who has not signed in (named here)."""
        return replace(self, actor=None, actor_description=actor_description)

    @property
    def names_somebody(self) -> bool:
        return self.actor is not None or bool(self.actor_description)


class AuditedRequestMixin:
    """For pages and API views: `self.audit`, the request's audit context, built once."""

    request: Any
    _audit_context: AuditContext | None = None

    @property
    def audit(self) -> AuditContext:
        if self._audit_context is None:
            self._audit_context = AuditContext.for_request(self.request)
        return self._audit_context
