"""Endpoints for networks, partners, opportunities and referrals, under the pages' rules.

A partner contact reaches only their organisation, its opportunities and the referrals sent to
it, and sees of each referral only what the person agreed to share."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from directory.audit import AuditedRequestMixin
from directory.permissions import acting_user
from directory.services import access_record, access_records

from . import selectors, services
from .choices import OpportunityKind, PartnerKind, ReferralStatus
from .models import Network, Opportunity, Partner, Referral
from .permissions import (
    can_act_as_partner_on,
    can_act_as_trust_on,
    can_edit_opportunity,
    contact_partner_ids,
    is_partner_contact,
    may_read_referrals,
    may_use_directory,
)

SEARCH = OpenApiParameter("search", str, description="Words to look for")


def _directory_or_contact(request: Request) -> None:
    if not (may_use_directory(request.user) or is_partner_contact(request.user)):
        raise PermissionDenied


class NetworkSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    teams = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)
    coordinator = serializers.CharField(source="coordinator.get_full_name", default="")

    class Meta:
        model = Network
        fields = ["id", "name", "area", "teams", "coordinator"]


class PartnerSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    networks = serializers.SlugRelatedField(slug_field="public_id", many=True, read_only=True)

    class Meta:
        model = Partner
        fields = [
            "id",
            "name",
            "kind",
            "description",
            "address",
            "postcode",
            "contact_name",
            "phone",
            "email",
            "website",
            "networks",
            "is_active",
        ]


class OpportunitySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    partner = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    places_left = serializers.SerializerMethodField()
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "partner",
            "kind",
            "title",
            "description",
            "eligibility",
            "places",
            "places_left",
            "starts_on",
            "ends_on",
            "how_to_apply",
            "is_active",
            "postcode",
            "distance_km",
            "revision",
        ]

    def get_places_left(self, opportunity: Opportunity) -> int | None:
        return selectors.places_left(opportunity)

    def get_distance_km(self, opportunity: Opportunity) -> float | None:
        km = selectors.distance_km(opportunity)
        return None if km is None else round(km, 1)


class OpportunityUpdateSerializer(serializers.Serializer):
    revision = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(OpportunityKind.choices, required=False)
    description = serializers.CharField(max_length=5000, required=False)
    eligibility = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    places = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    how_to_apply = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)


class ReferralStepRowSerializer(serializers.Serializer):
    status = serializers.CharField()
    happened_on = serializers.DateField()
    note = serializers.CharField()
    side = serializers.CharField()


class SharedDetailSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class PartnerReferralSerializer(serializers.Serializer):
    """What a partner sees: the opportunity, the steps, and only what the person shared."""

    id = serializers.UUIDField(source="public_id")
    opportunity = serializers.UUIDField(source="opportunity.public_id")
    opportunity_title = serializers.CharField(source="opportunity.title")
    status = serializers.ChoiceField(ReferralStatus.choices)
    shared = SharedDetailSerializer(many=True)
    steps = serializers.SerializerMethodField()
    revision = serializers.IntegerField()

    @extend_schema_field(ReferralStepRowSerializer(many=True))
    def get_steps(self, referral: Referral) -> list[dict[str, Any]]:
        # The partner sees when each step happened, and only their own side's notes.
        return [
            {
                "status": step.status,
                "happened_on": step.happened_on,
                "note": step.note if step.side == "partner" else "",
                "side": step.side,
            }
            for step in referral.steps.all()
        ]


class ReferralPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField(source="display_name")


class ReferralSerializer(PartnerReferralSerializer):
    """What the trust's staff and the person see: all of it."""

    service_user = ReferralPersonSerializer(source="person")
    goal = serializers.UUIDField(source="goal.public_id")
    partner = serializers.UUIDField(source="partner.public_id")
    consent_recorded_on = serializers.DateField(allow_null=True)

    @extend_schema_field(ReferralStepRowSerializer(many=True))
    def get_steps(self, referral: Referral) -> list[dict[str, Any]]:
        return [
            {"status": s.status, "happened_on": s.happened_on, "note": s.note, "side": s.side}
            for s in referral.steps.all()
        ]


class ReferralStepSerializer(serializers.Serializer):
    to = serializers.ChoiceField(ReferralStatus.choices)
    revision = serializers.IntegerField(min_value=1)
    happened_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    consent = serializers.BooleanField(required=False, default=False)


@extend_schema_view(
    list=extend_schema(summary="Your trust's locality networks"),
    retrieve=extend_schema(summary="One network"),
)
class NetworkViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = NetworkSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Network]:
        if getattr(self, "swagger_fake_view", False):
            return Network.objects.none()
        if not may_use_directory(self.request.user):
            raise PermissionDenied
        return selectors.network_list(acting_user(self.request)).prefetch_related("teams")


@extend_schema_view(
    list=extend_schema(
        summary="Partner organisations (a partner contact: their own)", parameters=[SEARCH]
    ),
    retrieve=extend_schema(summary="One partner organisation"),
)
class PartnerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = PartnerSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Partner]:
        if getattr(self, "swagger_fake_view", False):
            return Partner.objects.none()
        _directory_or_contact(self.request)
        kind = self.request.query_params.get("kind", "")
        return selectors.partner_directory(
            acting_user(self.request),
            words=self.request.query_params.get("search", ""),
            kind=kind if kind in PartnerKind.values else "",
            active_only=False,
        )


@extend_schema_view(
    list=extend_schema(
        summary="Opportunities partners offer (a partner contact: their organisation's)",
        parameters=[SEARCH],
    ),
    retrieve=extend_schema(summary="One opportunity, with its places left"),
)
class OpportunityViewSet(
    AuditedRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = OpportunitySerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Opportunity]:
        if getattr(self, "swagger_fake_view", False):
            return Opportunity.objects.none()
        _directory_or_contact(self.request)
        kind = self.request.query_params.get("kind", "")
        return selectors.opportunity_search(
            acting_user(self.request),
            words=self.request.query_params.get("search", ""),
            kind=kind if kind in OpportunityKind.values else "",
            open_only=False,
        )

    def stale_representation(self, current: models.Model) -> dict[str, Any]:
        opportunity = selectors.with_places_taken(Opportunity.objects.filter(pk=current.pk)).get()
        return dict(OpportunitySerializer(opportunity).data)

    @extend_schema(
        summary="Keep an opportunity up to date (quote its revision)",
        request=OpportunityUpdateSerializer,
        responses={200: OpportunitySerializer},
    )
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        opportunity = self.get_object()
        if not can_edit_opportunity(request.user, opportunity):
            raise PermissionDenied
        incoming = OpportunityUpdateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        values = dict(incoming.validated_data)
        revision = values.pop("revision")
        services.opportunity_update(
            actor=acting_user(request), opportunity=opportunity, revision=revision, values=values
        )
        return Response(OpportunitySerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(
        summary="Referrals you may see: of your people, or (a partner contact) to your "
        "organisation",
        responses=ReferralSerializer(many=True),
    ),
    retrieve=extend_schema(summary="One referral", responses=ReferralSerializer),
)
class ReferralViewSet(
    AuditedRequestMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = ReferralSerializer
    lookup_field = "public_id"
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Referral]:
        if getattr(self, "swagger_fake_view", False):
            return Referral.objects.none()
        if not (may_read_referrals(self.request.user) or is_partner_contact(self.request.user)):
            raise PermissionDenied
        return selectors.referral_list(acting_user(self.request)).select_related("goal")

    def get_serializer_class(self) -> type[serializers.Serializer]:
        if getattr(self, "swagger_fake_view", False):
            return ReferralSerializer
        if contact_partner_ids(self.request.user):
            return PartnerReferralSerializer
        return ReferralSerializer

    def stale_representation(self, current: models.Model) -> dict[str, Any]:
        referral = selectors.referral_detail(self.request.user, current.public_id)  # type: ignore[attr-defined]
        return dict(self.get_serializer(referral).data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        access_records(
            service_users=[r.person for r in page], resource=services.RESOURCE, audit=self.audit
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        referral = self.get_object()
        access_record(service_user=referral.person, resource=services.RESOURCE, audit=self.audit)
        return Response(self.get_serializer(referral).data)

    @extend_schema(
        summary="Record the referral's next step (quote its revision)",
        request=ReferralStepSerializer,
        responses={200: ReferralSerializer},
    )
    @action(detail=True, methods=["post"])
    def steps(self, request: Request, public_id: Any = None) -> Response:
        referral = self.get_object()
        if not can_act_as_partner_on(request.user, referral) and not can_act_as_trust_on(
            request.user, referral
        ):
            raise PermissionDenied  # they may read it (the person themselves), not move it on
        incoming = ReferralStepSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        services.referral_advance(
            actor=acting_user(request),
            referral=referral,
            audit=self.audit,
            **data,
        )
        updated = selectors.referral_detail(request.user, referral.public_id)
        if updated is None:
            raise Http404
        return Response(self.get_serializer(updated).data)
