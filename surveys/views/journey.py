"""A person's check-in journey: hope, control and opportunity over time."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.views.generic import TemplateView

from directory.models import ServiceUser
from directory.permissions import roles_of

from .. import services
from ..charts import line_chart
from ..models import Response
from ..permissions import can_enter_for, can_invite
from ..selectors import builtin_journey, checkin_status_for
from .person import PersonMixin


def journey_series(person: ServiceUser) -> tuple[list[Response], list[dict[str, Any]]]:
    """The person's built-in check-ins and, per domain, its chart, latest score and the change
    in words: what the journey page and the confirmation after a link check-in both show."""
    responses, domains = builtin_journey(person=person)
    return responses, [
        {
            "key": domain.key,
            "label": domain.label,
            "chart": line_chart(domain.series, low=1, high=5),
            "since_first": domain.since_first,
            "since_last": domain.since_last,
            "latest": domain.latest,
        }
        for domain in domains
    ]


class JourneyView(PersonMixin, TemplateView):
    """A person's hope, control and opportunity over time: charts, a table, and the change."""

    template_name = "surveys/journey.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        person = self.person(kwargs["public_id"])
        services.audit_checkin_access(
            person=person,
            resource="check-in journey",
            audit=self.audit,
        )
        roles = roles_of(self.request.user)
        own = person.pk == roles.service_user_id
        responses, domains = journey_series(person)
        status = checkin_status_for([person])[person.pk]
        context = super().get_context_data(**kwargs)
        context.update(
            person=person,
            own=own,
            responses=responses,
            domains=domains,
            status=status,
            can_invite=can_invite(self.request.user, person),
            can_enter=can_enter_for(self.request.user, person),
            breadcrumbs=[]
            if own
            else [
                {"href": reverse("caseload"), "text": "Caseload"},
                {"href": person.get_absolute_url(), "text": person.display_name},
            ],
        )
        return context
