"""Crisis contacts and supporters: adding, changing and removing them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View

from common.concurrency import StaleEdit

from .. import services
from ..forms import (
    CrisisContactAddForm,
    CrisisContactEditForm,
    SupporterAddForm,
    SupporterEditForm,
)
from ..models import CrisisContact, Supporter
from ..selectors import items_of
from .base import (
    PlanFormView,
    PlanPageMixin,
    form_values,
)


class ContactAddView(PlanFormView):
    form_class = CrisisContactAddForm
    title = "Add a crisis contact"
    hint = "Someone to call in a crisis: a person the person trusts, or a service."

    def perform(self, form: forms.Form) -> str:
        services.crisis_contact_add(
            actor=self.actor,
            plan=self.current_plan,
            values=form_values(form),
            public_id=form.cleaned_data.get("submission"),
            audit=self.audit,
        )
        return "The crisis contact has been added."


class RemovableItemFormView(PlanFormView):
    """An edit page that also offers to remove the item, quoting the revision shown."""

    remove_url_name: str
    remove_label: str

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.get_item()
        context["removable"] = item
        context["remove_url"] = reverse(
            self.remove_url_name,
            kwargs={"public_id": self.person.public_id, "item_id": item.public_id},
        )
        context["remove_label"] = self.remove_label
        return context


class ContactEditView(RemovableItemFormView):
    form_class = CrisisContactEditForm
    title = "Change a crisis contact"
    item_model = CrisisContact
    remove_url_name = "careplans:contact_remove"
    remove_label = "Remove this contact"

    def perform(self, form: forms.Form) -> str:
        services.crisis_contact_update(
            actor=self.actor,
            contact=self.get_item(),
            revision=form.cleaned_data["revision"],
            values=form_values(form),
            audit=self.audit,
        )
        return "The crisis contact has been saved."


class ItemRemoveView(PlanPageMixin, View):
    """Remove a crisis contact or a supporter (POST only, quoting the revision the person saw)."""

    need = "edit"
    model: type[CrisisContact] | type[Supporter]
    noun: str
    edit_url_name: str

    def remove(self, item: Any, revision: int) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        item = items_of(self.model, self.current_plan).filter(public_id=kwargs["item_id"]).first()
        done = f"The {self.noun} has been removed."
        if item is None:  # removed already: a double submit lands here
            messages.success(request, done)
            return HttpResponseRedirect(self.plan_url())
        item.plan = self.current_plan
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = 0
        try:
            self.remove(item, revision)
        except StaleEdit:
            messages.error(
                request,
                f"This {self.noun} was changed by someone else, so it was not removed. "
                "Check it and try again.",
            )
            return HttpResponseRedirect(reverse(self.edit_url_name, kwargs=kwargs))
        messages.success(request, done)
        return HttpResponseRedirect(self.plan_url())


class ContactRemoveView(ItemRemoveView):
    model = CrisisContact
    noun = "crisis contact"
    edit_url_name = "careplans:contact_edit"

    def remove(self, item: Any, revision: int) -> None:
        services.crisis_contact_remove(
            actor=self.actor, contact=item, revision=revision, audit=self.audit
        )


class SupporterAddView(PlanFormView):
    form_class = SupporterAddForm
    title = "Add a supporter"
    hint = "Family, a friend or a carer who takes part, with what the person agrees to share."

    def perform(self, form: forms.Form) -> str:
        services.supporter_add(
            actor=self.actor,
            plan=self.current_plan,
            values=form_values(form),
            public_id=form.cleaned_data.get("submission"),
            audit=self.audit,
        )
        return "The supporter has been added."


class SupporterEditView(RemovableItemFormView):
    form_class = SupporterEditForm
    title = "Change a supporter"
    item_model = Supporter
    remove_url_name = "careplans:supporter_remove"
    remove_label = "Remove this supporter from the plan"

    def perform(self, form: forms.Form) -> str:
        services.supporter_update(
            actor=self.actor,
            supporter=self.get_item(),
            revision=form.cleaned_data["revision"],
            values=form_values(form),
            audit=self.audit,
        )
        return "The supporter has been saved."


class SupporterRemoveView(ItemRemoveView):
    model = Supporter
    noun = "supporter"
    edit_url_name = "careplans:supporter_edit"

    def remove(self, item: Any, revision: int) -> None:
        services.supporter_remove(
            actor=self.actor, supporter=item, revision=revision, audit=self.audit
        )
