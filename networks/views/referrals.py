"""Referrals from a goal: finding an opportunity for it, recording consent and what is shared,
and each step after, for the trust's staff and for the partner's contacts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from careplans.choices import PlanStatus
from careplans.models import Goal
from common.concurrency import StaleEdit
from common.forms import add_service_error
from common.views import NoStoreMixin
from directory.models import ServiceUser, User
from directory.services import access_record, access_records

from .. import selectors, services
from ..choices import ReferralStatus, Side
from ..forms import ReferralForm, StepForm
from ..models import Referral
from ..permissions import (
    access_referral_person,
    can_act_as_partner_on,
    can_act_as_trust_on,
    contact_partner_ids,
    may_read_referrals,
    require_partner_contact,
)
from ..transitions import next_steps
from .base import NetworksPageMixin
from .directory import opportunity_search_context


class GoalReferralMixin(NetworksPageMixin):
    """The person (whom this user may refer) and the goal in their live plan."""

    def role_may(self, user: User | object) -> bool:
        return True  # access_referral_person answers 403 or 404 for the person

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            self.person: ServiceUser = access_referral_person(request.user, kwargs["public_id"])
            goal = (
                Goal.objects.select_related("plan")
                .filter(plan__service_user=self.person, public_id=kwargs["item_id"])
                .first()
            )
            if goal is None or goal.plan.status == PlanStatus.CLOSED:
                raise Http404
            goal.plan.service_user = self.person
            self.goal = goal
        return super().dispatch(request, *args, **kwargs)

    def plan_url(self) -> str:
        return reverse("careplans:plan", kwargs={"public_id": self.person.public_id})

    def goal_context(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "goal": self.goal,
            "plan_url": self.plan_url(),
            "breadcrumbs": [
                {"href": reverse("caseload"), "text": "Caseload"},
                {"href": self.plan_url(), "text": f"{self.person.display_name}'s plan"},
            ],
        }


class ReferralFindView(GoalReferralMixin, TemplateView):
    """Opportunities to connect the person to, for one of their goals."""

    template_name = "networks/referral_find.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        access_record(audit=self.audit, service_user=self.person, resource=services.RESOURCE)
        context.update(self.goal_context())
        context.update(opportunity_search_context(self, self.actor))
        return context


class ReferralAddView(GoalReferralMixin, NoStoreMixin, FormView):
    template_name = "networks/referral_add.html"
    form_class = ReferralForm

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            found = selectors.opportunity_detail(request.user, kwargs["opportunity_id"])
            if found is None or not found.is_active:
                # Checked after the person (in super), so a stranger's person is still 404.
                self._missing = True
            else:
                self._missing = False
                self.opportunity = found
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if self._missing:
            raise Http404
        return super().get(request, *args, **kwargs)

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if self._missing:
            raise Http404
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        access_record(audit=self.audit, service_user=self.person, resource=services.RESOURCE)
        context.update(self.goal_context())
        context.update(
            opportunity=self.opportunity,
            left=selectors.places_left(self.opportunity),
        )
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=self.actor,
                goal=self.goal,
                opportunity=self.opportunity,
                refer_now=data["action"] == "refer",
                consent=data["consent"],
                details=data["details"],
                values={k: data[k] for k in ("phone", "email", "support_needs")},
                note=data["note"],
                submission=data.get("submission"),
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        done = "referred to" if referral.status == ReferralStatus.REFERRED else "suggested"
        messages.success(
            self.request,
            f"{self.opportunity.title} has been {done}"
            + (" the partner." if done == "referred to" else " to the person."),
        )
        return HttpResponseRedirect(self.plan_url())


class ReferralView(NetworksPageMixin, NoStoreMixin, FormView):
    """One referral: what was shared, its steps, and the next step for whoever may record it.

    The trust's staff (whoever may read the person) see it all; a partner contact sees the
    shared details, the steps' dates and their own side's notes; the person sees their own.
    """

    template_name = "networks/referral_detail.html"
    form_class = StepForm

    def role_may(self, user: User | object) -> bool:
        return may_read_referrals(user) or bool(contact_partner_ids(user))

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and self.role_may(request.user):
            referral = selectors.referral_detail(request.user, kwargs["public_id"])
            if referral is None:
                raise Http404
            self.referral: Referral = referral
            if can_act_as_partner_on(request.user, referral):
                self.side: str | None = Side.PARTNER
            elif can_act_as_trust_on(request.user, referral):
                self.side = Side.TRUST
            else:
                self.side = None
            self.steps = next_steps(referral.status, self.side) if self.side else []
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs.update(
            steps=self.steps,
            ask_consent=ReferralStatus.REFERRED in self.steps,
            initial={"revision": self.referral.revision},
        )
        return kwargs

    def post(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if not self.steps:
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        referral = self.referral
        access_record(audit=self.audit, service_user=referral.person, resource=services.RESOURCE)
        partner_view = self.side == Side.PARTNER
        context.update(
            referral=referral,
            partner_view=partner_view,
            steps=list(referral.steps.all()),
            may_step=bool(self.steps),
        )
        if not partner_view:
            context["plan_url"] = reverse(
                "careplans:plan", kwargs={"public_id": referral.person.public_id}
            )
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.referral_advance(
                actor=self.actor,
                referral=self.referral,
                to=data["to"],
                revision=data["revision"],
                happened_on=data["happened_on"],
                note=data["note"],
                consent=bool(data.get("consent")),
                audit=self.audit,
            )
        except StaleEdit as stale:
            form.add_error(
                None,
                "Someone else recorded a step on this referral while you were looking at it. "
                "The page now shows what they recorded: check it, then record your step again.",
            )
            # Show the referral as it is now, and let the next submit quote its revision (what
            # was typed in the note stays in the form).
            current = selectors.referral_detail(self.actor, self.referral.public_id)
            if current is None:
                raise Http404 from stale
            self.referral = current
            data = self.request.POST.copy()
            data["revision"] = str(current.revision)
            form.data = data
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, "The step has been recorded.")
        return HttpResponseRedirect(self.request.path)


class PartnerHomeView(NetworksPageMixin, TemplateView):
    """A partner contact's page: referrals to their organisation and its opportunities."""

    template_name = "networks/partner_home.html"

    def role_may(self, user: User | object) -> bool:
        return bool(contact_partner_ids(user))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        require_partner_contact(self.actor)
        referrals = list(selectors.referral_list(self.actor))
        access_records(
            audit=self.audit,
            service_users={r.person for r in referrals},
            resource=services.RESOURCE,
        )
        opportunities = list(selectors.opportunity_search(self.actor, open_only=False))
        for opportunity in opportunities:
            opportunity.left = selectors.places_left(opportunity)  # type: ignore[attr-defined]
        open_referrals = [r for r in referrals if r.status in OPEN]
        context.update(
            organisations=[p.name for p in selectors.partner_directory(self.actor)],
            open_referrals=open_referrals,
            closed_referrals=[r for r in referrals if r.status not in OPEN],
            opportunities=opportunities,
        )
        return context


OPEN = {ReferralStatus.REFERRED, ReferralStatus.ACCEPTED, ReferralStatus.STARTED}
