"""A team's check-in settings, for its team leaders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import FormView

from common.forms import add_service_error
from common.views import NoStoreMixin
from directory.models import Team
from directory.permissions import acting_user

from .. import services
from ..forms import TeamSettingsForm
from ..permissions import can_change_team_settings, may_change_team_settings
from ..selectors import BUILT_IN_KEY, instrument_choices, team_settings_for


class TeamSettingsView(LoginRequiredMixin, NoStoreMixin, FormView):
    """A team's check-in cycle, link lifetime and reminder: for its team leaders."""

    template_name = "surveys/team_settings.html"
    form_class = TeamSettingsForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_change_team_settings(request.user):
                raise PermissionDenied
            self.team = get_object_or_404(Team, public_id=kwargs["public_id"])
            if not can_change_team_settings(request.user, self.team):
                raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        current = team_settings_for(self.team)
        return {
            "instrument_key": current.instrument_key or BUILT_IN_KEY,
            "cycle_months": current.cycle_months,
            "link_valid_days": current.link_valid_days,
            "reminder_after_days": current.reminder_after_days,
        }

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["instrument_choices"] = instrument_choices()
        return kwargs

    def form_valid(self, form: TeamSettingsForm) -> HttpResponse:
        try:
            services.team_settings_update(
                actor=acting_user(self.request),
                team=self.team,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Check-in settings for {self.team.name} are saved.")
        return redirect("surveys:team_settings", public_id=self.team.public_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["team"] = self.team
        return context
