"""The trust's locality networks, the partner directory and the opportunities partners offer."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from common.concurrency import StaleEdit
from common.forms import add_service_error
from common.views import NoStoreMixin
from directory.models import User

from .. import selectors, services
from ..forms import MeetingForm, OpportunityForm, OpportunitySearchForm, PartnerSearchForm
from ..permissions import (
    can_edit_opportunity,
    is_partner_contact,
    may_keep_directory,
    may_record_meetings,
    may_use_directory,
    may_view_dashboard,
)
from .base import NetworksPageMixin

PAGE_SIZE = 25


def _pick(rows: Any, public_id: str) -> Any:
    """The row with this public id from a list already read, or None (a bad id is None too)."""
    return next((row for row in rows if str(row.public_id) == public_id), None)


class NetworkListView(NetworksPageMixin, TemplateView):
    template_name = "networks/network_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["networks"] = list(selectors.network_list(self.actor))
        context["may_view_dashboard"] = may_view_dashboard(self.actor)
        return context


class NetworkView(NetworksPageMixin, TemplateView):
    template_name = "networks/network_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        network = selectors.network_detail(self.actor, kwargs["public_id"])
        if network is None:
            raise Http404
        meetings = list(network.meetings.order_by("-held_on"))
        shares = selectors.lived_experience_shares(meetings)
        context.update(
            network=network,
            meetings=meetings,
            shares=shares,
            may_record_meetings=may_record_meetings(self.actor, network),
        )
        return context


class PartnerListView(NetworksPageMixin, TemplateView):
    template_name = "networks/partner_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        networks = list(selectors.network_list(self.actor))
        form = PartnerSearchForm(self.request.GET or None, networks=networks)
        data = form.cleaned_data if form.is_valid() else {}
        partners = selectors.partner_directory(
            self.actor,
            words=data.get("q", ""),
            kind=data.get("kind", ""),
            network=_pick(networks, data.get("network", "")),
        )
        page = Paginator(partners, PAGE_SIZE).get_page(self.request.GET.get("page"))
        context.update(form=form, page=page, partners=page.object_list, query=_query(self))
        return context


def _query(view: Any) -> str:
    """The search's query string without its page number, for the pagination links."""
    params = view.request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


class PartnerView(NetworksPageMixin, TemplateView):
    template_name = "networks/partner_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partner = selectors.partner_detail(self.actor, kwargs["public_id"])
        if partner is None:
            raise Http404
        opportunities = list(partner.opportunities.all())
        for opportunity in opportunities:
            opportunity.left = selectors.places_left(opportunity)  # type: ignore[attr-defined]
        context.update(partner=partner, opportunities=opportunities)
        return context


class OpportunityListView(NetworksPageMixin, TemplateView):
    template_name = "networks/opportunity_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(opportunity_search_context(self, self.actor))
        return context


def opportunity_search_context(view: Any, user: User) -> dict[str, Any]:
    """The search form, the page of results (with places left and distance) and its query."""
    networks = list(selectors.network_list(user))
    bases = list(selectors.team_bases(user))
    form = OpportunitySearchForm(view.request.GET or None, networks=networks, bases=bases)
    data = form.cleaned_data if form.is_valid() else {}
    near_id = data.get("near", "")
    near = next((b for b in bases if str(b.team.public_id) == near_id), None)
    opportunities = selectors.opportunity_search(
        user,
        words=data.get("q", ""),
        kind=data.get("kind", ""),
        network=_pick(networks, data.get("network", "")),
        near=near,
        with_places=bool(data.get("with_places")),
    )
    page = Paginator(opportunities, PAGE_SIZE).get_page(view.request.GET.get("page"))
    rows = list(page.object_list)
    for opportunity in rows:
        opportunity.left = selectors.places_left(opportunity)
        opportunity.km = selectors.distance_km(opportunity)
    return {"form": form, "page": page, "opportunities": rows, "near": near, "query": _query(view)}


class OpportunityView(NetworksPageMixin, TemplateView):
    """One opportunity: staff of the trust, and the contacts of the partner that offers it."""

    template_name = "networks/opportunity_detail.html"

    def role_may(self, user: User | object) -> bool:
        return may_use_directory(user) or is_partner_contact(user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        opportunity = selectors.opportunity_detail(self.actor, kwargs["public_id"])
        if opportunity is None:
            raise Http404
        context.update(
            opportunity=opportunity,
            left=selectors.places_left(opportunity),
            may_edit=can_edit_opportunity(self.actor, opportunity),
        )
        return context


class OpportunityEditView(NetworksPageMixin, NoStoreMixin, FormView):
    """Keep an opportunity up to date: the trust's network coordinators and the partner."""

    template_name = "networks/form.html"
    form_class = OpportunityForm

    def role_may(self, user: User | object) -> bool:
        return may_keep_directory(user) or is_partner_contact(user)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and self.role_may(request.user):
            found = selectors.opportunity_detail(request.user, kwargs["public_id"])
            if found is None or not can_edit_opportunity(request.user, found):
                raise Http404
            self.opportunity = found
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        o = self.opportunity
        return {name: getattr(o, name) for name in services.OPPORTUNITY_FIELDS} | {
            "revision": o.revision
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=f"Change {self.opportunity.title}",
            caption=self.opportunity.partner.name,
            back_url=self.opportunity.get_absolute_url(),
        )
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        values = {name: form.cleaned_data[name] for name in services.OPPORTUNITY_FIELDS}
        try:
            services.opportunity_update(
                actor=self.actor,
                opportunity=self.opportunity,
                revision=form.cleaned_data["revision"],
                values=values,
            )
        except (StaleEdit, ValidationError) as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        return redirect(self.opportunity.get_absolute_url())


class MeetingAddView(NetworksPageMixin, NoStoreMixin, FormView):
    template_name = "networks/form.html"
    form_class = MeetingForm

    def role_may(self, user: User | object) -> bool:
        return may_keep_directory(user)

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and self.role_may(request.user):
            network = selectors.network_detail(request.user, kwargs["public_id"])
            if network is None:
                raise Http404
            self.network = network
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title="Record a meeting",
            caption=self.network.name,
            back_url=self.network.get_absolute_url(),
        )
        return context

    def form_valid(self, form: forms.Form) -> HttpResponse:
        data = form.cleaned_data
        try:
            services.meeting_record(
                actor=self.actor,
                network=self.network,
                submission=data.get("submission"),
                **{name: data[name] for name in form.fields if name != "submission"},
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        return redirect(self.network.get_absolute_url())
