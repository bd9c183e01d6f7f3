"""Read endpoints for teams and service users, and adding a person, under the page rules."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from common.validators import validate_date_of_birth, validate_name

from .audit import AuditedRequestMixin
from .models import ServiceUser, Team, User
from .nhs_number import normalise_nhs_number, validate_nhs_number
from .permissions import (
    acting_user,
    can_add_service_user,
    get_service_user_for,
    may_read_service_user_records,
    may_view_trust_overview,
    teams_for_new_service_user,
)
from .selectors import service_user_list, team_overview
from .services import access_record, access_records, service_user_create


class TeamSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    member_count = serializers.IntegerField(read_only=True)
    caseload_size = serializers.IntegerField(read_only=True)

    class Meta:
        model = Team
        fields = ["id", "name", "kind", "kind_display", "member_count", "caseload_size"]


class PersonRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="__str__")


class ServiceUserSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    team = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    team_name = serializers.CharField(source="team.name", read_only=True)
    care_coordinator = PersonRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ServiceUser
        fields = [
            "id",
            "nhs_number",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "team",
            "team_name",
            "care_coordinator",
        ]


class ServiceUserCreateSerializer(serializers.Serializer):
    nhs_number = serializers.CharField(max_length=14, help_text="10 digits; spaces allowed.")
    given_name = serializers.CharField(max_length=100, validators=[validate_name])
    family_name = serializers.CharField(max_length=100, validators=[validate_name])
    preferred_name = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="", validators=[validate_name]
    )
    date_of_birth = serializers.DateField(validators=[validate_date_of_birth])
    team = serializers.UUIDField(help_text="The id of one of your teams.")
    care_coordinator = serializers.UUIDField(required=False, allow_null=True, default=None)

    def validate_nhs_number(self, value: str) -> str:
        try:
            validate_nhs_number(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return normalise_nhs_number(value)

    def validate_team(self, value: Any) -> Team:
        team = (
            teams_for_new_service_user(self.context["request"].user).filter(public_id=value).first()
        )
        if team is None:
            raise serializers.ValidationError("Unknown team: give the id of one of your teams.")
        return team

    def validate_care_coordinator(self, value: Any) -> User | None:
        if value is None:
            return None
        user = User.objects.filter(public_id=value, is_active=True).first()
        if user is None:
            raise serializers.ValidationError("Unknown care coordinator.")
        return user


@extend_schema_view(
    list=extend_schema(summary="Teams in your trust, with staff and caseload counts"),
    retrieve=extend_schema(summary="One team"),
)
class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = TeamSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Team]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, not a caller
            return Team.objects.none()
        if not may_view_trust_overview(self.request.user):
            raise PermissionDenied
        return team_overview(user=acting_user(self.request))


@extend_schema_view(
    list=extend_schema(
        summary="People whose records you may read",
        parameters=[
            OpenApiParameter(
                "search", str, description="Part of a name, or the start of an NHS number"
            )
        ],
    ),
    retrieve=extend_schema(summary="One person's record"),
    create=extend_schema(
        summary="Add a person to one of your teams",
        request=ServiceUserCreateSerializer,
        responses={201: ServiceUserSerializer},
    ),
)
class ServiceUserViewSet(
    AuditedRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ServiceUserSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[ServiceUser]:
        if getattr(self, "swagger_fake_view", False):  # the schema generator, not a caller
            return ServiceUser.objects.none()
        if not may_read_service_user_records(self.request.user):
            raise PermissionDenied
        return service_user_list(
            user=acting_user(self.request), search=self.request.query_params.get("search", "")
        )

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        access_records(
            service_users=page,
            resource="directory entry",
            audit=self.audit,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        person = get_service_user_for(request.user, kwargs["public_id"])
        access_record(service_user=person, resource="summary", audit=self.audit)
        return Response(self.get_serializer(person).data)

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        if not can_add_service_user(request.user):
            raise PermissionDenied
        incoming = ServiceUserCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        person = service_user_create(
            actor=acting_user(request), audit=self.audit, **incoming.validated_data
        )
        return Response(ServiceUserSerializer(person).data, status=status.HTTP_201_CREATED)
