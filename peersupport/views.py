"""Rota pages. Thin: permissions decide, selectors read, services check the rules and write."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views import View
from django.views.generic import FormView, TemplateView
from icalendar import Calendar, Event

from common.dates import trust_time_zone, trust_today
from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.models import Team
from directory.permissions import acting_user

from .forms import AssignForm, FillForm, PostForm, ShiftForm, TrainingImportForm, rule_errors
from .models import PeerWorker, Shift, TrainingRecord
from .permissions import (
    can_read_lived_experience,
    can_roster,
    can_view_worker,
    may_manage_workforce,
    own_worker,
    posts_visible_to,
    rota_teams_visible_to,
    shifts_visible_to,
    workers_visible_to,
)
from .selectors import (
    feed_shifts,
    fixed_terms_ending,
    monday_of,
    open_shifts_for,
    peers_per_hundred_clinical_staff,
    shift_label,
    team_coverage,
    team_week,
    training_coverage,
    training_due,
    upcoming_shifts,
    worker_for_feed,
    worker_week,
    workers_for_assignment,
    workers_without_post,
)
from .services import (
    RosterRuleBroken,
    feed_link_issue,
    feed_link_revoke,
    post_create,
    post_fill,
    shift_assign,
    shift_create,
    shift_take,
    shift_unassign,
    training_import,
    week_copy,
)


def _monday(request: HttpRequest) -> datetime.date:
    """The week asked for (`?week=YYYY-MM-DD`, any day of it), or this week."""
    try:
        day = datetime.date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        day = trust_today()
    return monday_of(day)


def _days(shifts: list[Shift], monday: datetime.date) -> list[tuple[datetime.date, list[Shift]]]:
    zone = trust_time_zone()
    days: list[tuple[datetime.date, list[Shift]]] = [
        (monday + datetime.timedelta(days=n), []) for n in range(7)
    ]
    for shift in shifts:
        index = (shift.starts_at.astimezone(zone).date() - monday).days
        if 0 <= index < 7:
            days[index][1].append(shift)
    return days


def _week_links(monday: datetime.date) -> dict[str, Any]:
    return {
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "previous_week": (monday - datetime.timedelta(days=7)).isoformat(),
        "next_week": (monday + datetime.timedelta(days=7)).isoformat(),
    }


def _rota_team(request: HttpRequest, public_id: Any) -> Team:
    if not may_manage_workforce(request.user):
        raise PermissionDenied
    team = rota_teams_visible_to(request.user).filter(public_id=public_id).first()
    if team is None:
        raise Http404
    return team


def _rostered_shift(request: HttpRequest, public_id: Any) -> Shift:
    if not may_manage_workforce(request.user):
        raise PermissionDenied
    shift = (
        shifts_visible_to(request.user)
        .select_related("team", "worker__user")
        .filter(public_id=public_id)
        .first()
    )
    if shift is None or not can_roster(request.user, shift):
        raise Http404
    return shift


class RotaTeamsView(LoginRequiredMixin, TemplateView):
    """The teams HR rosters peers for."""

    template_name = "peersupport/rota_teams.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not may_manage_workforce(self.request.user):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        context["teams"] = list(rota_teams_visible_to(self.request.user).order_by("name"))
        return context


class TeamWeekView(LoginRequiredMixin, TemplateView):
    """A team's shifts for one week, day by day, with who is on each."""

    template_name = "peersupport/team_week.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        team = _rota_team(self.request, kwargs["public_id"])
        monday = _monday(self.request)
        context = super().get_context_data(**kwargs)
        shifts = team_week(team=team, monday=monday)
        context.update(
            team=team,
            days=_days(shifts, monday),
            shift_count=len(shifts),
            open_count=sum(1 for s in shifts if s.worker_id is None),
            **_week_links(monday),
        )
        return context


class ShiftCreateView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    template_name = "peersupport/shift_form.html"
    form_class = ShiftForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.team = _rota_team(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self) -> dict[str, Any]:
        return {"day": _monday(self.request), "break_minutes": 0}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(team=self.team, **kwargs)

    def form_valid(self, form: ShiftForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            shift = shift_create(
                actor=acting_user(self.request),
                team=self.team,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                kind=data["kind"],
                required_level=data["required_level"],
                break_minutes=data["break_minutes"],
                audit=self.audit,
            )
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Added: {shift_label(shift)}.")
        week = shift.starts_at.astimezone(trust_time_zone()).date().isoformat()
        url = reverse("peersupport:team_week", kwargs={"public_id": self.team.public_id})
        return HttpResponseRedirect(f"{url}?week={week}")


class ShiftAssignView(LoginRequiredMixin, AuditedRequestMixin, FormView):
    """Give an open shift to a worker; each rule it would break is shown by the worker field."""

    template_name = "peersupport/shift_assign.html"
    form_class = AssignForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated:
            self.shift = _rostered_shift(request, kwargs["public_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "workers": workers_for_assignment(shift=self.shift)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(shift=self.shift, label=shift_label(self.shift), **kwargs)

    def form_valid(self, form: AssignForm) -> HttpResponse:
        worker = form.cleaned_data["worker"]
        try:
            done = shift_assign(
                actor=acting_user(self.request), shift=self.shift, worker=worker, audit=self.audit
            )
        except RosterRuleBroken as exc:
            add_service_error(form, rule_errors(exc.breaches))
            return self.form_invalid(form)
        except ValidationError as exc:
            add_service_error(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"{worker} is rostered to {shift_label(done.shift)}.")
        for warning in done.warnings:
            messages.warning(self.request, f"{warning.rule_name}: {warning.message}")
        return HttpResponseRedirect(_team_week_url(self.shift))


def _team_week_url(shift: Shift) -> str:
    week = shift.starts_at.astimezone(trust_time_zone()).date().isoformat()
    url = reverse("peersupport:team_week", kwargs={"public_id": shift.team.public_id})
    return f"{url}?week={week}"


class ShiftUnassignView(LoginRequiredMixin, AuditedRequestMixin, View):
    def post(self, request: HttpRequest, public_id: Any) -> HttpResponse:
        shift = _rostered_shift(request, public_id)
        shift_unassign(actor=acting_user(request), shift=shift, audit=self.audit)
        messages.success(request, f"{shift_label(shift)} is open again.")
        return HttpResponseRedirect(_team_week_url(shift))


class WeekCopyView(LoginRequiredMixin, AuditedRequestMixin, View):
    def post(self, request: HttpRequest, public_id: Any) -> HttpResponse:
        team = _rota_team(request, public_id)
        monday = _monday(request)
        added = week_copy(actor=acting_user(request), team=team, monday=monday, audit=self.audit)
        following = monday + datetime.timedelta(days=7)
        messages.success(
            request,
            f"{added} shift{'s' if added != 1 else ''} copied to the week of "
            f"{following:%-d %B %Y}, open for rostering.",
        )
        url = reverse("peersupport:team_week", kwargs={"public_id": team.public_id})
        return HttpResponseRedirect(f"{url}?week={following.isoformat()}")


class WorkerWeekView(LoginRequiredMixin, TemplateView):
    """One worker's week: for HR, the worker and their supervisor."""

    template_name = "peersupport/worker_week.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        if not workers_visible_to(self.request.user).exists():
            raise PermissionDenied
        worker = get_object_or_404(
            PeerWorker.objects.select_related("user"), public_id=kwargs["public_id"]
        )
        if not can_view_worker(self.request.user, worker):
            raise Http404
        monday = _monday(self.request)
        shifts = worker_week(worker=worker, monday=monday)
        worked = sum(
            ((s.ends_at - s.starts_at).total_seconds() / 60 - s.break_minutes) for s in shifts
        )
        context = super().get_context_data(**kwargs)
        context.update(
            worker=worker,
            days=_days(shifts, monday),
            worked_hours=round(worked / 60, 2),
            **_week_links(monday),
        )
        return context


class MyRotaView(LoginRequiredMixin, TemplateView):
    """A peer's own coming shifts, the open shifts offered to them, and their calendar feed."""

    template_name = "peersupport/my_rota.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        worker = own_worker(self.request.user)
        if worker is None:
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        token = self.request.session.pop("peer_feed_token", None)
        context.update(
            worker=worker,
            shifts=upcoming_shifts(worker=worker),
            open_shifts=open_shifts_for(worker=worker),
            feed_url=(
                self.request.build_absolute_uri(
                    reverse("peersupport:feed", kwargs={"token": token})
                )
                if token
                else ""
            ),
            has_feed=bool(worker.feed_token_hash),
        )
        return context


class ShiftTakeView(LoginRequiredMixin, AuditedRequestMixin, View):
    def post(self, request: HttpRequest, public_id: Any) -> HttpResponse:
        worker = own_worker(request.user)
        if worker is None:
            raise PermissionDenied
        shift = (
            shifts_visible_to(request.user)
            .select_related("team")
            .filter(public_id=public_id, worker__isnull=True)
            .first()
        )
        if shift is None:
            raise Http404
        try:
            shift_take(actor=acting_user(request), shift=shift, audit=self.audit)
        except RosterRuleBroken as exc:
            for breach in exc.breaches:
                messages.error(request, f"{breach.rule_name}: {breach.message}")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"You are rostered to {shift_label(shift)}.")
        return HttpResponseRedirect(reverse("peersupport:my_rota"))


class FeedLinkView(LoginRequiredMixin, AuditedRequestMixin, View):
    """Make a new secret feed address (the old one stops working), or switch the feed off."""

    def post(self, request: HttpRequest) -> HttpResponse:
        if own_worker(request.user) is None:
            raise PermissionDenied
        if request.POST.get("action") == "revoke":
            feed_link_revoke(actor=acting_user(request), audit=self.audit)
            messages.success(request, "Your calendar feed is switched off.")
        else:
            request.session["peer_feed_token"] = feed_link_issue(
                actor=acting_user(request), audit=self.audit
            )
        return HttpResponseRedirect(reverse("peersupport:my_rota"))


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """A worker's shifts as iCalendar, for a phone's calendar to subscribe to. The secret in the
    address is the only key; an unknown or revoked one is not found."""
    worker = worker_for_feed(token)
    if worker is None:
        raise Http404
    calendar = Calendar()
    calendar.add("prodid", "-//recovery-care//peer rota//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "My peer support shifts")
    for shift in feed_shifts(worker=worker):
        event = Event()
        event.add("uid", f"{shift.public_id}@recovery-care")
        event.add("dtstamp", shift.created_at)
        event.add("dtstart", shift.starts_at)
        event.add("dtend", shift.ends_at)
        event.add("summary", f"{shift.get_kind_display()}, {shift.team.name}")
        if shift.break_minutes:
            event.add("description", f"Includes a {shift.break_minutes}-minute break.")
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response


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
            self.team = _rota_team(request, kwargs["public_id"])
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
