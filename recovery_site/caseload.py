"""The caseload: a clinician's people with what every app knows about each of them.

It lives here, in the composition layer, because it gathers facts from several apps; it
calls each app's selectors for the page of people shown and holds no domain rules itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.generic import ListView

from careplans.permissions import may_write_plans
from careplans.selectors import plan_summaries_for
from directory.audit import AuditedRequestMixin
from directory.forms import ServiceUserSearchForm
from directory.models import ServiceUser
from directory.permissions import acting_user, can_add_service_user, may_use_caseload, roles_of
from directory.selectors import caseload_for
from directory.services import access_records
from surveys.selectors import checkin_status_for

CASELOAD_PAGE_SIZE = 25


class CaseloadView(LoginRequiredMixin, AuditedRequestMixin, ListView):
    """A clinician's people: searchable by name or NHS number, 25 to a page."""

    template_name = "caseload.html"
    context_object_name = "people"
    paginate_by = CASELOAD_PAGE_SIZE

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_use_caseload(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ServiceUser]:
        self.search_form = ServiceUserSearchForm(self.request.GET or None)
        search = self.search_form.cleaned_data["q"] if self.search_form.is_valid() else ""
        return caseload_for(user=acting_user(self.request), search=search)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roles = roles_of(self.request.user)
        if roles.coordinates_in:
            title = "Your caseload"
        elif roles.leads:
            title = "Your team's caseload"
        else:
            title = "People in your team"
        context.update(
            title=title,
            search_form=self.search_form,
            search=self.request.GET.get("q", ""),
            can_add=can_add_service_user(self.request.user),
            can_invite_caseload=bool(roles.coordinates_in),
            plan_summaries=plan_summaries_for([person.pk for person in context["people"]]),
            may_start_plans=may_write_plans(self.request.user),
        )
        checkins = checkin_status_for(context["people"])  # one query for the page shown
        for person in context["people"]:
            person.checkin = checkins.get(person.pk)
        access_records(
            service_users=context["people"],
            resource="caseload entry",
            audit=self.audit,
        )
        return context
