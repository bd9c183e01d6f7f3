"""The rota: team and worker weeks, adding, assigning and copying shifts (HR)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView

from common.dates import trust_time_zone
from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.permissions import acting_user

from ..forms import AssignForm, ShiftForm, rule_errors
from ..models import PeerWorker, Shift
from ..permissions import (
    can_view_worker,
    may_manage_workforce,
    rota_teams_visible_to,
    workers_visible_to,
)
from ..selectors import (
    shift_label,
    team_week,
    worker_week,
    workers_for_assignment,
)
from ..services import (
    RosterRuleBroken,
    shift_assign,
    shift_create,
    shift_unassign,
    week_copy,
)
from .shared import days_of_week, rostered_shift, rota_team, week_asked, week_links


class RotaTeamsView(LoginRequiredMixin, TemplateView):
    """The teams HR rosters peers for."""

    template_name = "peersupport/rota_teams.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_manage_workforce(self.request.user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context["teams"] = list(rota_teams_visible_to(self.request.user).order_by("name"))
        return context


class TeamWeekView(LoginRequiredMixin, TemplateView):
    """A team's shifts for one week, day by day, with who is on each."""

    template_name = "peersupport/team_week.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        team = rota_team(self.request, kwargs["public_id"])
        monday = week_asked(self.request)
        context = super().get_context_data(**kwargs)
        shifts = team_week(team=team, monday=monday)
        context.update(
            team=team,
            days=days_of_week(shifts, monday),
            shift_count=len(shifts),
            open_count=sum(1 for s in shifts if s.worker_id is None),
            **week_links(monday),
        )
        return context


class ShiftCreateView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    template_name = "peersupport/shift_form.html"
    form_class = ShiftForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.team = rota_team(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"day": week_asked(self.request), "break_minutes": 0}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(team=self.team, **kwargs)

    def form_valid(self, form: ShiftForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            shift = shift_create(
                actor=acting_user(self.request),
                team=self.team,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                kind=data["kind"],
                required_level=data["required_level"],
                break_minutes=data["break_minutes"],
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Added: {shift_label(shift)}.")
        week = shift.starts_at.astimezone(trust_time_zone()).date().isoformat()
        url = reverse("peersupport:team_week", kwargs={"public_id": self.team.public_id})
        return HttpResponseRedirect(f"{url}?week={week}")


class ShiftAssignView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """Give an open shift to a worker; each rule it would break is shown by the worker field."""

    template_name = "peersupport/shift_assign.html"
    form_class = AssignForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.shift = rostered_shift(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "workers": workers_for_assignment(shift=self.shift)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(shift=self.shift, label=shift_label(self.shift), **kwargs)

    def form_valid(self, form: AssignForm) -> HttpResponse:
        worker = form.cleaned_data["worker"]
        try:
            done = shift_assign(
                actor=acting_user(self.request), shift=self.shift, worker=worker, audit=self.audit
            )
        except RosterRuleBroken as exc:
            add_service_error(form, rule_errors(exc.breaches))
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{worker} is rostered to {shift_label(done.shift)}.")
        for warning in done.warnings:
            messages.warning(self.request, f"{warning.rule_name}: {warning.message}")
        return HttpResponseRedirect(_team_week_url(self.shift))


def _team_week_url(shift: Shift) -> str:
    week = shift.starts_at.astimezone(trust_time_zone()).date().isoformat()
    url = reverse("peersupport:team_week", kwargs={"public_id": shift.team.public_id})
    return f"{url}?week={week}"


class ShiftUnassignView(LoginRequiredMixin, AuditedRequestMixin, View):
    def post(self, request: HttpRequest, public_id: Any) -> HttpResponse:
        shift = rostered_shift(request, public_id)
        shift_unassign(actor=acting_user(request), shift=shift, audit=self.audit)
        messages.success(request, f"{shift_label(shift)} is open again.")
        return HttpResponseRedirect(_team_week_url(shift))


class WeekCopyView(LoginRequiredMixin, AuditedRequestMixin, View):
    def post(self, request: HttpRequest, public_id: Any) -> HttpResponse:
        team = rota_team(request, public_id)
        monday = week_asked(request)
        added = week_copy(actor=acting_user(request), team=team, monday=monday, audit=self.audit)
        following = monday + datetime.timedelta(days=7)
        messages.success(
            request,
            f"{added} shift{'s' if added != 1 else ''} copied to the week of "
            f"{following:%-d %B %Y}, open for rostering.",
        )
        url = reverse("peersupport:team_week", kwargs={"public_id": team.public_id})
        return HttpResponseRedirect(f"{url}?week={following.isoformat()}")


class WorkerWeekView(LoginRequiredMixin, TemplateView):
    """One worker's week: for HR, the worker and their supervisor."""

    template_name = "peersupport/worker_week.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not workers_visible_to(self.request.user).exists():
            raise PermissionDenied
        worker = get_object_or_404(
            PeerWorker.objects.select_related("user"), public_id=kwargs["public_id"]
        )
        if not can_view_worker(self.request.user, worker):
            raise Http404
        monday = week_asked(self.request)
        shifts = worker_week(worker=worker, monday=monday)
        worked = sum(
            ((s.ends_at - s.starts_at).total_seconds() / 60 - s.break_minutes) for s in shifts
        )
        context = super().get_context_data(**kwargs)
        context.update(
            worker=worker,
            days=days_of_week(shifts, monday),
            worked_hours=round(worked / 60, 2),
            **week_links(monday),
        )
        return context
