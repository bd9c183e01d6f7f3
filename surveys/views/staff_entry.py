"""Staff typing in a check-in the person gave on paper or by phone."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.generic import FormView

from common.dates import trust_today
from common.forms import add_service_error
from directory.permissions import acting_user

from .. import services
from ..forms import StaffEntryForm
from ..permissions import can_enter_for, may_enter_for_others
from .person import PersonMixin


class StaffEntryView(PersonMixin, FormView):
    """Staff type in a check-in the person gave on paper or by phone: how and when, first."""

    template_name = "surveys/staff_entry.html"
    form_class = StaffEntryForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_enter_for_others(request.user):
                raise PermissionDenied
            self.person_obj = self.person(kwargs["public_id"])
            if not can_enter_for(request.user, self.person_obj):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"completed_on": trust_today()}

    def form_valid(self, form: StaffEntryForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            response = services.response_start(
                actor=acting_user(self.request),
                service_user=self.person_obj,
                channel=data["channel"],
                audit=self.audit,
            )
            services.response_staff_details_set(
                response=response,
                completed_on=data["completed_on"],
                channel=data["channel"],
                actor=acting_user(self.request),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        return redirect("surveys:fill", public_id=response.public_id, page=1)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.audit_checkin_access(
            audit=self.audit, person=self.person_obj, resource="check-in staff entry"
        )
        context = super().get_context_data(**kwargs)
        context["person"] = self.person_obj
        return context
