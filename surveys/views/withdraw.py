"""Withdrawing a sent check-in (entered in error, or for the wrong person), with a reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.generic import FormView

from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.permissions import acting_user

from .. import services
from ..forms import WithdrawForm
from ..permissions import can_withdraw, may_withdraw
from ..selectors import sent_response_for_withdrawal


class WithdrawView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """Confirm withdrawing one sent check-in: for the person's coordinator or team leaders."""

    template_name = "surveys/withdraw.html"
    form_class = WithdrawForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_withdraw(request.user):
                raise PermissionDenied
            found = sent_response_for_withdrawal(public_id=kwargs["public_id"])
            if found is None or not can_withdraw(request.user, found.service_user):
                raise Http404
            self.response_obj = found
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: WithdrawForm) -> HttpResponse:
        try:
            services.response_withdraw(
                actor=acting_user(self.request),
                response=self.response_obj,
                reason=form.cleaned_data["reason"],
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"The check-in of {self.response_obj.completed_on:%-d %B %Y} is withdrawn. "
            "Its scores no longer count.",
        )
        return redirect("surveys:journey", public_id=self.response_obj.service_user.public_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.audit_checkin_access(
            audit=self.audit, person=self.response_obj.service_user, resource="check-in"
        )
        context = super().get_context_data(**kwargs)
        context["checkin"] = self.response_obj
        context["person"] = self.response_obj.service_user
        return context
