"""A person's page: who they are, and what each app holds for them, for whoever may see it.

It lives in the composition layer because it gathers the directory's summary, the recovery
plan's state and the check-ins; it asks each app's permissions and selectors and holds no
domain rules of its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from careplans.choices import PlanStatus
from careplans.permissions import can_edit_plan_of, can_view_plan_of
from careplans.selectors import plan_awaiting_agreement_of, plan_summaries_for
from directory.audit import AuditedRequestMixin
from directory.permissions import acting_user, get_service_user_for, roles_of
from directory.services import access_record
from surveys.selectors import checkin_status_for


class PersonView(LoginRequiredMixin, AuditedRequestMixin, TemplateView):
    template_name = "person.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        person = get_service_user_for(user, kwargs["public_id"])
        access_record(service_user=person, resource="summary", audit=self.audit)
        may_view_plan = can_view_plan_of(user, person)
        is_own_record = person.pk == roles_of(user).service_user_id
        plan_summary = plan_summaries_for([person.pk]).get(person.pk) if may_view_plan else None
        context = super().get_context_data(**kwargs)
        if is_own_record:
            # The person's own home leads with what is theirs to do now.
            checkin = checkin_status_for([person]).get(person.pk)
            context["own_checkin"] = checkin
            # Shared with them for agreement and unchanged since (the plan page's own rule).
            context["own_plan_to_agree"] = bool(
                may_view_plan
                and plan_summary
                and plan_summary.status == PlanStatus.DRAFT
                and plan_awaiting_agreement_of(person) is not None
            )
            context["nothing_to_do"] = not context["own_plan_to_agree"] and not (
                checkin and (checkin.needs_attention or checkin.state == "invited")
            )
        context.update(
            person=person,
            is_own_record=is_own_record,
            may_view_plan=may_view_plan,
            may_start_plan=can_edit_plan_of(user, person),
            plan_summary=plan_summary,
        )
        return context
