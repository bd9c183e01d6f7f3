"""Check-in endpoints: instruments (read), responses (send with an idempotency key; read what
you may), and a person's scores over time. The same permission functions as the pages."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from directory.audit import AuditedRequestMixin
from directory.models import ServiceUser, Team
from directory.permissions import acting_user, roles_of
from directory.services import access_record, access_records

from . import services
from .choices import STAFF_CHANNELS, Channel
from .forms import LeagueChoiceForm
from .models import Instrument, Item, Response, ScoringRule
from .permissions import (
    can_view_checkins,
    can_view_team_league,
    can_withdraw,
    get_person_for_checkins,
    may_read_checkins,
    may_view_league,
    may_view_team_league,
    may_withdraw,
    responses_visible_to,
)
from .selectors import journey_responses, league

# --- instruments ---------------------------------------------------------------------------


class ScalePointSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField()


class ItemSerializer(serializers.ModelSerializer):
    scale = ScalePointSerializer(many=True)

    class Meta:
        model = Item
        fields = ["number", "text", "hint", "domain", "scale", "reverse_scored"]


class ScoringRuleSerializer(serializers.ModelSerializer):
    lookup = serializers.DictField(
        child=serializers.FloatField(),
        allow_null=True,
        help_text="Raw total (as text) to the score reported, where the measure uses a table.",
    )

    class Meta:
        model = ScoringRule
        fields = ["domain", "label", "kind", "higher_is_better", "method", "min_answered", "lookup"]


class InstrumentSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    items = ItemSerializer(many=True, read_only=True)
    scoring_rules = ScoringRuleSerializer(many=True, read_only=True)

    class Meta:
        model = Instrument
        fields = [
            "id",
            "key",
            "version",
            "title",
            "introduction",
            "licence_note",
            "active",
            "items",
            "scoring_rules",
        ]


@extend_schema_view(
    list=extend_schema(summary="Check-in instruments, with their items and scoring rules"),
    retrieve=extend_schema(summary="One instrument version"),
)
class InstrumentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = InstrumentSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Instrument]:
        return Instrument.objects.prefetch_related("items", "scoring_rules").order_by(
            "key", "-version"
        )


# --- responses -----------------------------------------------------------------------------


class ScoresField(serializers.DictField):
    """A response's scores by domain (domains too little answered to score are left out)."""

    child = serializers.DecimalField(max_digits=7, decimal_places=2)

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(child=serializers.DecimalField(max_digits=7, decimal_places=2), **kwargs)

    def to_representation(self, value: Any) -> dict[str, Any]:
        return super().to_representation({row.domain: row.score for row in value.all()})


class ResponseSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    service_user = serializers.UUIDField(source="service_user.public_id", read_only=True)
    instrument = serializers.UUIDField(source="instrument.public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    scores = ScoresField()
    status = serializers.CharField(
        read_only=True, help_text="submitted (sent), or withdrawn (its scores no longer count)."
    )

    class Meta:
        model = Response
        fields = [
            "id",
            "idempotency_key",
            "service_user",
            "instrument",
            "team",
            "channel",
            "status",
            "completed_on",
            "period",
            "submitted_at",
            "answered_count",
            "scores",
        ]


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text="Why it should never have counted, e.g. the wrong person."
    )


class AnswerInSerializer(serializers.Serializer):
    item = serializers.IntegerField(min_value=1, help_text="The item's number.")
    value = serializers.IntegerField(allow_null=True, help_text="A point of the scale; null skips.")


class ResponseCreateSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(
        help_text="Made by the caller once per check-in and sent with every retry of it."
    )
    service_user = serializers.UUIDField()
    instrument = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Default: the check-in the person's team uses (the built-in unless chosen).",
    )
    channel = serializers.ChoiceField(
        choices=[Channel.SIGNED_IN.value, Channel.STAFF_PAPER.value, Channel.STAFF_PHONE.value]
    )
    completed_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Staff entry only: day answered."
    )
    answers = AnswerInSerializer(many=True)

    def validate_answers(self, value: list[dict[str, Any]]) -> dict[int, int | None]:
        numbers = [answer["item"] for answer in value]
        if len(set(numbers)) != len(numbers):
            raise serializers.ValidationError("Give each item at most once.")
        return {answer["item"]: answer["value"] for answer in value}


@extend_schema_view(
    list=extend_schema(summary="Sent check-ins of the people whose check-ins you may read"),
    retrieve=extend_schema(summary="One sent check-in"),
    create=extend_schema(
        summary="Send a complete check-in; the same idempotency key again returns it (200)",
        request=ResponseCreateSerializer,
        responses={201: ResponseSerializer, 200: ResponseSerializer},
    ),
)
class ResponseViewSet(
    AuditedRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ResponseSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Response]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks as nobody
            return Response.objects.none()
        if not may_read_checkins(self.request.user):
            raise PermissionDenied
        return (
            responses_visible_to(self.request.user)
            .select_related("service_user", "instrument", "team")
            .prefetch_related("scores")
            .order_by("-completed_on", "-submitted_at", "pk")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        page = self.paginate_queryset(self.get_queryset())
        access_records(
            service_users=[response.service_user for response in page],
            resource="check-in",
            audit=self.audit,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        response = self.get_object()
        access_record(
            service_user=response.service_user,
            resource="check-in",
            audit=self.audit,
        )
        return ApiResponse(self.get_serializer(response).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        if not may_read_checkins(request.user):
            raise PermissionDenied
        incoming = ResponseCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        person = ServiceUser.objects.filter(public_id=data["service_user"]).first()
        if person is None or not can_view_checkins(request.user, person):
            raise ValidationError({"service_user": "Unknown person."})
        instrument = None
        if data["instrument"] is not None:
            instrument = Instrument.objects.filter(public_id=data["instrument"]).first()
            if instrument is None:
                raise ValidationError({"instrument": "Unknown instrument."})
        if data["channel"] not in STAFF_CHANNELS and data["completed_on"] is not None:
            raise ValidationError({"completed_on": "Only staff entries give the day answered."})
        response, created = services.response_record(
            actor=acting_user(request),
            service_user=person,
            channel=data["channel"],
            idempotency_key=data["idempotency_key"],
            answers=data["answers"],
            completed_on=data["completed_on"],
            instrument=instrument,
            audit=self.audit,
        )
        return ApiResponse(
            ResponseSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    @extend_schema(
        summary="Withdraw a sent check-in (entered in error), with a reason",
        request=WithdrawSerializer,
        responses={200: ResponseSerializer},
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        if not may_withdraw(request.user):
            raise PermissionDenied
        response = self.get_object()
        if not can_withdraw(request.user, response.service_user):
            raise PermissionDenied
        incoming = WithdrawSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        withdrawn, _ = services.response_withdraw(
            actor=acting_user(request),
            response=response,
            reason=incoming.validated_data["reason"],
            audit=self.audit,
        )
        return ApiResponse(ResponseSerializer(withdrawn).data)


# --- a person's scores over time ------------------------------------------------------------


class ScorePointSerializer(serializers.Serializer):
    completed_on = serializers.DateField()
    instrument = serializers.CharField(source="instrument.key")
    channel = serializers.CharField()
    scores = ScoresField()


class PersonScoresSerializer(serializers.Serializer):
    service_user = serializers.UUIDField()
    responses = ScorePointSerializer(many=True)


@extend_schema_view(
    retrieve=extend_schema(
        summary="A person's check-in scores over time, oldest first",
        responses={200: PersonScoresSerializer},
    )
)
class PersonScoresViewSet(AuditedRequestMixin, viewsets.GenericViewSet):
    serializer_class = PersonScoresSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"
    queryset = ServiceUser.objects.none()

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> ApiResponse:
        person = get_person_for_checkins(request.user, kwargs["public_id"])
        access_record(
            service_user=person,
            resource="check-in journey",
            audit=self.audit,
        )
        responses = journey_responses(person=person)
        return ApiResponse(
            PersonScoresSerializer({"service_user": person.public_id, "responses": responses}).data
        )


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
