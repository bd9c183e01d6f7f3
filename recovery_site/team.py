"""A team's page with the oversight a team leader needs: how many reviews and check-ins are
overdue, who has no care coordinator, whose plan is not agreed, each a link to those people.

It extends the directory's team page here, in the composition layer, because the counts come
from plans and check-ins as well as the directory.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.urls import reverse

from directory.permissions import acting_user, may_use_caseload, roles_of
from directory.views import TeamView

from .attention import STATE_BY_KEY, caseload_facts

OVERSIGHT_STATES = ("review_overdue", "checkin_overdue", "not_allocated", "not_agreed")


class TeamOversightView(TeamView):
    """The team page; its leaders also see the counts that need oversight, each a link."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        team = context["team"]
        user = acting_user(self.request)
        # Only the team's own leaders open its caseload; an administrator sees the page's
        # figures but is offered no caseload they could not open.
        leads_team = team.pk in roles_of(user).leads and may_use_caseload(user)
        context["caseload_href"] = self._caseload_href(team) if leads_team else ""
        if leads_team:
            facts = caseload_facts(user=user)
            in_team = [person for person in facts.people if person.team_id == team.pk]
            oversight = []
            for key in OVERSIGHT_STATES:
                count = sum(1 for person in in_team if key in facts.states_of(person))
                oversight.append(
                    {
                        "state": STATE_BY_KEY[key],
                        "count": count,
                        "href": self._caseload_href(team, state=key),
                    }
                )
            context["oversight"] = oversight
        return context

    def _caseload_href(self, team: Any, **filters: str) -> str:
        query = {**filters, "team": str(team.public_id)}
        return f"{reverse('caseload')}?{urlencode(query)}"
