"""The one-time link a person opens, with no account, to start their check-in."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from directory.audit import AuditContext, AuditedRequestMixin

from .. import services
from ..selectors import invitation_for_token_hash
from .link_session import (
    browser_key,
    browser_key_or_new,
    link_audit,
    remember_draft,
)


@method_decorator(never_cache, name="dispatch")
class InvitationView(AuditedRequestMixin, TemplateView):
    """Opened from a one-time link, with no account. Shows nothing about the person.

    The check-in is bound to a browser when it is started (the button), not when the link is
    merely opened: mail systems open links to scan them, and would otherwise take the link
    from the person. Any other browser is then told the link is in use."""

    template_name = "surveys/invitation.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = kwargs["token"]
        invitation = (
            invitation_for_token_hash(services.hash_token(token))
            if 20 <= len(token) <= 100
            else None
        )
        if invitation is None:
            return self._refuse("unknown", status=404)
        if invitation.used_at is not None:
            return self._refuse("used", status=410)
        if invitation.expires_at <= timezone.now():
            return self._refuse("expired", status=410)
        if invitation.browser_hash and not services.invitation_held_by(
            invitation, browser_key(request, invitation)
        ):
            return self._refuse("in_use", status=409)
        self.invitation = invitation
        return super().dispatch(request, *args, **kwargs)

    def _refuse(self, reason: str, *, status: int) -> HttpResponse:
        return render(
            self.request, "surveys/invitation_refused.html", {"reason": reason}, status=status
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        instrument = self.invitation.instrument
        context.update(
            instrument=instrument,
            item_count=instrument.items.count(),
            expires=timezone.localtime(self.invitation.expires_at),
        )
        return context

    @property
    def audit(self) -> AuditContext:
        return link_audit(self.request, self.invitation)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.invitation
        key = browser_key_or_new(request, invitation)
        try:
            response = services.invitation_start(
                invitation=invitation, browser_key=key, audit=self.audit
            )
        except ValidationError as exc:
            refusal = {services.LINK_IN_USE: ("in_use", 409), "used": ("used", 410)}
            reason, status = refusal.get(exc.code or "", ("expired", 410))
            return self._refuse(reason, status=status)
        remember_draft(request, response)
        return redirect("surveys:fill", public_id=response.public_id, page=1)
