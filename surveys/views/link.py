"""The one-time link a person opens, with no account, to start their check-in."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from directory.audit import AuditedRequestMixin

from .. import services
from ..choices import Channel
from ..selectors import invitation_for_token_hash
from .filling import SESSION_RESPONSES


@method_decorator(never_cache, name="dispatch")
class InvitationView(AuditedRequestMixin, TemplateView):
    """Opened from a one-time link, with no account. Shows nothing about the person."""

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

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        invitation = self.invitation
        response = services.response_start(
            actor=None,
            service_user=invitation.service_user,
            channel=Channel.INVITATION,
            invitation=invitation,
            audit=self.audit,
        )
        opened = request.session.get(SESSION_RESPONSES, [])
        if str(response.public_id) not in opened:
            request.session[SESSION_RESPONSES] = [*opened[-9:], str(response.public_id)]
        return redirect("surveys:fill", public_id=response.public_id, page=1)
