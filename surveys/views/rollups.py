"""Recompute now: a QA manager asks for their trust's league tables to be worked out again and
watches the job's progress and its finish time ("as at")."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.views.generic import TemplateView

from directory.audit import AuditedRequestMixin
from directory.models import Trust
from directory.permissions import acting_user

from .. import services
from ..choices import RollupStatus
from ..permissions import league_trust_id, may_recompute_league
from ..selectors import active_recompute_for, league_as_at, rollup_run_in_trust

# How often a page showing a run that has not finished reloads itself, in seconds.
REFRESH_SECONDS = 5


class _QaManagerOnly(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_recompute_league(request.user):
                raise PermissionDenied
            trust_id = league_trust_id(request.user)
            if trust_id is None:
                raise PermissionDenied
            self.trust = get_object_or_404(Trust, pk=trust_id)
        return super().dispatch(request, *args, **kwargs)


class RecomputeView(_QaManagerOnly, AuditedRequestMixin, TemplateView):
    """The "recompute now" button, with when the league tables were last worked out."""

    template_name = "surveys/league/rollup_recompute.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            trust=self.trust,
            as_at=league_as_at(self.trust),
            active=active_recompute_for(self.trust),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        run = services.rollup_request(
            trust=self.trust, requested_by=acting_user(request), audit=self.audit
        )
        return redirect("surveys:rollup_status", public_id=run.public_id)


class RollupStatusView(_QaManagerOnly, TemplateView):
    """How far a recompute has got; reloads itself until it has finished."""

    template_name = "surveys/league/rollup_status.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        run = rollup_run_in_trust(trust_id=self.trust.pk, public_id=self.kwargs["public_id"])
        if run is None:
            raise Http404
        unfinished = run.status in (RollupStatus.QUEUED, RollupStatus.RUNNING)
        return super().get_context_data(
            run=run,
            unfinished=unfinished,
            refresh_seconds=REFRESH_SECONDS,
            percent=round(100 * run.steps_done / run.steps_total) if run.steps_total else 0,
            **kwargs,
        )
