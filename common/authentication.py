"""API tokens that expire: after `API_TOKEN_DAYS`, and (deleted by the user model) when the
password changes. DRF's own check refuses a deactivated account's token."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        user, token = super().authenticate_credentials(key)
        if token.created < timezone.now() - timedelta(days=settings.API_TOKEN_DAYS):
            raise AuthenticationFailed("Token has expired.")
        return user, token
