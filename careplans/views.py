"""Recovery plan pages. Permissions decide, selectors read, services write and audit.

Each edit page edits one thing. An edit that arrives after someone else saved the same thing
is refused by the service; the page then shows what is saved now beside what this person typed,
keeps their text in the form, and lets them save again once they have merged the two by hand.
"""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import FormView, TemplateView

from common.concurrency import StaleEdit
from common.forms import add_service_error
from directory.audit import AuditContext, AuditedRequestMixin
from directory.models import ServiceUser, User
from directory.permissions import roles_of
from directory.services import access_record
from surveys.permissions import can_view_checkins
from surveys.selectors import checkin_overview

from . import services
from .choices import AgreementMethod, PlanPart, PlanStatus
from .forms import (
    AgreeForm,
    CommentForm,
    CrisisContactAddForm,
    CrisisContactEditForm,
    GoalAddForm,
    GoalEditForm,
    RecordAgreementForm,
    ReviewForm,
    StepAddForm,
    StepEditForm,
    SupporterAddForm,
    SupporterEditForm,
    part_form_class,
)
from .models import (
    TEXT_PARTS,
    CrisisContact,
    Goal,
    GoalStep,
    RecoveryPlan,
    Supporter,
)
from .permissions import (
    can_agree_plan_of,
    can_comment_on_plan_of,
    can_edit_plan_of,
    get_plan_person_for,
)
from .selectors import plan_of, versions_of
from .services import RESOURCE
from .versions import compare_snapshots, field_label, plan_snapshot

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


def _audit_read(audit: AuditContext, person: ServiceUser, resource: str = RESOURCE) -> None:
    access_record(audit=audit, service_user=person, resource=resource)


def _display(field: forms.Field, value: Any) -> str:
    """A form value as a person reads it, for the side-by-side of a refused edit."""
    if value in (None, "", []):
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    choices = {str(k): str(v) for k, v in getattr(field, "choices", []) or []}
    if isinstance(value, list | tuple):
        return ", ".join(choices.get(str(v), str(v)) for v in value)
    return choices.get(str(value), str(value))


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


class OwnPlanView(LoginRequiredMixin, AuditedRequestMixin, View):
    """A service user's way to their own plan, from the header."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        person_id = roles_of(request.user).service_user_id
        if person_id is None:
            raise PermissionDenied
        person = ServiceUser.objects.get(pk=person_id)
        return HttpResponseRedirect(
            reverse("careplans:plan", kwargs={"public_id": person.public_id})
        )


class PlanPageMixin(LoginRequiredMixin, AuditedRequestMixin):
    """Finds the person and their plan, and refuses what this user may not do with it."""

    need = "read"
    plan_required = True
    request: HttpRequest
    kwargs: dict[str, Any]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.person = get_plan_person_for(request.user, kwargs["public_id"], need=self.need)
        self.plan: RecoveryPlan | None = RecoveryPlan.objects.filter(
            service_user=self.person
        ).first()
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


class PlanView(PlanPageMixin, TemplateView):
    """The whole plan, crisis contacts first; edit links for those who may edit."""

    template_name = "careplans/plan_detail.html"
    plan_required = False

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        context["breadcrumbs"] = context["breadcrumbs"][:-1]
        user = self.request.user
        context["can_edit"] = can_edit_plan_of(user, self.person) and (
            self.plan is None or self.plan.status != PlanStatus.CLOSED
        )
        context["can_agree"] = can_agree_plan_of(user, self.person)
        context["can_comment"] = can_comment_on_plan_of(user, self.person)
        plan = plan_of(self.person)
        context["plan"] = plan
        _audit_read(self.audit, self.person)
        if plan is None:
            return context
        # The journey sits beside the plan for those who may read the person's check-ins.
        context["may_read_checkins"] = can_view_checkins(user, self.person)
        if context["may_read_checkins"]:
            context["checkins"] = checkin_overview(person=self.person)
        review = plan.review_state(timezone.localdate())
        snapshot = plan_snapshot(plan)
        comments: dict[str, list] = {}
        for comment in plan.comments.all():
            comments.setdefault(comment.part, []).append(comment)
        context.update(
            text_parts=text_parts(snapshot),
            goals=list(plan.goals.all()),
            contacts=list(plan.crisis_contacts.all()),
            supporters=list(plan.supporters.all()),
            comments=comments,
            shown_status=review.shown_status,
            status_label=dict(PlanStatus.choices)[review.shown_status],
            review=review,
            review_overdue=review.overdue,
            review_soon=review.soon,
            versions=list(versions_of(plan)),
        )
        return context


class PlanPrintView(PlanView):
    """The whole plan on paper: no navigation, print styles."""

    template_name = "careplans/plan_print.html"
    plan_required = True


class PlanStartView(PlanPageMixin, TemplateView):
    """Start a plan with the person. A second start (double submit) opens the same plan."""

    template_name = "careplans/plan_start.html"
    need = "edit"
    plan_required = False

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.plan is not None:
            return HttpResponseRedirect(self.plan_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        _audit_read(self.audit, self.person)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.plan_create(actor=self.actor, service_user=self.person, audit=self.audit)
        messages.success(
            request, "The plan has been started. Write it with the person, in their words."
        )
        return HttpResponseRedirect(self.plan_url())


class PlanFormView(PlanPageMixin, FormView):
    """One form about one thing in the plan, with refused-edit handling."""

    template_name = "careplans/form.html"
    need = "edit"
    title = ""
    hint = ""
    item_model: type[models.Model] | None = None

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.conflict: list[dict[str, Any]] | None = None
        return super().dispatch(request, *args, **kwargs)

    # --- the thing edited ---

    def get_item(self) -> Any:
        """The goal, step, contact or supporter edited (in this person's plan), or None."""
        if self.item_model is None or "item_id" not in self.kwargs:
            return None
        if not hasattr(self, "_item"):
            model = self.item_model
            filters: dict[str, Any] = {"public_id": self.kwargs["item_id"]}
            filters["goal__plan" if model is GoalStep else "plan"] = self.current_plan
            self._item = get_object_or_404(model, **filters)
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
        context.update(
            self.base_context(), title=self.title, hint=self.hint, conflict=self.conflict
        )
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _audit_read(self.audit, self.person)
        return super().get(request, *args, **kwargs)

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            message = self.perform(form)
        except StaleEdit as stale:
            return self.refused(form, stale.current)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.success_url_for())

    def success_url_for(self) -> str:
        return self.plan_url()

    def perform(self, form: forms.Form) -> str:
        raise NotImplementedError

    def refused(self, form: forms.Form, current: Any) -> HttpResponse:
        """Someone saved first: show both texts, keep theirs in the form at the new revision."""
        _audit_read(self.audit, self.person)  # the page shows the saved text
        saved = self.item_values(current)
        rows = []
        for name, field in form.fields.items():
            if name == "revision":
                continue
            mine = _display(field, form.cleaned_data.get(name))
            theirs = _display(field, saved.get(name))
            rows.append(
                {
                    "label": str(field.label),
                    "saved": theirs,
                    "yours": mine,
                    "differs": mine != theirs,
                }
            )
        self.conflict = rows
        data = self.request.POST.copy()
        data["revision"] = str(saved.get("revision") or current.revision)
        fresh = self.get_form_class()(data=data, **self.extra_form_kwargs())
        fresh.is_valid()
        return self.render_to_response(self.get_context_data(form=fresh))

    def extra_form_kwargs(self) -> dict[str, Any]:
        return {}


class PartEditView(PlanFormView):
    """About me, keeping well, or crisis and contingency: one part, one page."""

    def prepare(self) -> None:
        if self.kwargs["part"] not in PART_SLUGS:
            raise Http404
        self.part = PART_SLUGS[self.kwargs["part"]]
        self.title = PART_TITLES[self.part]

    def get_form_class(self) -> type[forms.Form]:
        return part_form_class(self.part)

    def get_item(self) -> Any:
        return self.plan

    def item_values(self, item: Any) -> dict[str, Any]:
        values = {name: getattr(item, name) for name in TEXT_PARTS[self.part]}
        values["revision"] = item.revision_of(self.part)
        return values

    def perform(self, form: forms.Form) -> str:
        data = form.cleaned_data
        services.plan_part_update(
            actor=self.actor,
            plan=self.current_plan,
            part=self.part,
            revision=data["revision"],
            values={name: data[name] for name in TEXT_PARTS[self.part]},
            audit=self.audit,
        )
        return f"{self.title} has been saved."


def _values(form: forms.Form) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k not in ("revision", "submission")}


class GoalAddView(PlanFormView):
    form_class = GoalAddForm
    title = "Add a goal"
    hint = "Write the goal in the person's own words: the life they want, not a treatment."

    def perform(self, form: forms.Form) -> str:
        services.goal_add(
            actor=self.actor,
            plan=self.current_plan,
            values=_values(form),
            public_id=form.cleaned_data.get("submission"),
            audit=self.audit,
        )
        return "The goal has been added."


class GoalEditView(PlanFormView):
    form_class = GoalEditForm
    title = "Change a goal"
    hint = "To close a goal, set its status to achieved or no longer wanted."
    item_model = Goal

    def perform(self, form: forms.Form) -> str:
        services.goal_update(
            actor=self.actor,
            goal=self.get_item(),
            revision=form.cleaned_data["revision"],
            values=_values(form),
            audit=self.audit,
        )
        return "The goal has been saved."

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        goal = self.get_item()
        context["steps"] = list(goal.steps.all())
        context["goal"] = goal
        return context


class GoalMoveView(PlanPageMixin, View):
    """Move a goal up or down the list (POST only)."""

    need = "edit"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        goal = get_object_or_404(Goal, public_id=kwargs["item_id"], plan=self.current_plan)
        goal.plan = self.current_plan
        direction = request.POST.get("direction", "")
        if direction not in ("up", "down"):
            raise Http404
        services.goal_move(actor=self.actor, goal=goal, direction=direction, audit=self.audit)
        messages.success(request, f"The goal has been moved {direction}.")
        return HttpResponseRedirect(self.plan_url() + "#goals")


class StepMoveView(PlanPageMixin, View):
    """Move a step up or down its goal (POST only)."""

    need = "edit"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = get_object_or_404(
            GoalStep.objects.select_related("goal"),
            public_id=kwargs["item_id"],
            goal__plan=self.current_plan,
        )
        step.goal.plan = self.current_plan
        direction = request.POST.get("direction", "")
        if direction not in ("up", "down"):
            raise Http404
        services.step_move(actor=self.actor, step=step, direction=direction, audit=self.audit)
        messages.success(request, f"The step has been moved {direction}.")
        return HttpResponseRedirect(self.plan_url() + "#goals")


class PlanCloseView(PlanPageMixin, TemplateView):
    """Close the plan when the person leaves the service; its versions stay readable."""

    template_name = "careplans/plan_close.html"
    need = "edit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        _audit_read(self.audit, self.person)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.current_plan.status != PlanStatus.CLOSED:
            services.plan_close(actor=self.actor, plan=self.current_plan, audit=self.audit)
        messages.success(request, "The plan has been closed.")
        return HttpResponseRedirect(self.plan_url())


class StepAddView(PlanFormView):
    form_class = StepAddForm
    title = "Add a step"

    def goal(self) -> Goal:
        return get_object_or_404(Goal, public_id=self.kwargs["item_id"], plan=self.current_plan)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["hint"] = f"A step towards: {self.goal().description}"
        return context

    def get_initial(self) -> dict[str, Any]:
        return {}

    def perform(self, form: forms.Form) -> str:
        goal = self.goal()
        goal.plan = self.current_plan
        services.step_add(
            actor=self.actor,
            goal=goal,
            values=_values(form),
            public_id=form.cleaned_data.get("submission"),
            audit=self.audit,
        )
        return "The step has been added."


class StepEditView(PlanFormView):
    form_class = StepEditForm
    title = "Change a step"
    item_model = GoalStep

    def perform(self, form: forms.Form) -> str:
        step = self.get_item()
        step.goal.plan = self.current_plan
        services.step_update(
            actor=self.actor,
            step=step,
            revision=form.cleaned_data["revision"],
            values=_values(form),
            audit=self.audit,
        )
        return "The step has been saved."


class ContactAddView(PlanFormView):
    form_class = CrisisContactAddForm
    title = "Add a crisis contact"
    hint = "Someone to call in a crisis: a person the person trusts, or a service."

    def perform(self, form: forms.Form) -> str:
        services.crisis_contact_add(
            actor=self.actor,
            plan=self.current_plan,
            values=_values(form),
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
            values=_values(form),
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
        item = self.model.objects.filter(public_id=kwargs["item_id"], plan=self.plan).first()
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


class SupporterRemoveView(ItemRemoveView):
    model = Supporter
    noun = "supporter"
    edit_url_name = "careplans:supporter_edit"

    def remove(self, item: Any, revision: int) -> None:
        services.supporter_remove(
            actor=self.actor, supporter=item, revision=revision, audit=self.audit
        )


class SupporterAddView(PlanFormView):
    form_class = SupporterAddForm
    title = "Add a supporter"
    hint = "Family, a friend or a carer who takes part, with what the person agrees to share."

    def perform(self, form: forms.Form) -> str:
        services.supporter_add(
            actor=self.actor,
            plan=self.current_plan,
            values=_values(form),
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
            values=_values(form),
            audit=self.audit,
        )
        return "The supporter has been saved."


class CommentView(PlanFormView):
    form_class = CommentForm
    title = "Comment on the plan"
    hint = "Say what you think of any part of the plan. Your care coordinator will read it."
    need = "comment"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not context["is_own_plan"]:
            context["hint"] = "Comments are kept with the plan, for the person and their team."
        return context

    def get_initial(self) -> dict[str, Any]:
        part = self.request.GET.get("part", "")
        return {"part": part} if part in PlanPart.values else {}

    def perform(self, form: forms.Form) -> str:
        services.comment_add(
            actor=self.actor,
            plan=self.current_plan,
            part=form.cleaned_data["part"],
            text=form.cleaned_data["text"],
            public_id=form.cleaned_data.get("submission"),
            audit=self.audit,
        )
        return "Your comment has been added."


class AgreeView(PlanFormView):
    """The person agrees their plan as they have just read it."""

    form_class = AgreeForm
    need = "agree"
    title = "Agree your plan"
    template_name = "careplans/agree.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.current_plan.status != PlanStatus.DRAFT:
            messages.success(
                request, "There is nothing new to agree: your plan is as you agreed it."
            )
            return HttpResponseRedirect(self.plan_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"revision": self.current_plan.revision}

    def perform(self, form: forms.Form) -> str:
        version = services.plan_agree(
            actor=self.actor,
            plan=self.current_plan,
            revision=form.cleaned_data["revision"],
            method=AgreementMethod.ONLINE,
            audit=self.audit,
        )
        return f"Thank you. You agreed your plan; it is kept as version {version.number}."

    def refused(self, form: forms.Form, current: Any) -> HttpResponse:
        messages.error(
            self.request,
            "Your plan was changed while you were reading it, so it has not been agreed yet. "
            "Read it again, then agree it if you are happy with it.",
        )
        return HttpResponseRedirect(self.plan_url())


class RecordAgreementView(PlanFormView):
    """A coordinator records agreement the person gave in person, by phone or by letter."""

    form_class = RecordAgreementForm
    title = "Record the person's agreement"
    hint = "Record agreement the person gave to the plan as it stands now."

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.current_plan.status == PlanStatus.AGREED:
            messages.success(
                request, "The plan is agreed as it stands: there is nothing new to record."
            )
            return HttpResponseRedirect(self.plan_url())
        return super().get(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"revision": self.current_plan.revision}

    def perform(self, form: forms.Form) -> str:
        data = form.cleaned_data
        version = services.plan_agree(
            actor=self.actor,
            plan=self.current_plan,
            revision=data["revision"],
            method=data["method"],
            agreed_on=data["agreed_on"],
            note=data["note"],
            audit=self.audit,
        )
        return f"Agreement recorded; the plan is kept as version {version.number}."

    def refused(self, form: forms.Form, current: Any) -> HttpResponse:
        form.add_error(
            None,
            "The plan changed since you opened this page. Check the plan with the person, then record their agreement again.",
        )
        data = self.request.POST.copy()
        data["revision"] = str(current.revision)
        fresh = RecordAgreementForm(data=data)
        fresh.is_valid()
        fresh.add_error(None, form.non_field_errors()[0])
        return self.render_to_response(self.get_context_data(form=fresh))


class ReviewView(PlanFormView):
    form_class = ReviewForm
    title = "Record a review"
    hint = "The date, what was talked about, each goal's new rating and when to review next."

    def extra_form_kwargs(self) -> dict[str, Any]:
        return {"goals": list(self.current_plan.goals.all())}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), **self.extra_form_kwargs()}

    def perform(self, form: forms.Form) -> str:
        data = form.cleaned_data
        services.plan_review_record(
            actor=self.actor,
            plan=self.current_plan,
            reviewed_on=data["reviewed_on"],
            summary=data["summary"],
            next_review_on=data["next_review_on"],
            ratings=cast(ReviewForm, form).ratings(),
            audit=self.audit,
        )
        return "The review has been recorded. Ask the person to agree the reviewed plan."


class VersionView(PlanPageMixin, TemplateView):
    """An agreed version, read back exactly as it was agreed."""

    template_name = "careplans/version_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = get_object_or_404(versions_of(self.current_plan), number=kwargs["number"])
        _audit_read(self.audit, self.person, "recovery plan version")
        context.update(
            self.base_context(),
            version=version,
            snapshot=version.snapshot,
            parts=list(text_parts(version.snapshot).values()),
        )
        return context


class CompareView(PlanPageMixin, TemplateView):
    """Two agreed versions, or the latest agreed version and the plan now, part by part."""

    template_name = "careplans/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        versions = {v.number: v for v in versions_of(self.current_plan)}
        context.update(
            self.base_context(), versions=sorted(versions.values(), key=lambda v: v.number)
        )
        if len(versions) < 1:
            raise Http404
        numbers = sorted(versions)
        try:
            old = int(
                self.request.GET.get("from", numbers[-2] if len(numbers) > 1 else numbers[-1])
            )
            new_raw = self.request.GET.get(
                "to", "current" if len(numbers) == 1 else str(numbers[-1])
            )
            new = None if new_raw == "current" else int(new_raw)
        except ValueError:
            raise Http404 from None
        if old not in versions or (new is not None and new not in versions):
            raise Http404
        if new is None:
            plan = plan_of(self.person)
            assert plan is not None
            new_snapshot, new_label = plan_snapshot(plan), "the plan now"
        else:
            new_snapshot, new_label = versions[new].snapshot, f"version {new}"
        _audit_read(self.audit, self.person, "recovery plan version")
        context.update(
            old=old,
            new=new,
            new_label=new_label,
            comparisons=compare_snapshots(versions[old].snapshot, new_snapshot),
        )
        return context
