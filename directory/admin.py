"""Administration, scoped: a trust's administrators manage their own trust's records only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
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
from .services import access_record, access_records, staff_access_record


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


def _is_self(request: HttpRequest, user: Any) -> bool:
    return user is not None and user.pk is not None and user.pk == request.user.pk


class MembershipInline(admin.TabularInline):
    """A login's team roles. Nobody changes their own: that would be granting themselves access
    to people's records (the page shows them read-only)."""

    model = Membership
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_self(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_self(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _is_self(request, obj)

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
        ("Single sign-on", {"fields": ("identity_subject",)}),
    )
    # Set by `manage.py link_staff_identity`: whoever could edit it could sign in as anyone.
    readonly_fields = ["last_login", "date_joined", "identity_subject"]

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        # Setting a colleague's password is taking over their login and its access to records:
        # a trust's administrators send a password reset instead. Nobody sets their own here,
        # where the old password is not asked for: the admin's own "change password" page asks.
        if not request.user.is_superuser or str(request.user.pk) == unquote(id):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model not in (Membership, TrustRoleGrant):
            return super().save_formset(request, form, formset, change)
        if _is_self(request, form.instance) and formset.has_changed():
            raise PermissionDenied  # the inlines are read-only here; a forged post gets no further
        formset.save()
        audit = AuditContext.for_request(request)
        for role, action in (
            *((role, AccessAction.CREATE) for role in formset.new_objects),
            *((role, AccessAction.CHANGE) for role, _ in formset.changed_objects),
            *((role, AccessAction.DELETE) for role in formset.deleted_objects),
        ):
            staff_access_record(
                audit=audit, staff_member=form.instance, action=action, resource=_role_named(role)
            )


def _role_named(role: Membership | TrustRoleGrant) -> str:
    """The audit's name for a role: what it is, where, and from when to when."""
    where = role.team.name if isinstance(role, Membership) else role.trust.name
    until = f" until {role.ended_on:%Y-%m-%d}" if role.ended_on else ""
    return f"role: {role.get_role_display()}, {where}, from {role.started_on:%Y-%m-%d}{until}"


@admin.register(ServiceUser)
class ServiceUserAdmin(TrustScopedAdmin):
    list_display = ["family_name", "given_name", "nhs_number", "team", "care_coordinator"]
    search_fields = ["family_name", "given_name", "nhs_number"]
    list_select_related = ["team"]
    raw_id_fields = ["user"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ServiceUser]:
        return with_care_coordinator(super().get_queryset(request))

    def has_add_permission(self, request: HttpRequest) -> bool:
        # People are added on the add-person page, whose service records their first team
        # episode and care coordinator; a row added here would have no history.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A move between teams closes one dated episode and opens the next
        # (service_user_move_team); editing the field here would skip that history.
        return [*super().get_readonly_fields(request, obj), "team"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "user" and field is not None:
            # Linking a person's record to one's own login would open it as theirs.
            field.queryset = field.queryset.exclude(pk=request.user.pk)
        return field

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
    list_display = [
        "occurred_at",
        "who",
        "action",
        "resource",
        "service_user",
        "staff_member",
        "via",
        "client_address",
    ]
    list_filter = ["action"]
    list_select_related = ["actor", "service_user", "staff_member"]
    date_hierarchy = "occurred_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # A trust's events are about its people's records or its staff's access.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return queryset
        trust_id = roles_of(request.user).trust_id
        if trust_id is None:
            return queryset.none()
        return queryset.filter(Q(service_user__trust=trust_id) | Q(staff_member__trust=trust_id))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
