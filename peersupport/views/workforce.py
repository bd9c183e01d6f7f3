"""HR's workforce pages: coverage, posts, workers and recovery training."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from common.dates import trust_today
from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.permissions import acting_user

from ..forms import FillForm, PostForm, TrainingImportForm
from ..models import PeerWorker, TrainingRecord
from ..permissions import (
    can_read_lived_experience,
    can_roster,
    can_view_worker,
    may_manage_workforce,
    posts_visible_to,
    rota_teams_visible_to,
    workers_visible_to,
)
from ..selectors import (
    fixed_terms_ending,
    peers_per_hundred_clinical_staff,
    team_coverage,
    training_coverage,
    training_due,
    workers_without_post,
)
from ..services import (
    post_create,
    post_fill,
    training_import,
)
from .shared import rota_team


class CoverageView(LoginRequiredMixin, TemplateView):
    """HR's view of the peer workforce: posts and filled hours per team, teams lacking a peer,
    champions, peers per 100 clinical staff over time, fixed terms ending soon."""

    template_name = "peersupport/coverage.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_manage_workforce(self.request.user):
            raise PermissionDenied
        user = acting_user(self.request)
        assert user.trust_id is not None
        teams = team_coverage(teams=rota_teams_visible_to(user))
        context = super().get_context_data(**kwargs)
        context.update(
            teams=teams,
            lacking=[t for t in teams if t.lacks_a_peer],
            ratios=peers_per_hundred_clinical_staff(trust_id=user.trust_id),
            ending=fixed_terms_ending(trust_id=user.trust_id),
        )
        return context


class PostCreateView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    template_name = "peersupport/post_form.html"
    form_class = PostForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.team = rota_team(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(team=self.team, **kwargs)

    def form_valid(self, form: PostForm) -> HttpResponse:
        try:
            post = post_create(
                actor=acting_user(self.request),
                team=self.team,
                audit=self.audit,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request, f"Added a {post.get_title_display().lower()} post to {self.team.name}."
        )
        return HttpResponseRedirect(reverse("peersupport:coverage"))


class PostFillView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """Fill a post with a worker: they join the team as its peer support worker that day."""

    template_name = "peersupport/post_fill.html"
    form_class = FillForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            if not may_manage_workforce(request.user):
                raise PermissionDenied
            post = (
                posts_visible_to(request.user)
                .select_related("team")
                .filter(public_id=kwargs["public_id"])
                .first()
            )
            if post is None or not can_roster(request.user, team=post.team):
                raise Http404
            self.post_row = post
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "workers": workers_without_post(trust_id=self.post_row.trust_id),
        }

    def get_initial(self) -> dict[str, Any]:
        return {"starts_on": trust_today()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(post=self.post_row, **kwargs)

    def form_valid(self, form: FillForm) -> HttpResponse:
        try:
            post = post_fill(
                actor=acting_user(self.request),
                post=self.post_row,
                worker=form.cleaned_data["worker"],
                on=form.cleaned_data["starts_on"],
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"{post.worker} fills the {post.get_title_display().lower()} post in {post.team.name}.",
        )
        return HttpResponseRedirect(reverse("peersupport:coverage"))


class WorkerView(LoginRequiredMixin, TemplateView):
    """A peer worker's terms and training; what they shared about their lived experience
    only for themselves and HR."""

    template_name = "peersupport/worker.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not workers_visible_to(self.request.user).exists():
            raise PermissionDenied
        worker = (
            PeerWorker.objects.select_related("user", "supervisor")
            .filter(public_id=kwargs["public_id"])
            .first()
        )
        if worker is None or not can_view_worker(self.request.user, worker):
            raise Http404
        context = super().get_context_data(**kwargs)
        context.update(
            worker=worker,
            posts=list(worker.posts.select_related("team")),
            training=list(
                TrainingRecord.objects.filter(user_id=worker.user_id).order_by(
                    "level", "-completed_on"
                )
            ),
            lived_experience=(
                worker.lived_experience
                if can_read_lived_experience(self.request.user, worker)
                else None
            ),
            today=trust_today(),
        )
        return context


class TrainingView(LoginRequiredMixin, TemplateView):
    """Recovery training across the trust: coverage per team and what is due or expired."""

    template_name = "peersupport/training.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_manage_workforce(self.request.user):
            raise PermissionDenied
        user = acting_user(self.request)
        assert user.trust_id is not None
        today = trust_today()
        context = super().get_context_data(**kwargs)
        context.update(
            coverage=training_coverage(teams=rota_teams_visible_to(user), on=today),
            due=training_due(trust_id=user.trust_id, on=today),
            today=today,
        )
        return context


class TrainingImportView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """Import training records from CSV: all or nothing, with every problem by row."""

    template_name = "peersupport/training_import.html"
    form_class = TrainingImportForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not may_manage_workforce(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: TrainingImportForm) -> HttpResponse:
        try:
            outcome = training_import(
                actor=acting_user(self.request),
                csv_text=form.cleaned_data["file"],
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        if outcome.errors:
            form.add_error(
                "file",
                f"Nothing was imported: {len(outcome.errors)} problem"
                f"{'s' if len(outcome.errors) != 1 else ''} in the file, listed below.",
            )
            return self.render_to_context(form, outcome.errors)
        messages.success(
            self.request,
            f"{outcome.imported} training record{'s' if outcome.imported != 1 else ''} imported.",
        )
        return HttpResponseRedirect(reverse("peersupport:training"))

    def render_to_context(self, form: TrainingImportForm, errors: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form, row_errors=errors))
