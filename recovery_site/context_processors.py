"""The header's navigation: what this person's roles lead to."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from directory.permissions import roles_of

from .navigation import links_for
from .oidc import oidc_configured
from .sessions import seconds_left
from .two_factor import second_factor_met


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {
            "demo_sign_in_as": getattr(settings, "DEMO_SIGN_IN_AS", False),
            "single_sign_on": settings.OIDC_PROVIDER_NAME if oidc_configured() else "",
            "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        }
    if not second_factor_met(request) and not hasattr(user, "service_user_record"):
        return {}  # halfway through signing in: nothing to navigate to yet
    roles = roles_of(user)
    items = [(link.label, link.href) for link in links_for(user)]
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
        # The idle timeout's warning (static/js/session-timeout.mjs) counts down from these.
        "session_seconds_left": seconds_left(getattr(request, "session", None)),
        "session_warning_seconds": settings.SESSION_WARNING_SECONDS,
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    }
