"""Check-in endpoints: instruments (read), responses (send with an idempotency key; read what
you may), and a person's scores over time. The same permission functions as the pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response as ApiResponse

from common.validators import validate_fresh_key
from directory.audit import AuditedRequestMixin
from directory.models import COORDINATOR_ID_TODAY, ServiceUser, coordinator_id_today
from directory.permissions import acting_user
from directory.services import access_record, access_records

from .. import services
from ..choices import STAFF_CHANNELS, Channel
from ..models import Instrument, Item, Response, ScoringRule
from ..permissions import (
    can_view_checkins,
    can_withdraw,
    get_person_for_checkins,
    may_read_checkins,
    may_withdraw,
    responses_visible_to,
)
from ..selectors import journey_responses

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
        # Just sent: the service kept what it wrote, so the answer reads nothing back.
        written = getattr(getattr(value, "instance", None), "written_scores", None)
        if written is not None:
            return super().to_representation(written)
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


class KeyConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = serializers.ListField(
        child=serializers.CharField(), help_text="What differs from the check-in sent first."
    )


class ResponseCreateSerializer(serializers.Serializer):
    idempotency_key = serializers.UUIDField(
        help_text=(
            "Made by the caller once per check-in (a random UUID, never the all-zero one) and "
            "sent with every retry of it. Sending it again with different answers is refused "
            "with 409."
        ),
        validators=[validate_fresh_key],
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
        responses={201: ResponseSerializer, 200: ResponseSerializer, 409: KeyConflictSerializer},
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
        person = (
            ServiceUser.objects.select_related("team")
            .annotate(**{COORDINATOR_ID_TODAY: coordinator_id_today()})
            .filter(public_id=data["service_user"])
            .first()
        )
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
