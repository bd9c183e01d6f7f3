"""League endpoints: aggregated figures only, by trust and by team. The same permission
functions as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from directory.models import ServiceUser, Team
from directory.permissions import roles_of

from ..forms import LeagueChoiceForm
from ..permissions import (
    can_view_team_league,
    may_view_league,
    may_view_team_league,
)
from ..selectors import league

# --- league tables: aggregated figures only -------------------------------------------------


class LeagueTrustSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    sd = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()


class LeagueRowSerializer(serializers.Serializer):
    team = serializers.UUIDField(source="team_public_id")
    team_name = serializers.CharField()
    responses = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, help_text="Empty when suppressed.")
    sd = serializers.FloatField(allow_null=True)
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    caseload = serializers.IntegerField(allow_null=True)
    response_rate = serializers.FloatField(allow_null=True)
    band = serializers.CharField(help_text="The funnel band: above_99_8 ... suppressed.")
    rate_band = serializers.CharField()
    change = serializers.FloatField(allow_null=True, help_text="Since the previous period.")
    suppressed = serializers.BooleanField()


class LeagueSerializer(serializers.Serializer):
    as_at = serializers.DateTimeField(allow_null=True)
    period_kind = serializers.CharField()
    period_start = serializers.DateField()
    instrument_key = serializers.CharField()
    domain = serializers.CharField()
    domain_label = serializers.CharField(help_text="The domain's name, from its scoring rule.")
    measure = serializers.CharField()
    overdispersion = serializers.BooleanField()
    trust = LeagueTrustSerializer(allow_null=True)
    rows = LeagueRowSerializer(many=True)


class SeriesMonthSerializer(serializers.Serializer):
    period_start = serializers.DateField()
    responses = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True, help_text="Empty when suppressed.")
    ci_low = serializers.FloatField(allow_null=True)
    ci_high = serializers.FloatField(allow_null=True)
    suppressed = serializers.BooleanField()
    special_cause = serializers.CharField(allow_null=True)


class DomainSeriesSerializer(serializers.Serializer):
    domain = serializers.CharField()
    label = serializers.CharField(help_text="The domain's name, from its scoring rule.")
    measure = serializers.CharField()
    variation = serializers.CharField(allow_null=True)
    trial_limits = serializers.BooleanField()
    months = SeriesMonthSerializer(many=True)


class TeamSeriesSerializer(serializers.Serializer):
    as_at = serializers.DateTimeField(allow_null=True)
    team = serializers.UUIDField()
    team_name = serializers.CharField()
    domains = DomainSeriesSerializer(many=True)


@extend_schema_view(
    list=extend_schema(
        summary="The trust's league table for one period, instrument, domain and measure",
        description="QA managers only. Parameters as the league page's form; without them, the "
        "page's default. Suppressed rows carry counts but no mean or interval.",
    )
)
class LeagueViewSet(viewsets.GenericViewSet):
    serializer_class = LeagueSerializer
    queryset = ServiceUser.objects.none()
    pagination_class = None

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        if not may_view_league(request.user):
            raise PermissionDenied
        trust_id = roles_of(request.user).trust_id
        assert trust_id is not None
        options = league.league_options(trust_id=trust_id)
        choice, overdispersion = options.default, False
        params = request.query_params
        if "period_kind" in params:
            form = LeagueChoiceForm(
                params,
                periods=options.periods,
                domains=options.domains,
                measures=options.measures,
                labels={"kinds": {}, "measures": {}, "domains": {}},
            )
            if not form.is_valid():
                raise ValidationError(form.errors.get_json_data())
            data = form.cleaned_data
            choice = options.choice(
                period_kind=data["period_kind"],
                period_start=datetime.date.fromisoformat(data["period"]),
                instrument_key=data["instrument"],
                domain=data["domain"],
                measure=data["measure"],
            )
            overdispersion = bool(data["overdispersion"])
        if choice is None:
            raise Http404("There are no league figures yet.")
        table = league.league_table(trust_id=trust_id, choice=choice, overdispersion=overdispersion)
        return ApiResponse(
            LeagueSerializer(
                {
                    "as_at": league.as_at(trust_id=trust_id),
                    "period_kind": choice.period_kind,
                    "period_start": choice.period_start,
                    "instrument_key": choice.instrument_key,
                    "domain": choice.domain,
                    "domain_label": choice.domain_label,
                    "measure": choice.measure,
                    "overdispersion": overdispersion,
                    "trust": table.trust,
                    "rows": table.rows,
                }
            ).data
        )


@extend_schema_view(
    retrieve=extend_schema(
        summary="A team's monthly figures per domain, with XmR signals",
        description="QA managers for any team of their trust; team leaders and care "
        "coordinators for their own teams.",
    )
)
class TeamSeriesViewSet(viewsets.GenericViewSet):
    serializer_class = TeamSeriesSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    queryset = Team.objects.none()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        if not may_view_team_league(request.user):
            raise PermissionDenied
        team = Team.objects.filter(public_id=kwargs["public_id"]).first()
        if team is None or not can_view_team_league(request.user, team):
            raise Http404
        series = league.team_series(team=team)
        return ApiResponse(
            TeamSeriesSerializer(
                {
                    "as_at": league.as_at(trust_id=team.trust_id),
                    "team": team.public_id,
                    "team_name": team.name,
                    "domains": [
                        {
                            "domain": domain.domain,
                            "label": domain.label,
                            "measure": domain.measure,
                            "variation": domain.chart.icon.value if domain.chart.icon else None,
                            "trial_limits": domain.chart.trial_limits,
                            "months": [
                                {
                                    "period_start": month.period_start,
                                    "responses": month.responses,
                                    "mean": month.mean,
                                    "ci_low": month.ci_low,
                                    "ci_high": month.ci_high,
                                    "suppressed": month.suppressed,
                                    "special_cause": month.point.special_cause.value
                                    if month.point
                                    else None,
                                }
                                for month in domain.months
                            ],
                        }
                        for domain in series
                    ],
                }
            ).data
        )
