"""A per-account ceiling on wrong passwords, on top of django-axes' per-account-and-address
lockout: guesses spread over many addresses pause the account, but only briefly, so nobody can
lock a clinician out for long by guessing wrong on purpose."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest
from django.utils import timezone


def account_ceiling_reached(username: str) -> bool:
    """Whether `username` has had the ceiling's worth of wrong passwords, from any addresses,
    within the ceiling's cool-off."""
    since = timezone.now() - settings.AXES_ACCOUNT_COOLOFF_TIME
    failures = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return (failures or 0) >= settings.AXES_ACCOUNT_FAILURE_CEILING


class AccountCeilingBackend(AxesStandaloneBackend):
    """Axes' backend, refusing first any account past its ceiling (answered like a lockout)."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is not None and username and account_ceiling_reached(username):
            request.axes_locked_out = True  # type: ignore[attr-defined]
            request.axes_credentials = {"username": username}  # type: ignore[attr-defined]
            raise AxesBackendPermissionDenied("Too many wrong passwords for this account")
        return super().authenticate(request, username, password, **kwargs)
