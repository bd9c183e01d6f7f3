"""The plan page, printing, starting and closing a plan, and editing its free-text parts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser
from directory.permissions import roles_of
from surveys.permissions import can_view_checkins
from surveys.selectors import checkin_overview

from .. import services
from ..choices import PlanPart, PlanStatus
from ..forms import (
    part_form_class,
)
from ..models import TEXT_PARTS, RecoveryPlan
from ..panels import goal_panels
from ..permissions import can_agree_plan_of, can_comment_on_plan_of, can_edit_plan_of
from ..selectors import plan_of, versions_of
from ..versions import compare_snapshots, plan_snapshot
from .base import (
    PART_SLUGS,
    PART_TITLES,
    PlanFormView,
    PlanPageMixin,
    audit_read,
    text_parts,
)


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


class PlanView(PlanPageMixin, TemplateView):
    """The whole plan, crisis contacts first; edit links for those who may edit."""

    template_name = "careplans/plan_detail.html"
    plan_required = False
    interactive = True  # links and forms in what other apps add under goals
    read_plan = staticmethod(plan_of)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        user = self.request.user
        context["breadcrumbs"] = (
            [{"href": reverse("home"), "text": "Home"}]
            if context["is_own_plan"]
            else [
                {"href": reverse("caseload"), "text": "Caseload"},
                {
                    "href": reverse("person", kwargs={"public_id": self.person.public_id}),
                    "text": self.person.display_name,
                },
            ]
        )
        context["can_edit"] = can_edit_plan_of(user, self.person) and (
            self.plan is None or self.plan.status != PlanStatus.CLOSED
        )
        context["can_agree"] = can_agree_plan_of(user, self.person)
        context["can_comment"] = can_comment_on_plan_of(user, self.person) and (
            self.plan is None or self.plan.status != PlanStatus.CLOSED
        )
        plan = self.plan
        context["plan"] = plan
        audit_read(self.audit, self.person)
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
        versions = list(versions_of(plan))
        # What changed since the person last agreed, part by part (from the snapshots already
        # read: no query). Shown while there is something new to agree.
        changes = None
        if plan.status == PlanStatus.DRAFT and versions:
            changes = [
                part for part in compare_snapshots(versions[0].snapshot, snapshot) if part.changes
            ]
        open_comments = [
            c
            for c in plan.comments.all()
            if c.author_id == self.person.user_id and c.answered_at is None
        ]
        context.update(
            awaiting_agreement=plan.awaiting_agreement,
            open_comments=open_comments,
            changes=changes,
            contents=plan_contents(plan),
            next_action=next_action(
                plan,
                can_edit=context["can_edit"],
                can_agree=context["can_agree"],
                open_comments=open_comments,
                review=review,
                person=self.person,
                has_changes=bool(changes),
            ),
        )
        goals = list(plan.goals.all())
        history = rating_history(plan)
        for goal in goals:
            goal.rating_history = history.get(str(goal.public_id), [])  # type: ignore[attr-defined]
        context.update(
            text_parts=text_parts(snapshot),
            goals=goals,
            # What apps above careplans show under each goal (referrals): careplans.panels.
            goal_panels=goal_panels(self.actor, self.person, goals, interactive=self.interactive),
            contacts=list(plan.crisis_contacts.all()),
            supporters=list(plan.supporters.all()),
            comments=comments,
            shown_status=review.shown_status,
            status_label=dict(PlanStatus.choices)[review.shown_status],
            review=review,
            review_overdue=review.overdue,
            review_soon=review.soon,
            versions=versions,
        )
        return context


def rating_history(plan: RecoveryPlan) -> dict[str, list[tuple[Any, int]]]:
    """Each goal's ratings at the plan's reviews, oldest first, by goal public id. Read from the
    reviews already fetched with the plan, so the history costs no query."""
    history: dict[str, list[tuple[Any, int]]] = {}
    for review in sorted(plan.reviews.all(), key=lambda r: (r.reviewed_on, r.pk)):
        for goal_id, rating in (review.ratings or {}).items():
            if rating is not None:
                history.setdefault(goal_id, []).append((review.reviewed_on, rating))
    return history


def plan_contents(plan: RecoveryPlan) -> list[dict[str, Any]]:
    """The plan's parts in page order, each with its anchor and when it last changed."""
    return [
        {"anchor": anchor, "title": title, "changed_at": plan.part_changed_at(part)}
        for anchor, title, part in (
            ("crisis-contacts", "In a crisis", PlanPart.CRISIS),
            ("part-about", "About me", PlanPart.ABOUT),
            ("goals", "Goals", PlanPart.GOALS),
            ("part-keeping_well", "Keeping well", PlanPart.KEEPING_WELL),
            ("part-crisis", "Crisis and contingency", PlanPart.CRISIS),
            ("supporters", "Supporters", PlanPart.SUPPORTERS),
        )
    ]


def next_action(
    plan: RecoveryPlan,
    *,
    can_edit: bool,
    can_agree: bool,
    open_comments: list,
    review: Any,
    person: ServiceUser,
    has_changes: bool,
) -> dict[str, str] | None:
    """The one thing to do next on this plan, for this reader, shown at the top of the page:
    a link (`href`) or, when the next step is someone else's, a sentence only."""
    public_id = person.public_id
    if plan.status == PlanStatus.CLOSED:
        return None
    if can_edit:
        if open_comments:
            first = open_comments[0].public_id
            count = len(open_comments)
            return {
                "text": f"Answer {person.display_name}'s comment"
                + ("s" if count > 1 else "")
                + f" ({count} waiting)",
                "href": reverse(
                    "careplans:comment_answer", kwargs={"public_id": public_id, "item_id": first}
                ),
            }
        if plan.status == PlanStatus.DRAFT and not plan.awaiting_agreement:
            return {
                "text": "Share the plan for agreement",
                "href": reverse("careplans:share", kwargs={"public_id": public_id}),
            }
        if plan.awaiting_agreement:
            return {
                "text": f"Shared with {person.display_name} on "
                f"{plan.shared_at:%-d %B %Y}: waiting for their agreement."
            }
        if review.overdue or review.soon:
            return {
                "text": "Record a review",
                "href": reverse("careplans:review", kwargs={"public_id": public_id}),
            }
        return None
    if can_agree and plan.awaiting_agreement:
        if open_comments:
            return {
                "text": "Your care coordinator will answer your comments. "
                "You can agree your plan once they have."
            }
        return {
            "text": "Read what changed, then agree your plan at the end",
            "href": "#changes" if has_changes else "#agree",
        }
    return None


class PlanPrintView(PlanView):
    """The whole plan on paper: no navigation, print styles."""

    template_name = "careplans/plan_print.html"
    plan_required = True
    interactive = False


class CrisisCardView(PlanView):
    """The crisis card at the size of a bank card: numbers on the front, what helps behind."""

    template_name = "careplans/crisis_card.html"
    plan_required = True
    interactive = False


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
        audit_read(self.audit, self.person)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        services.plan_create(actor=self.actor, service_user=self.person, audit=self.audit)
        messages.success(
            request, "The plan has been started. Write it with the person, in their words."
        )
        return HttpResponseRedirect(self.plan_url())


class PlanCloseView(PlanPageMixin, TemplateView):
    """Close the plan when the person leaves the service; its versions stay readable."""

    template_name = "careplans/plan_close.html"
    need = "edit"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self.base_context())
        audit_read(self.audit, self.person)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.current_plan.status != PlanStatus.CLOSED:
            services.plan_close(actor=self.actor, plan=self.current_plan, audit=self.audit)
        messages.success(request, "The plan has been closed.")
        return HttpResponseRedirect(self.plan_url())


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
