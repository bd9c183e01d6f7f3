"""What every plan page shares: finding the person and their plan, refusing what this user
may not do with it, the audit of what the page shows, and the one-form edit page."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse

from common.views import ConflictFormView
from directory.audit import AuditContext, AuditedRequestMixin
from directory.models import ServiceUser, User
from directory.permissions import roles_of
from directory.services import access_record

from ..choices import PlanPart
from ..models import TEXT_PARTS, RecoveryPlan
from ..permissions import get_plan_person_for
from ..selectors import items_of, plan_for
from ..services import RESOURCE
from ..versions import field_label

PART_SLUGS: dict[str, str] = {
    "about-me": PlanPart.ABOUT,
    "keeping-well": PlanPart.KEEPING_WELL,
    "crisis": PlanPart.CRISIS,
}
PART_TITLES: dict[str, str] = {
    PlanPart.ABOUT: "About me",
    PlanPart.KEEPING_WELL: "Keeping well",
    PlanPart.CRISIS: "Crisis and contingency",
}


def audit_read(audit: AuditContext, person: ServiceUser, resource: str = RESOURCE) -> None:
    access_record(audit=audit, service_user=person, resource=resource)


def text_parts(values: dict[str, dict[str, str]]) -> dict[str, dict[str, Any]]:
    """The free-text parts for a template: title, page slug and labelled rows, by part."""
    slugs = {part: slug for slug, part in PART_SLUGS.items()}
    return {
        part: {
            "key": str(part),
            "slug": slugs[part],
            "title": PART_TITLES[part],
            "rows": [
                {"label": field_label(name), "value": values.get(part, {}).get(name, "")}
                for name in fields
            ],
        }
        for part, fields in TEXT_PARTS.items()
    }


class PlanPageMixin(LoginRequiredMixin, AuditedRequestMixin):
    """Finds the person and their plan, and refuses what this user may not do with it."""

    need = "read"
    plan_required = True
    # How the page reads the plan: on its own here; with all its parts where the page shows them
    # (read once, not once bare and again whole).
    read_plan = staticmethod(plan_for)
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = get_plan_person_for(request.user, kwargs["public_id"], need=self.need)
        self.plan: RecoveryPlan | None = self.read_plan(self.person)
        if self.plan is not None:
            self.plan.service_user = self.person
        if self.plan_required and self.plan is None:
            raise Http404
        self.prepare()
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def prepare(self) -> None:
        """Checks that need the person and plan, after permissions, before the handler."""

    @property
    def actor(self) -> User:
        """The signed-in user (the mixin has refused anonymous visitors)."""
        return cast(User, self.request.user)

    @property
    def current_plan(self) -> RecoveryPlan:
        assert self.plan is not None, "plan_required pages always have a plan"
        return self.plan

    def plan_url(self) -> str:
        return reverse("careplans:plan", kwargs={"public_id": self.person.public_id})

    def breadcrumbs(self) -> list[dict[str, str]]:
        own = roles_of(self.request.user).service_user_id == self.person.pk
        crumbs = [] if own else [{"href": reverse("caseload"), "text": "Caseload"}]
        return [
            *crumbs,
            {
                "href": self.plan_url(),
                "text": "Your recovery plan" if own else f"{self.person.display_name}'s plan",
            },
        ]

    def base_context(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "plan": self.plan,
            "breadcrumbs": self.breadcrumbs(),
            "is_own_plan": roles_of(self.request.user).service_user_id == self.person.pk,
        }


class PlanFormView(PlanPageMixin, ConflictFormView):
    """One form about one thing in the plan, with refused-edit handling."""

    template_name = "careplans/form.html"
    need = "edit"
    title = ""
    hint = ""
    item_model: type[models.Model] | None = None

    # --- the thing edited ---

    def get_item(self) -> Any:
        """The goal, step, contact or supporter edited (in this person's plan), or None."""
        if self.item_model is None or "item_id" not in self.kwargs:
            return None
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(
                items_of(self.item_model, self.current_plan), public_id=self.kwargs["item_id"]
            )
        return self._item

    def item_values(self, item: Any) -> dict[str, Any]:
        """The initial form values for the item as saved now."""
        form_class = self.get_form_class()
        values = {
            name: getattr(item, name) for name in form_class.base_fields if hasattr(item, name)
        }
        for name in ("life_area", "status", "who", "kind"):
            if name in values:
                values[name] = str(values[name])
        if "progress" in values and values["progress"] is not None:
            values["progress"] = str(values["progress"])
        return values

    def get_initial(self) -> dict[str, Any]:
        item = self.get_item()
        return self.item_values(item) if item is not None else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.base_context(), title=self.title, hint=self.hint)
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        audit_read(self.audit, self.person)
        return super().get(request, *args, **kwargs)

    def success_url_for(self) -> str:
        return self.plan_url()

    def saw_saved_item(self) -> None:
        audit_read(self.audit, self.person)  # the page shows the saved text


def form_values(form: forms.Form) -> dict[str, Any]:
    """The item's fields from an edit or add form, without the hidden revision and id."""
    return {k: v for k, v in form.cleaned_data.items() if k not in ("revision", "submission")}
