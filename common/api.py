"""The API's error answers, written once for every app.

Services speak Django: they raise `ValidationError` for what the caller got wrong and
`StaleEdit` when someone else saved first. One exception handler turns those into the answers an
API client expects (400 with field errors, 409 with the saved values), and the router and parser
(with the parser in `common.parsers`) stop malformed ids and bodies before they reach a view, so none of them can answer 500.
"""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.routers import DefaultRouter
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .concurrency import IdempotencyConflict, StaleEdit

# Django's own `uuid` path converter, so the API matches ids exactly as the pages do.
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

STALE_DETAIL = (
    "Someone else saved this first. Nothing was overwritten: merge with `current` and send "
    "again quoting its revision."
)


class StaleRepresenting(Protocol):
    """A view whose writes may be stale says how the saved object reads back in its 409."""

    def stale_representation(self, current: models.Model) -> dict[str, Any]: ...


def field_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's `ValidationError` as DRF's error body: messages by field, the rest under
    `non_field_errors`."""
    if not hasattr(exc, "error_dict"):
        return {api_settings.NON_FIELD_ERRORS_KEY: list(exc.messages)}
    return {
        (api_settings.NON_FIELD_ERRORS_KEY if field == NON_FIELD_ERRORS else field): messages
        for field, messages in exc.message_dict.items()
    }


def _names_a_malformed_id(context: dict[str, Any]) -> bool:
    """Whether the URL's lookup value cannot be an id at all (a safety net for a route that
    matched without the UUID pattern): such a URL names nothing, so it answers 404."""
    view = context.get("view")
    kwargs = context.get("kwargs") or {}
    lookup = getattr(view, "lookup_url_kwarg", None) or getattr(view, "lookup_field", None)
    if lookup not in kwargs or getattr(view, "lookup_value_converter", None) != "uuid":
        return False
    try:
        uuid.UUID(str(kwargs[lookup]))
    except ValueError:
        return True
    return False


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: Django's errors as API answers (a stale edit or a
    reused idempotency key is 409 Conflict), then DRF's own."""
    if isinstance(exc, StaleEdit):
        view = context.get("view")
        represent = getattr(view, "stale_representation", None)
        current = (
            represent(exc.current)
            if represent is not None
            else {"revision": getattr(exc.current, "revision", None)}
        )
        return Response(
            {"detail": STALE_DETAIL, "current": current}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, IdempotencyConflict):
        return Response(
            {"detail": str(exc), "conflicts": exc.conflicts}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        exc = Http404() if _names_a_malformed_id(context) else ValidationError(field_errors(exc))
    return drf_exception_handler(exc, context)


class ApiRouter(DefaultRouter):
    """The default router, except that a viewset whose `lookup_value_converter` is "uuid" only
    matches ids shaped like UUIDs: anything else is an unknown URL (404) and never reaches the
    database. (DRF honours the converter only with `use_regex_path=False`, which would also
    stop the regular expressions in action `url_path`s from working.)"""

    def get_lookup_regex(self, viewset: Any, lookup_prefix: str = "") -> str:
        if (
            getattr(viewset, "lookup_value_converter", None) == "uuid"
            and getattr(viewset, "lookup_value_regex", None) is None
        ):
            lookup_field = getattr(viewset, "lookup_field", "pk")
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
            return f"(?P<{lookup_prefix}{lookup_url_kwarg}>{UUID_PATTERN})"
        return super().get_lookup_regex(viewset, lookup_prefix)


def uuid_path_parameters(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A drf-spectacular postprocessing hook: an id matched by `ApiRouter`'s UUID pattern is
    described as a UUID, as a Django `uuid` converter would be, rather than as its pattern."""
    uuid_pattern = f"^{UUID_PATTERN}$"
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if (
                    parameter.get("in") == "path"
                    and parameter["schema"].get("pattern") == uuid_pattern
                ):
                    parameter["schema"] = {"type": "string", "format": "uuid"}
    return result
