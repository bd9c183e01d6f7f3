"""Recovery plans over the API, under the page rules and through the same services.

Writes quote the revision they started from; a stale revision answers 409 Conflict with the
saved values, and nothing is overwritten.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from common.concurrency import StaleEdit
from directory.audit import AuditedRequestMixin
from directory.models import COORDINATOR_ID_TODAY, ServiceUser, coordinator_id_today
from directory.permissions import acting_user
from directory.services import access_record, access_records

from . import services
from .choices import GoalStatus, LifeArea
from .models import TEXT_PARTS, Goal, RecoveryPlan
from .permissions import (
    can_edit_plan_of,
    can_view_plan_of,
    may_read_plans,
    may_write_plans,
)
from .selectors import plan_list
from .services import RESOURCE
from .versions import plan_parts, plan_with_parts

API_PARTS = {"about": "about", "keeping-well": "keeping_well", "crisis": "crisis"}


class PlanPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")


class StepSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    revision = serializers.IntegerField()
    what = serializers.CharField()
    who = serializers.CharField()
    by_when = serializers.DateField(allow_null=True)
    done_on = serializers.DateField(allow_null=True)


class GoalSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    revision = serializers.IntegerField()
    life_area = serializers.CharField()
    description = serializers.CharField()
    why_it_matters = serializers.CharField()
    target_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    progress = serializers.IntegerField(allow_null=True)
    steps = StepSerializer(many=True, source="steps.all")


class ContactSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    revision = serializers.IntegerField()
    name = serializers.CharField()
    relationship = serializers.CharField()
    phone = serializers.CharField()
    when_to_call = serializers.CharField()


class SupporterSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    revision = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    relationship = serializers.CharField()
    contact = serializers.CharField()
    shared_parts = serializers.ListField(child=serializers.CharField())
    consent_recorded_on = serializers.DateField(allow_null=True)
    consent_dates = serializers.DictField(
        child=serializers.DateField(), help_text="When the person agreed to share each part."
    )
    told_of_carer_assessment = serializers.BooleanField()


class PartSerializer(serializers.Serializer):
    """One free-text part: its fields and the revision to quote when changing it."""

    revision = serializers.IntegerField()
    fields = serializers.DictField(child=serializers.CharField())


def _part(plan: RecoveryPlan, part: str) -> dict[str, Any]:
    return {
        "revision": plan.revision_of(part),
        "fields": {name: getattr(plan, name) for name in TEXT_PARTS[part]},
    }


class PlanSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    service_user = PlanPersonSerializer()
    status = serializers.SerializerMethodField()
    review_due_on = serializers.DateField(allow_null=True)
    revision = serializers.IntegerField()
    waiting_for_agreement_since = serializers.SerializerMethodField(
        help_text="When the plan was shared with the person for agreement, while it waits for "
        "it; null otherwise (not shared, changed since, or agreed)."
    )

    def get_status(self, plan: RecoveryPlan) -> str:
        return plan.shown_status(timezone.localdate())

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_waiting_for_agreement_since(self, plan: RecoveryPlan) -> str | None:
        if not plan.awaiting_agreement or plan.shared_at is None:
            return None
        return serializers.DateTimeField().to_representation(plan.shared_at)


class PlanSerializer(PlanSummarySerializer):
    about = serializers.SerializerMethodField()
    keeping_well = serializers.SerializerMethodField()
    crisis = serializers.SerializerMethodField()
    crisis_contacts = ContactSerializer(many=True, source="crisis_contacts.all")
    goals = GoalSerializer(many=True, source="goals.all")
    supporters = SupporterSerializer(many=True, source="supporters.all")

    @extend_schema_field(PartSerializer)
    def get_about(self, plan: RecoveryPlan) -> dict[str, Any]:
        return _part(plan, "about")

    @extend_schema_field(PartSerializer)
    def get_keeping_well(self, plan: RecoveryPlan) -> dict[str, Any]:
        return _part(plan, "keeping_well")

    @extend_schema_field(PartSerializer)
    def get_crisis(self, plan: RecoveryPlan) -> dict[str, Any]:
        return _part(plan, "crisis")


class PlanCreateSerializer(serializers.Serializer):
    service_user = serializers.UUIDField(help_text="The id of a person on your caseload.")


class PartUpdateSerializer(serializers.Serializer):
    revision = serializers.IntegerField(
        min_value=1, help_text="The part's revision you started from, as last read."
    )
    fields = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000),
        help_text="The part's fields by name; fields left out are emptied.",
    )


class GoalWriteSerializer(serializers.Serializer):
    life_area = serializers.ChoiceField(choices=LifeArea.choices)
    description = serializers.CharField(max_length=2000)
    why_it_matters = serializers.CharField(max_length=2000, allow_blank=True, default="")
    target_date = serializers.DateField(allow_null=True, default=None)
    status = serializers.ChoiceField(choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED)
    progress = serializers.IntegerField(min_value=1, max_value=10, allow_null=True, default=None)


class GoalUpdateSerializer(GoalWriteSerializer):
    revision = serializers.IntegerField(min_value=1)


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    current = serializers.DictField(help_text="What is saved now, with its revision.")


@extend_schema_view(
    list=extend_schema(summary="Recovery plans you may read", responses=PlanSummarySerializer),
    retrieve=extend_schema(summary="One recovery plan, with all its parts"),
    create=extend_schema(
        summary="Start a person's recovery plan",
        request=PlanCreateSerializer,
        responses={201: PlanSerializer},
    ),
)
class PlanViewSet(
    AuditedRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PlanSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[RecoveryPlan]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return RecoveryPlan.objects.none()
        if not may_read_plans(self.request.user):
            raise PermissionDenied
        return plan_list(user=acting_user(self.request))

    def stale_representation(self, current: models.Model) -> dict[str, Any]:
        """What a 409 shows as saved now: the part, or the goal, that the caller was changing
        (the exception handler in `common.api` asks for it)."""
        if isinstance(current, Goal):
            return dict(GoalWriteSerializer(current).data) | {"revision": current.revision}
        return _part(cast(RecoveryPlan, current), API_PARTS[self.kwargs["part"]])

    def _plan(self, public_id: Any, *, write: bool = False, parts: bool = True) -> RecoveryPlan:
        """The plan asked for, if allowed; with its goals, contacts and supporters unless a
        write that reads them only for its answer (`parts=False`: prefetch them after)."""
        if not (may_write_plans if write else may_read_plans)(self.request.user):
            raise PermissionDenied
        plans = RecoveryPlan.objects.select_related("service_user").annotate(
            # the person's care coordinator today, read with the plan for the permission check
            **{f"service_user_{COORDINATOR_ID_TODAY}": coordinator_id_today("service_user_id")}
        )
        plan = (plan_with_parts(plans) if parts else plans).filter(public_id=public_id).first()
        if plan is not None:
            setattr(
                plan.service_user,
                COORDINATOR_ID_TODAY,
                getattr(plan, f"service_user_{COORDINATOR_ID_TODAY}"),
            )
        if plan is None or not can_view_plan_of(self.request.user, plan.service_user):
            raise Http404
        if write and not can_edit_plan_of(self.request.user, plan.service_user):
            raise PermissionDenied
        return plan

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        access_records(
            service_users=[plan.service_user for plan in page],
            resource=RESOURCE,
            audit=self.audit,
        )
        return self.get_paginated_response(PlanSummarySerializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        plan = self._plan(kwargs["public_id"])
        access_record(
            service_user=plan.service_user,
            resource=RESOURCE,
            audit=self.audit,
        )
        return Response(PlanSerializer(plan).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not may_write_plans(request.user):
            raise PermissionDenied
        incoming = PlanCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        person = ServiceUser.objects.filter(
            public_id=incoming.validated_data["service_user"]
        ).first()
        if person is None or not can_edit_plan_of(request.user, person):
            raise ValidationError(
                {"service_user": ["Unknown person: give the id of someone on your caseload."]}
            )
        existed = RecoveryPlan.objects.filter(service_user=person).exists()
        plan = services.plan_create(
            actor=acting_user(request), service_user=person, audit=self.audit
        )
        plan = self._plan(plan.public_id)
        return Response(
            PlanSerializer(plan).data,
            status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED,
        )

    @extend_schema(
        summary="Change one free-text part (about, keeping-well or crisis)",
        request=PartUpdateSerializer,
        responses={
            200: PlanSerializer,
            409: ConflictSerializer,
            400: OpenApiResponse(description="Invalid"),
        },
    )
    @action(
        detail=True,
        methods=["put"],
        url_path=r"parts/(?P<part>about|keeping-well|crisis)",
        url_name="part",
    )
    def part(self, request: Request, public_id: Any = None, part: str = "") -> Response:
        plan = self._plan(public_id, write=True, parts=False)
        incoming = PartUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        name = API_PARTS[part]
        try:
            services.plan_part_update(
                actor=acting_user(request),
                plan=plan,
                part=name,
                revision=incoming.validated_data["revision"],
                values=incoming.validated_data["fields"],
                audit=self.audit,
            )
        except StaleEdit:
            # The 409 carries the saved text, so it is a read of the plan.
            access_record(audit=self.audit, service_user=plan.service_user, resource=RESOURCE)
            raise
        # The service has read the saved plan back; its parts are read once, for the answer.
        prefetch_related_objects([plan], *plan_parts())
        return Response(PlanSerializer(plan).data)

    @extend_schema(
        summary="Add a goal",
        request=GoalWriteSerializer,
        responses={201: GoalSerializer},
    )
    @action(detail=True, methods=["post"], url_path="goals", url_name="goals")
    def add_goal(self, request: Request, public_id: Any = None) -> Response:
        plan = self._plan(public_id, write=True)
        incoming = GoalWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        goal = services.goal_add(
            actor=acting_user(request),
            plan=plan,
            values=dict(incoming.validated_data),
            audit=self.audit,
        )
        return Response(GoalSerializer(goal).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Change a goal",
        request=GoalUpdateSerializer,
        responses={200: GoalSerializer, 409: ConflictSerializer},
    )
    @action(
        detail=True,
        methods=["put"],
        url_path=r"goals/(?P<goal_id>[0-9a-f-]{36})",
        url_name="goal",
    )
    def update_goal(self, request: Request, public_id: Any = None, goal_id: str = "") -> Response:
        plan = self._plan(public_id, write=True)
        goal = next((g for g in plan.goals.all() if str(g.public_id) == goal_id), None)
        if goal is None:
            raise Http404
        incoming = GoalUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        revision = values.pop("revision")
        try:
            goal = services.goal_update(
                actor=acting_user(request),
                goal=goal,
                revision=revision,
                values=values,
                audit=self.audit,
            )
        except StaleEdit:
            # The 409 carries the saved text, so it is a read of the plan.
            access_record(audit=self.audit, service_user=plan.service_user, resource=RESOURCE)
            raise
        return Response(GoalSerializer(Goal.objects.prefetch_related("steps").get(pk=goal.pk)).data)
