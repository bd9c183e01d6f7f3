"""A peer's own rota: their coming shifts, open shifts to take, and their calendar feed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from icalendar import Calendar, Event

from directory.audit import AuditedRequestMixin
from directory.permissions import acting_user

from ..permissions import (
    own_worker,
    shifts_visible_to,
)
from ..selectors import (
    feed_shifts,
    open_shifts_for,
    shift_label,
    upcoming_shifts,
    worker_for_feed,
)
from ..services import (
    RosterRuleBroken,
    feed_link_issue,
    feed_link_revoke,
    shift_take,
)


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
