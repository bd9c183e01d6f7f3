"""A person's check-in journey: every instrument they answered, each domain over time."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.views.generic import TemplateView

from directory.models import ServiceUser
from directory.permissions import roles_of

from .. import services
from ..charts import line_chart
from ..permissions import can_enter_for, can_invite, can_withdraw
from ..selectors import BUILT_IN_KEY, checkin_status_for, journey
from .person import PersonMixin


def journey_sections(person: ServiceUser) -> list[dict[str, Any]]:
    """A section per instrument the person answered and, per domain, its chart, latest score
    and the change in words: what the journey page and the confirmation after a link check-in
    both show."""
    return [
        {
            "key": section.key,
            "title": section.title,
            "responses": section.responses,
            "domains": [
                {
                    "key": domain.key,
                    "label": domain.label,
                    "chart": line_chart(domain.series, low=domain.low, high=domain.high),
                    "since_first": domain.since_first,
                    "since_last": domain.since_last,
                    "latest": domain.latest,
                }
                for domain in section.domains
            ],
        }
        for section in journey(person=person)
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
        sections = journey_sections(person)
        status = checkin_status_for([person])[person.pk]
        context = super().get_context_data(**kwargs)
        context.update(
            person=person,
            own=own,
            sections=sections,
            built_in_key=BUILT_IN_KEY,
            can_withdraw=not own and can_withdraw(self.request.user, person),
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
