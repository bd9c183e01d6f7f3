"""The header's navigation: what this person's roles lead to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from directory.permissions import (
    may_use_admin_site,
    may_use_caseload,
    may_view_staff_directory,
    may_view_trust_overview,
    roles_of,
)


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"demo_sign_in_as": getattr(settings, "DEMO_SIGN_IN_AS", False)}
    roles = roles_of(user)
    items: list[tuple[str, str]] = [("Home", reverse("home"))]
    if may_use_caseload(user):
        items.append(("Caseload", reverse("caseload")))
    if roles.is_service_user:
        items.append(("Your recovery plan", reverse("careplans:own_plan")))
    if may_view_trust_overview(user):
        items.append(("Teams", reverse("directory:teams")))
    if may_view_staff_directory(user):
        items.append(("Staff", reverse("directory:staff")))
    if may_use_admin_site(user):
        items.append(("Administration", reverse("admin:index")))
    path = request.path
    nav_items = [
        {
            "text": text,
            "href": href,
            "current": path == href or (href != "/" and path.startswith(href)),
        }
        for text, href in items
    ]
    return {
        "nav_items": nav_items,
        "nav_role_labels": roles.labels(),
    }
