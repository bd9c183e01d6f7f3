"""What the networks pages share: the signed-in user, and refusing roles that may never use
a page (403) before looking anything up."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from directory.audit import AuditedRequestMixin
from directory.models import User

from ..permissions import may_use_directory


class NetworksPageMixin(LoginRequiredMixin, AuditedRequestMixin):
    """A signed-in page whose role check (`role_may`) answers 403 before anything is read."""

    request: HttpRequest
    kwargs: dict[str, Any]

    def role_may(self, user: User | object) -> bool:
        return may_use_directory(user)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not self.role_may(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)
