"""Directory pages. Thin: permissions decide, selectors read, services write and audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.generic import FormView, ListView, TemplateView

from common.forms import add_service_error

from .audit import AuditedRequestMixin
from .choices import CareRelationshipKind
from .forms import ServiceUserCreateForm
from .models import CareRelationship, Team, User
from .permissions import (
    acting_user,
    can_add_service_user,
    can_view_team_page,
    may_use_team_pages,
    may_view_staff_directory,
    may_view_trust_overview,
    roles_of,
    teams_for_new_service_user,
)
from .selectors import (
    care_coordinators_in,
    memberships_in_force,
    staff_list,
    team_members,
    team_overview,
)
from .services import service_user_create


class ServiceUserCreateView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """Add a person to one of the user's teams (and, for a care coordinator, their caseload)."""

    template_name = "directory/service_user_form.html"
    form_class = ServiceUserCreateForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not can_add_service_user(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        teams = teams_for_new_service_user(self.request.user).order_by("name")
        kwargs["teams"] = teams
        coordinating = memberships_in_force().filter(team__in=teams, role="care_coordinator")
        kwargs["coordinators"] = User.objects.filter(
            pk__in=coordinating.values("user"), is_active=True
        )
        return kwargs

    def form_valid(self, form: ServiceUserCreateForm) -> HttpResponse:
        data = form.cleaned_data
        coordinator = data.get("care_coordinator")
        if (
            coordinator
            and not care_coordinators_in(team=data["team"]).filter(pk=coordinator.pk).exists()
        ):
            form.add_error("care_coordinator", "Choose a care coordinator in the chosen team.")
            return self.form_invalid(form)
        try:
            person = service_user_create(
                actor=acting_user(self.request),
                nhs_number=data["nhs_number"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                preferred_name=data["preferred_name"],
                date_of_birth=data["date_of_birth"],
                team=data["team"],
                care_coordinator=coordinator,
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{person.display_name} has been added to {person.team}.")
        return HttpResponseRedirect(person.get_absolute_url())


class TeamView(LoginRequiredMixin, TemplateView):
    """A team's members with the size of each one's caseload: for its team leaders."""

    template_name = "directory/team_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_use_team_pages(self.request.user):
            raise PermissionDenied
        team = get_object_or_404(
            Team.objects.select_related("trust"), public_id=kwargs["public_id"]
        )
        if not can_view_team_page(self.request.user, team):
            raise Http404
        members = list(team_members(team=team))
        context = super().get_context_data(**kwargs)
        coordinated_today = CareRelationship.objects.in_force().filter(
            person=OuterRef("pk"), kind=CareRelationshipKind.CARE_COORDINATOR
        )
        sizes = team.service_users.aggregate(
            caseload_size=Count("pk"),
            unallocated=Count("pk", filter=~Q(Exists(coordinated_today))),
        )
        context.update(team=team, members=members, **sizes)
        return context


class TeamListView(LoginRequiredMixin, TemplateView):
    """The trust's teams with staff and caseload counts: figures, never names of people."""

    template_name = "directory/team_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_view_trust_overview(self.request.user):
            raise PermissionDenied
        teams = list(team_overview(user=acting_user(self.request)))
        roles = roles_of(self.request.user)
        context = super().get_context_data(**kwargs)
        context.update(
            teams=teams,
            linkable=roles.leads if not roles.is_administrator else {t.pk for t in teams},
            total_people=sum(getattr(t, "caseload_size", 0) for t in teams),
        )
        return context


class StaffListView(LoginRequiredMixin, ListView):
    """Staff of the trust with their roles and teams: for HR and administrators."""

    template_name = "directory/staff_list.html"
    context_object_name = "staff"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[User]:
        if not may_view_staff_directory(self.request.user):
            raise PermissionDenied
        return staff_list(user=acting_user(self.request))
