"""The caseload: a clinician's people with what every app knows about each of them.

It lives here, in the composition layer, because it gathers facts from several apps; it
calls each app's selectors for the page of people shown and holds no domain rules itself.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.generic import ListView

from careplans.permissions import may_write_plans
from careplans.selectors import plan_summaries_for
from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser
from directory.permissions import (
    acting_user,
    can_add_service_user,
    may_use_caseload,
    roles_of,
    teams_visible_to,
)
from directory.selectors import caseload_for, coordinated_by, coordinators_in_teams
from directory.services import access_records
from surveys.selectors import checkin_status_for, with_last_checkin

from .attention import STATE_BY_KEY, STATE_CHOICES, CaseloadFacts, facts_for_state

CASELOAD_PAGE_SIZE = 25

SORTS: dict[str, tuple[str, tuple[Any, ...]]] = {
    "name": ("Name", ("family_name", "given_name", "pk")),
    "review": (
        "Review date, soonest first",
        (F("recovery_plan__review_due_on").asc(nulls_last=True), "family_name", "pk"),
    ),
    "checkin": (
        "Last check-in, longest ago first",
        (F("last_checkin_on").asc(nulls_first=True), "family_name", "pk"),
    ),
}

# Words people type into the search box hoping to find a state, not a name: the page then says
# that search reads names and NHS numbers, and offers the filter that does what they meant.
STATE_WORDS = {
    "overdue": ("review_overdue", "checkin_overdue"),
    "review": ("review_overdue", "review_due"),
    "reviews": ("review_overdue", "review_due"),
    "due": ("review_due", "checkin_due"),
    "check-in": ("checkin_overdue", "checkin_due"),
    "checkin": ("checkin_overdue", "checkin_due"),
    "unallocated": ("not_allocated",),
    "allocated": ("not_allocated",),
    "draft": ("not_agreed",),
    "agreed": ("not_agreed",),
    "comments": ("comments",),
    "plan": ("no_plan", "not_agreed"),
}


class CaseloadFilterForm(forms.Form):
    """The caseload's search, filters and order: a GET form, so every view is a bookmark."""

    q = forms.CharField(label="Search by name or NHS number", required=False, max_length=100)
    state = forms.ChoiceField(
        label="Show only", required=False, choices=[("", "Everyone"), *STATE_CHOICES]
    )
    team = forms.ChoiceField(label="Team", required=False)
    coordinator = forms.ChoiceField(label="Care coordinator", required=False)
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(
        self,
        *args: Any,
        teams: list[tuple[str, str]],
        coordinators: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        team_field = self.fields["team"]
        coordinator_field = self.fields["coordinator"]
        assert isinstance(team_field, forms.ChoiceField)
        assert isinstance(coordinator_field, forms.ChoiceField)
        team_field.choices = [("", "Any"), *teams]
        coordinator_field.choices = [("", "Any"), *coordinators]

    def value(self, name: str) -> str:
        """The field's cleaned value, or empty where it was left out or not a valid choice."""
        return str(getattr(self, "cleaned_data", {}).get(name) or "")


class CaseloadView(LoginRequiredMixin, AuditedRequestMixin, ListView):
    """A clinician's people: searchable by name or NHS number, filtered by what needs doing and
    by care coordinator, sorted by name, review date or last check-in, 25 to a page."""

    template_name = "caseload.html"
    context_object_name = "people"
    paginate_by = CASELOAD_PAGE_SIZE

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not may_use_caseload(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[ServiceUser]:
        user = acting_user(self.request)
        roles = roles_of(user)
        self.coordinators = list(coordinators_in_teams(team_ids=roles.leads))
        # With one team, everyone on the caseload is in it: no team to choose, no query.
        self.teams = (
            list(teams_visible_to(user).filter(pk__in=roles.clinical_teams).order_by("name"))
            if len(roles.clinical_teams) > 1
            else []
        )
        self.filter_form = CaseloadFilterForm(
            self.request.GET or None,
            teams=[(str(t.public_id), t.name) for t in self.teams],
            coordinators=[(str(c.public_id), str(c)) for c in self.coordinators],
        )
        form = self.filter_form
        form.is_valid()  # each valid field applies; an invalid one is shown with its error
        people = caseload_for(user=user, search=form.value("q"))
        state = form.value("state")
        self.facts: CaseloadFacts | None = None
        if state:
            self.facts = facts_for_state(user=user, state=state)
            people = people.filter(pk__in=self.facts.ids_in(state))
        team = next((t for t in self.teams if str(t.public_id) == form.value("team")), None)
        if team is not None:
            people = people.filter(team=team)
        coordinator = next(
            (c for c in self.coordinators if str(c.public_id) == form.value("coordinator")), None
        )
        if coordinator is not None:
            people = coordinated_by(people, staff=coordinator)
        sort = form.value("sort") or "name"
        if sort == "checkin":
            people = with_last_checkin(people)
        return people.order_by(*SORTS[sort][1])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        roles = roles_of(self.request.user)
        if roles.coordinates_in:
            title = "Your caseload"
        elif roles.leads:
            title = "Your team's caseload"
        else:
            title = "People in your team"
        form = self.filter_form
        search, state = form.value("q"), form.value("state")
        filters = {key: form.value(key) for key in ("q", "state", "team", "coordinator", "sort")}
        narrowed = bool(search or state or filters["coordinator"] or filters["team"])
        hint_states = []
        if search and not context["paginator"].count:
            words = {word.strip(".,").lower() for word in search.split()}
            keys = [key for word in words for key in STATE_WORDS.get(word, ())]
            hint_states = [STATE_BY_KEY[key] for key in dict.fromkeys(keys)]
        context.update(
            title=title,
            filter_form=form,
            search=search,
            state=STATE_BY_KEY.get(state),
            team_name=next((t.name for t in self.teams if str(t.public_id) == filters["team"]), ""),
            coordinator_name=next(
                (str(c) for c in self.coordinators if str(c.public_id) == filters["coordinator"]),
                "",
            ),
            narrowed=narrowed,
            hint_states=hint_states,
            page_query=urlencode({k: v for k, v in filters.items() if v}),
            can_add=can_add_service_user(self.request.user),
            can_invite_caseload=bool(roles.coordinates_in),
            may_start_plans=may_write_plans(self.request.user),
        )
        # The page's plans and check-ins: one query each, unless the filter has read them.
        facts = self.facts
        if facts is not None and facts.plans:
            context["plan_summaries"] = facts.plans
        else:
            context["plan_summaries"] = plan_summaries_for([p.pk for p in context["people"]])
        if facts is not None and facts.checkins:
            checkins = facts.checkins
        else:
            checkins = checkin_status_for(context["people"])
        for person in context["people"]:
            person.checkin = checkins.get(person.pk)
        access_records(
            service_users=context["people"],
            resource="caseload entry",
            audit=self.audit,
        )
        return context
