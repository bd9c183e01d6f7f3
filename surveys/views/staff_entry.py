"""Staff typing in a check-in the person gave on paper or by phone, on one page."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.views.generic import FormView

from common.concurrency import IdempotencyConflict
from common.dates import trust_today
from common.forms import add_service_error
from directory.permissions import acting_user
from directory.selectors import episode_started_on

from .. import services
from ..forms import TranscriptionForm
from ..permissions import can_enter_for, may_enter_for_others
from ..selectors import instrument_for, items_in_order
from .person import PersonMixin


class StaffEntryView(PersonMixin, FormView):
    """One transcription page: how and when the person answered, then every statement of their
    team's check-in as a row of radios. Saving sends it through the same service as the API."""

    template_name = "surveys/staff_entry.html"
    form_class = TranscriptionForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_enter_for_others(request.user):
                raise PermissionDenied
            self.person_obj = self.person(kwargs["public_id"])
            if not can_enter_for(request.user, self.person_obj):
                raise Http404
            self.instrument = instrument_for(self.person_obj)
            self.items = items_in_order(self.instrument)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(items=self.items, earliest=episode_started_on(person=self.person_obj))
        return kwargs

    def get_initial(self) -> dict[str, Any]:
        # A fresh key for every page shown: submitting this page twice saves one check-in.
        return {"completed_on": trust_today(), "idempotency_key": uuid.uuid4()}

    def form_valid(self, form: TranscriptionForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.response_record(
                actor=acting_user(self.request),
                service_user=self.person_obj,
                channel=data["channel"],
                idempotency_key=data["idempotency_key"],
                answers=form.answers_by_number(),
                completed_on=data["completed_on"],
                instrument=self.instrument,
                audit=self.audit,
            )
        except IdempotencyConflict:
            form.add_error(
                None,
                "These answers were already saved once from this page with different answers. "
                "Check the person's check-ins before typing them in again.",
            )
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Check-in saved for {self.person_obj.display_name}.")
        return redirect("surveys:journey", public_id=self.person_obj.public_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        services.audit_checkin_access(
            audit=self.audit, person=self.person_obj, resource="check-in staff entry"
        )
        context = super().get_context_data(**kwargs)
        context.update(person=self.person_obj, instrument=self.instrument)
        return context
