"""Administration, scoped: a trust's administrators manage their own trust's records only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from .audit import AuditContext
from .choices import AccessAction
from .models import (
    AccessEvent,
    Membership,
    ServiceUser,
    Team,
    Trust,
    TrustRoleGrant,
    User,
    with_care_coordinator,
)
from .permissions import roles_of
from .services import access_record, access_records


class TrustScopedAdmin(admin.ModelAdmin):
    """Administrators see and change only their own trust's rows; superusers see all."""

    trust_path = "trust"

    def _is_trust_admin(self, request: HttpRequest) -> bool:
        return roles_of(request.user).is_administrator

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        trust_id = roles_of(request.user).trust_id
        if trust_id is None:
            return queryset.none()
        return queryset.filter(**{self.trust_path: trust_id})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or self._is_trust_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        trust_id = roles_of(request.user).trust_id
        if not request.user.is_superuser and trust_id is not None:
            model = db_field.related_model
            if model is Trust:
                kwargs["queryset"] = Trust.objects.filter(pk=trust_id)
            elif model in (Team, ServiceUser, User):
                kwargs["queryset"] = model._default_manager.filter(trust_id=trust_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Trust)
class TrustAdmin(TrustScopedAdmin):
    trust_path = "pk"
    list_display = ["name", "ods_code"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser


@admin.register(Team)
class TeamAdmin(TrustScopedAdmin):
    list_display = ["name", "kind", "trust"]
    list_filter = ["kind"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        trust_id = roles_of(request.user).trust_id
        if db_field.name == "team" and not request.user.is_superuser:
            kwargs["queryset"] = (
                Team.objects.filter(trust_id=trust_id) if trust_id else Team.objects.none()
            )
        if db_field.name == "trust" and not request.user.is_superuser:  # a grant's trust
            kwargs["queryset"] = Trust.objects.filter(pk=trust_id or 0)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TrustRoleInline(MembershipInline):
    model = TrustRoleGrant  # type: ignore[assignment]


@admin.register(User)
class UserAdmin(TrustScopedAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "trust", "is_active"]
    list_filter = ["is_active"]
    inlines = [MembershipInline, TrustRoleInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "trust")}),
        ("Status", {"fields": ("is_active", "last_login", "date_joined")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(ServiceUser)
class ServiceUserAdmin(TrustScopedAdmin):
    list_display = ["family_name", "given_name", "nhs_number", "team", "care_coordinator"]
    search_fields = ["family_name", "given_name", "nhs_number"]
    list_select_related = ["team"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceUser]:
        return with_care_coordinator(super().get_queryset(request))

    # People's records read or changed here are audited like anywhere else.

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            access_records(
                audit=AuditContext.for_request(request),
                service_users=changelist.result_list,
                resource="admin list entry",
            )
        return response

    def _audit_one(
        self, request: HttpRequest, object_id: str, response: HttpResponse, resource: str
    ) -> None:
        if response.status_code not in (200, 302):
            return
        person = self.get_queryset(request).filter(pk=unquote(object_id)).first()
        if person is None:
            return
        changed = request.method == "POST" and response.status_code == 302
        access_record(
            audit=AuditContext.for_request(request),
            service_user=person,
            action=AccessAction.CHANGE if changed else AccessAction.READ,
            resource=resource,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: Any = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        self._audit_one(request, object_id, response, "admin record")
        return response

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        response = super().history_view(request, object_id, extra_context)
        self._audit_one(request, object_id, response, "admin record history")
        return response


@admin.register(AccessEvent)
class AccessEventAdmin(TrustScopedAdmin):
    trust_path = "service_user__trust"
    list_display = [
        "occurred_at",
        "who",
        "action",
        "resource",
        "service_user",
        "via",
        "client_address",
    ]
    list_filter = ["action"]
    list_select_related = ["actor", "service_user"]
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
