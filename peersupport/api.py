"""Rota endpoints: shifts (with assignment under the working-time rules) and peer workers.

A rule-breaking assignment answers 409 Conflict naming each rule and the shifts involved.
Workers are served without anything they shared about their lived experience.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from directory.audit import AuditedRequestMixin
from directory.models import Team
from directory.permissions import acting_user

from .choices import ShiftKind, TrainingLevel
from .models import PeerWorker, Shift
from .permissions import (
    can_roster,
    may_manage_workforce,
    own_worker,
    rota_teams_visible_to,
    shifts_visible_to,
    workers_visible_to,
)
from .selectors import monday_of, week_bounds
from .services import RosterRuleBroken, shift_assign, shift_create, shift_unassign


class WorkerSerializer(serializers.ModelSerializer):
    """A peer worker's terms: never what they shared about their lived experience."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(source="user.__str__", read_only=True)
    opted_out_of_weekly_limit = serializers.BooleanField(source="has_opted_out", read_only=True)

    class Meta:
        model = PeerWorker
        fields = [
            "id",
            "name",
            "started_on",
            "contracted_hours",
            "band",
            "opted_out_of_weekly_limit",
        ]


class ShiftSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.UUIDField(source="team.public_id", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    worker = serializers.UUIDField(source="worker.public_id", read_only=True, allow_null=True)

    class Meta:
        model = Shift
        fields = [
            "id",
            "team",
            "team_name",
            "starts_at",
            "ends_at",
            "kind",
            "required_level",
            "break_minutes",
            "worker",
        ]


class ShiftCreateSerializer(serializers.Serializer):
    team = serializers.UUIDField(help_text="The id of a team in your trust.")
    starts_at = serializers.DateTimeField(
        help_text="With its UTC offset, e.g. 2027-01-04T09:00:00Z."
    )
    ends_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ShiftKind.choices)
    required_level = serializers.ChoiceField(
        choices=TrainingLevel.choices, required=False, allow_blank=True, default=""
    )
    break_minutes = serializers.IntegerField(min_value=0, max_value=240, default=0)

    def validate_team(self, value: Any) -> Team:
        team = rota_teams_visible_to(self.context["request"].user).filter(public_id=value).first()
        if team is None:
            raise serializers.ValidationError("Unknown team: give the id of a team in your trust.")
        return team


class AssignSerializer(serializers.Serializer):
    worker = serializers.UUIDField(help_text="The id of a peer worker in the shift's trust.")


class FindingSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="The rule's code, e.g. daily_rest.")
    rule_name = serializers.CharField()
    message = serializers.CharField()
    shifts = serializers.ListField(child=serializers.UUIDField(), help_text="Shifts involved.")


RULES_BROKEN = inline_serializer(
    "RulesBroken",
    fields={"detail": serializers.CharField(), "rules": FindingSerializer(many=True)},
)
ASSIGNED = inline_serializer(
    "Assigned",
    fields={"shift": ShiftSerializer(), "warnings": FindingSerializer(many=True)},
)


def _findings(findings: Any) -> list[dict[str, Any]]:
    return [
        {"rule": f.rule, "rule_name": f.rule_name, "message": f.message, "shifts": list(f.shifts)}
        for f in findings
    ]


@extend_schema_view(
    list=extend_schema(
        summary="Shifts: HR sees the trust's, a peer their own and the open ones",
        parameters=[
            OpenApiParameter("team", str, description="A team's id"),
            OpenApiParameter("week", datetime.date, description="Any day of the week wanted"),
        ],
    ),
    retrieve=extend_schema(summary="One shift"),
    create=extend_schema(
        summary="Add an open shift to a team's rota (HR)",
        request=ShiftCreateSerializer,
        responses={201: ShiftSerializer},
    ),
)
class ShiftViewSet(
    AuditedRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ShiftSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Shift]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, not a caller
            return Shift.objects.none()
        if not (may_manage_workforce(self.request.user) or own_worker(self.request.user)):
            raise PermissionDenied
        shifts = shifts_visible_to(self.request.user).select_related("team", "worker")
        team = self.request.query_params.get("team")
        if team:
            try:
                shifts = shifts.filter(team__public_id=uuid.UUID(team))
            except ValueError as exc:
                raise serializers.ValidationError({"team": "Give a team's id."}) from exc
        week = self.request.query_params.get("week")
        if week:
            try:
                start, end = week_bounds(monday_of(datetime.date.fromisoformat(week)))
            except ValueError as exc:
                raise serializers.ValidationError({"week": "Give a date as YYYY-MM-DD."}) from exc
            shifts = shifts.filter(starts_at__gte=start, starts_at__lt=end)
        return shifts.order_by("starts_at", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_manage_workforce(request.user):
            raise PermissionDenied
        incoming = ShiftCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        shift = shift_create(
            actor=acting_user(request), audit=self.audit, **incoming.validated_data
        )
        return Response(ShiftSerializer(shift).data, status=status.HTTP_201_CREATED)

    def _rostered(self) -> Shift:
        if not may_manage_workforce(self.request.user):
            raise PermissionDenied
        shift = self.get_object()
        if not can_roster(self.request.user, shift):
            raise PermissionDenied
        return shift

    @extend_schema(
        summary="Roster a worker to the shift (HR); 409 names each working-time rule it breaks",
        request=AssignSerializer,
        responses={200: ASSIGNED, 409: RULES_BROKEN},
    )
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shift = self._rostered()
        incoming = AssignSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        worker = (
            workers_visible_to(request.user)
            .select_related("user")
            .filter(public_id=incoming.validated_data["worker"])
            .first()
        )
        if worker is None:
            raise serializers.ValidationError({"worker": "Unknown worker."})
        try:
            done = shift_assign(
                actor=acting_user(request), shift=shift, worker=worker, audit=self.audit
            )
        except RosterRuleBroken as exc:
            return Response(
                {
                    "detail": "The assignment breaks working-time rules: "
                    + "; ".join(b.rule_name for b in exc.breaches)
                    + ".",
                    "rules": _findings(exc.breaches),
                },
                status=status.HTTP_409_CONFLICT,
            )
        done.shift.worker = worker
        return Response(
            {"shift": ShiftSerializer(done.shift).data, "warnings": _findings(done.warnings)}
        )

    @extend_schema(summary="Take the worker off the shift (HR)", request=None)
    @action(detail=True, methods=["post"])
    def unassign(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        shift = self._rostered()
        shift = shift_unassign(actor=acting_user(request), shift=shift, audit=self.audit)
        return Response(ShiftSerializer(shift).data)


@extend_schema_view(
    list=extend_schema(summary="Peer workers: HR sees the trust's, a worker themselves"),
    retrieve=extend_schema(summary="One peer worker"),
)
class WorkerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = WorkerSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[PeerWorker]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, not a caller
            return PeerWorker.objects.none()
        if not (may_manage_workforce(self.request.user) or own_worker(self.request.user)):
            raise PermissionDenied
        return workers_visible_to(self.request.user).select_related("user")
