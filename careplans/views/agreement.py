"""The person's voice and the plan's cycle: comments, agreement, and reviews."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404

from .. import services
from ..choices import AgreementMethod, PlanPart, PlanStatus
from ..forms import (
    AgreeForm,
    AnswerForm,
    CommentForm,
    RecordAgreementForm,
    ReviewForm,
    ShareForm,
)
from ..models import PlanComment
from .base import (
    PlanFormView,
)


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
        if not self.current_plan.awaiting_agreement:
            messages.info(
                request,
                "Your care coordinator has not asked you to agree your plan yet. "
                "They will let you know when it is ready.",
            )
            return HttpResponseRedirect(self.plan_url())
        return super().get(request, *args, **kwargs)

    def form_invalid(self, form: forms.Form) -> HttpResponse:
        # A refusal (comments waiting for an answer, a plan not shared) is told on the plan,
        # where the person can see the comments and read on.
        for error in form.non_field_errors() or [
            "Your plan has not been agreed yet. Read it again, then agree it at the end."
        ]:
            messages.error(self.request, str(error))
        return HttpResponseRedirect(self.plan_url() + "#agree")

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


class ShareView(PlanFormView):
    """The coordinator asks the person to read and agree the plan as it stands now."""

    form_class = ShareForm
    title = "Share the plan for agreement"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        plan = self.current_plan
        if plan.status != PlanStatus.DRAFT:
            messages.success(request, "The plan is agreed as it stands: there is nothing to share.")
            return HttpResponseRedirect(self.plan_url())
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        name = self.person.display_name
        context["hint"] = (
            f"{name}'s plan will show that it waits for their agreement, and they will get "
            "an email saying so if they have an email address. They will see what changed "
            "since they last agreed it. If you change the plan afterwards, share it again."
        )
        return context

    def get_initial(self) -> dict[str, Any]:
        return {"revision": self.current_plan.revision}

    def perform(self, form: forms.Form) -> str:
        services.plan_share(
            actor=self.actor,
            plan=self.current_plan,
            revision=form.cleaned_data["revision"],
            audit=self.audit,
        )
        return f"The plan has been shared with {self.person.display_name} for agreement."

    def refused(self, form: forms.Form, current: Any) -> HttpResponse:
        messages.error(
            self.request,
            "The plan was changed by someone else since you opened it, so it has not been "
            "shared. Read it again, then share it.",
        )
        return HttpResponseRedirect(self.plan_url())


class AnswerView(PlanFormView):
    """The coordinator replies to a comment, or marks it dealt with."""

    form_class = AnswerForm
    title = "Answer a comment"
    item_model = PlanComment

    def get_item(self) -> Any:
        if not hasattr(self, "_item"):
            self._item = get_object_or_404(
                PlanComment.objects.select_related("author"),
                plan=self.current_plan,
                public_id=self.kwargs["item_id"],
            )
        return self._item

    def item_values(self, item: Any) -> dict[str, Any]:
        return {"reply": item.reply}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["quote"] = self.get_item()
        return context

    def perform(self, form: forms.Form) -> str:
        comment = services.comment_answer(
            actor=self.actor,
            comment=self.get_item(),
            reply=form.cleaned_data["reply"],
            audit=self.audit,
        )
        return (
            "Your reply has been saved. The person will see it under their comment."
            if comment.reply
            else "The comment has been marked as dealt with."
        )

    def success_url_for(self) -> str:
        return self.plan_url() + f"#comment-{self.get_item().public_id}"
