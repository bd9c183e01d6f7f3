"""League tables: the trust's teams compared honestly (QA managers), a team over time (its
leaders and coordinators too), and the trust beside other trusts. Every figure is read from the
rollup rows; nothing here reads a response, so no person's record is shown or audited.
"""

from __future__ import annotations

import datetime
from functools import partial
from operator import getitem
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import SimpleLazyObject
from django.views.generic import TemplateView, View

from common.forms import add_service_error
from directory.audit import AuditedRequestMixin
from directory.models import Team

from ..charts.league import funnel_plot, interval_bars, xmr_plot
from ..forms import ProcessChangeForm
from ..permissions import (
    can_record_process_change,
    can_view_team_league,
    may_view_league,
    may_view_team_league,
)
from ..selectors import league as reads
from ..selectors.league.version import kept_under_version
from ..services.process_changes import process_change_record
from ..statistics import mean_funnel_curve, proportion_funnel_curve
from .league_shared import QaManagerMixin, _as_at_text, _csv_response, _fmt, _recompute_url


class LeagueView(QaManagerMixin, TemplateView):
    """The trust's teams in one period, ordered by mean, each with its interval, band from the
    funnel plot, response rate and change; the funnel plots beside it, with tables."""

    template_name = "surveys/league/league.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, choice, overdispersion = self.chosen()
        context.update(
            # `form` only once something was asked for (the page title marks its errors); the
            # form itself is drawn from `choice_form`, built only if its kept HTML is missing.
            form=form if "period_kind" in self.request.GET else None,
            choice_form=form,
            choice=choice,
            as_at=self.kept[1],
            recompute_url=_recompute_url(),
            # The choice form and the figures are kept as rendered under these (the form's
            # options and the figures change only with the league version).
            league_version=self.league_version,
            trust_id=self.trust_id,
            query=self.request.GET.urlencode(),
        )
        if choice is None:
            return context
        # The figures are worked out only when the page's cached fragment (kept under the
        # trust's league version and the choice) is missing: the template reads them lazily.
        figures = SimpleLazyObject(partial(self.figures, choice, overdispersion))
        context.update(
            {name: SimpleLazyObject(partial(getitem, figures, name)) for name in _FIGURES},
        )
        return context

    def figures(self, choice: reads.LeagueChoice, overdispersion: bool) -> dict[str, Any]:
        league = reads.league_table(
            trust_id=self.trust_id, choice=choice, overdispersion=overdispersion
        )
        target = league.trust.mean if league.trust else None
        bars, scale = interval_bars(
            [(row.mean, row.ci_low, row.ci_high) for row in league.rows], target=target
        )
        names = {str(row.team_id): row.team_name for row in league.rows}
        plot = rate_plot = None
        if league.funnel is not None:
            max_n = max((row.responses for row in league.rows), default=1)
            plot = funnel_plot(
                league.funnel,
                labels=names,
                curve=mean_funnel_curve(
                    target=league.funnel.target,
                    sd=league.funnel.spread,
                    max_n=max(max_n, 2),
                    tau2=league.funnel.tau2,
                ),
                y_title=choice.domain_label,
            )
        if league.rate_funnel is not None:
            max_n = max((row.caseload or 0 for row in league.rows), default=1)
            rate_plot = funnel_plot(
                league.rate_funnel,
                labels=names,
                curve=proportion_funnel_curve(
                    target=league.rate_funnel.target, max_n=max(max_n, 2)
                ),
                percent=True,
                x_title="People on the caseload",
                y_title="Response rate",
            )
        return {
            "league": league,
            "rows": list(zip(league.rows, bars, strict=True)),
            "scale": scale,
            "plot": plot,
            "rate_plot": rate_plot,
        }


_FIGURES = ("league", "rows", "scale", "plot", "rate_plot")


def _team_charts(series: Any) -> list[dict[str, Any]]:
    charts = []
    for domain in series:
        labels = [f"{month.period_start:%b %Y}" for month in domain.shown]
        charts.append({"series": domain, "plot": xmr_plot(domain.chart, labels=labels)})
    return charts


LEAGUE_HEADER = [
    "as_at",
    "period_kind",
    "period_start",
    "instrument_key",
    "domain",
    "domain_label",
    "measure",
    "team",
    "responses",
    "mean",
    "sd",
    "ci_low",
    "ci_high",
    "caseload",
    "response_rate",
    "band",
    "previous_mean",
    "change",
    "suppressed",
]


class LeagueCsvView(QaManagerMixin, View):
    """The league table on screen as a file: suppression applied, the "as at" time on every row."""

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        _, choice, overdispersion = self.chosen()
        if choice is None:
            raise Http404("There are no figures yet.")
        league = reads.league_table(
            trust_id=self.trust_id, choice=choice, overdispersion=overdispersion
        )
        as_at = _as_at_text(reads.as_at(trust_id=self.trust_id))
        response, writer = _csv_response(
            f"league-{choice.domain}-{choice.period_kind}-{choice.period_start:%Y-%m}.csv"
        )
        writer.writerow(LEAGUE_HEADER)
        common = [
            as_at,
            choice.period_kind,
            choice.period_start.isoformat(),
            choice.instrument_key,
            choice.domain,
            choice.domain_label,
            choice.measure,
        ]
        if league.trust is not None:
            trust = league.trust
            writer.writerow(
                [*common, "(whole trust)", trust.responses]
                + (
                    [""] * 4
                    if trust.suppressed
                    else [_fmt(trust.mean), _fmt(trust.sd), _fmt(trust.ci_low), _fmt(trust.ci_high)]
                )
                + ["", _fmt(trust.response_rate, 4), "", "", "", str(trust.suppressed).lower()]
            )
        for row in league.rows:
            writer.writerow(
                [
                    *common,
                    row.team_name,
                    row.responses,
                    _fmt(row.mean),
                    _fmt(row.sd),
                    _fmt(row.ci_low),
                    _fmt(row.ci_high),
                    "" if row.caseload is None else row.caseload,
                    _fmt(row.response_rate, 4),
                    row.band.value,
                    _fmt(row.previous_mean),
                    _fmt(row.change),
                    str(row.suppressed).lower(),
                ]
            )
        return response


class TeamLeagueMixin(LoginRequiredMixin):
    """A team's league page: QA managers for any team of their trust; its leaders and care
    coordinators for their own teams (404 for another team); 403 for roles that never may."""

    request: HttpRequest
    team: Team

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            if not may_view_team_league(request.user):
                raise PermissionDenied
            self.team = get_object_or_404(Team, public_id=kwargs["public_id"])
            if not can_view_team_league(request.user, self.team):
                raise Http404
        return super().dispatch(request, *args, **kwargs)


class TeamLeagueView(TeamLeagueMixin, AuditedRequestMixin, TemplateView):
    """Each domain over time as an XmR chart, with a table, and the team's place in the trust."""

    template_name = "surveys/league/team.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        version = reads.league_version(trust_id=self.team.trust_id)  # read once for the page
        team, trust_id = self.team, self.team.trust_id
        # The changes, "as at" and the months a change may be recorded from, kept together under
        # the league version: one read of the cache for all three.
        changes, as_at, team_months = kept_under_version(
            trust_id,
            f"team-page:{team.pk}",
            lambda: (
                reads.process_changes(team=team, version=version),
                reads.as_at(trust_id=trust_id, version=version),
                reads.team_months(team=team, version=version),
            ),
            version=version,
        )
        # The series, charts and positions are worked out only when the cached fragment (kept
        # under the trust's league version and the team) is missing, or for the change form.
        series = SimpleLazyObject(
            lambda: reads.team_series(
                team=self.team, rebase_months=tuple(change.month for change in changes)
            )
        )
        may_record = can_record_process_change(self.request.user, self.team)
        months = team_months if may_record else []
        context.update(
            team=self.team,
            charts=SimpleLazyObject(partial(_team_charts, series)),
            positions=SimpleLazyObject(partial(reads.team_positions, team=self.team)),
            league_version=version,
            as_at=as_at,
            qa_manager=may_view_league(self.request.user),
            recompute_url=_recompute_url(),
            changes=changes,
            # Unbound, the form is built only if its kept HTML is missing; `change_form_bound`
            # lets the page ask without building it.
            change_form=(
                kwargs.get("change_form")
                or SimpleLazyObject(partial(ProcessChangeForm, months=months))
            )
            if may_record and months
            else None,
            change_form_bound="change_form" in kwargs,
            show_change_form=bool(may_record and months),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """Record a change to how the team works: its leaders and the trust's QA managers."""
        if not can_record_process_change(request.user, self.team):
            raise PermissionDenied
        # The same months the form offered (`team_months`), so what was offered is accepted.
        form = ProcessChangeForm(request.POST, months=reads.team_months(team=self.team))
        if form.is_valid():
            try:
                process_change_record(
                    team=self.team,
                    month=datetime.date.fromisoformat(form.cleaned_data["month"]),
                    note=form.cleaned_data["note"],
                    audit=self.audit,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, "The change is recorded; the charts take new limits.")
                return redirect("surveys:league_team", public_id=self.team.public_id)
        context = self.get_context_data(change_form=form, **kwargs)
        return self.render_to_response(context, status=400)


class TeamSeriesCsvView(TeamLeagueMixin, View):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        series = reads.team_series(team=self.team)
        as_at = _as_at_text(reads.as_at(trust_id=self.team.trust_id))
        response, writer = _csv_response(f"team-series-{self.team.public_id}.csv")
        writer.writerow(
            [
                "as_at",
                "team",
                "domain",
                "domain_label",
                "measure",
                "month",
                "responses",
                "mean",
                "ci_low",
                "ci_high",
                "suppressed",
                "special_cause",
            ]
        )
        for domain in series:
            for month in domain.months:
                writer.writerow(
                    [
                        as_at,
                        self.team.name,
                        domain.domain,
                        domain.label,
                        domain.measure,
                        month.period_start.isoformat(),
                        month.responses,
                        _fmt(month.mean),
                        _fmt(month.ci_low),
                        _fmt(month.ci_high),
                        str(month.suppressed).lower(),
                        month.point.special_cause.value if month.point else "",
                    ]
                )
        return response
