"""Goals and their steps: adding, changing and moving them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.views import View

from .. import services
from ..forms import (
    GoalAddForm,
    GoalEditForm,
    StepAddForm,
    StepEditForm,
)
from ..models import Goal, GoalStep
from ..selectors import items_of
from .base import (
    PlanFormView,
    PlanPageMixin,
    form_values,
)


class GoalAddView(PlanFormView):
    form_class = GoalAddForm
    title = "Add a goal"
    hint = "Write the goal in the person's own words: the life they want, not a treatment."

    def perform(self, form: forms.Form) -> str:
        services.goal_add(
            actor=self.actor,
            plan=self.current_plan,
            values=form_values(form),
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
            values=form_values(form),
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
        goal = get_object_or_404(items_of(Goal, self.current_plan), public_id=kwargs["item_id"])
        goal.plan = self.current_plan
        direction = request.POST.get("direction", "")
        if direction not in ("up", "down"):
            raise Http404
        services.goal_move(actor=self.actor, goal=goal, direction=direction, audit=self.audit)
        messages.success(request, f"The goal has been moved {direction}.")
        return HttpResponseRedirect(self.plan_url() + "#goals")


class StepAddView(PlanFormView):
    form_class = StepAddForm
    title = "Add a step"

    def goal(self) -> Goal:
        return get_object_or_404(
            items_of(Goal, self.current_plan), public_id=self.kwargs["item_id"]
        )

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
            values=form_values(form),
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
            values=form_values(form),
            audit=self.audit,
        )
        return "The step has been saved."


class StepMoveView(PlanPageMixin, View):
    """Move a step up or down its goal (POST only)."""

    need = "edit"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = get_object_or_404(
            items_of(GoalStep, self.current_plan).select_related("goal"),
            public_id=kwargs["item_id"],
        )
        step.goal.plan = self.current_plan
        direction = request.POST.get("direction", "")
        if direction not in ("up", "down"):
            raise Http404
        services.step_move(actor=self.actor, step=step, direction=direction, audit=self.audit)
        messages.success(request, f"The step has been moved {direction}.")
        return HttpResponseRedirect(self.plan_url() + "#goals")
