"""Staff single sign-on through the trust's identity provider, over OpenID Connect.

mozilla-django-oidc does the protocol (state, nonce, PKCE, the code exchange and the ID token's
signature); this module decides who the provider's answer is. A member of staff is found by one
stable claim (`OIDC_MATCH_CLAIM`: `sub`, or e.g. Entra ID's `oid`) stored on their login as
`identity_subject`, never by display name or email, and nobody is ever created: a subject no login
carries is refused with a page saying so. Without a provider configured (no `OIDC_RP_CLIENT_ID`)
the sign-in button is not shown and these addresses answer 404.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from directory.models import User

logger = logging.getLogger(__name__)

BACKEND_PATH = "recovery_site.oidc.StaffOidcBackend"

# Why a sign-in through the provider did not end signed in, for the page that says so.
REFUSED_UNKNOWN = "unknown"
REFUSED_PROVIDER = "provider"


def oidc_configured() -> bool:
    """Whether this deployment signs staff in through an identity provider."""
    return bool(getattr(settings, "OIDC_RP_CLIENT_ID", ""))


class StaffOidcBackend(OIDCAuthenticationBackend):
    """Signs in an existing, active member of staff whose `identity_subject` is the provider's
    value of the configured claim. Service users never sign in this way."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Django builds every backend for every password sign-in too: without a provider, stay
        # inert instead of failing on missing endpoint settings.
        if oidc_configured():
            super().__init__(*args, **kwargs)
        else:
            self.UserModel = User

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        if not oidc_configured() or request is None or "code" not in request.GET:
            return None
        try:
            return super().authenticate(request, **kwargs)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.PyJWTError,
            KeyError,
            ValueError,
        ) as error:
            # The provider refused the code, was unreachable, or sent a token that does not
            # verify: nobody is signed in, and the page says the provider failed.
            logger.warning("Identity provider sign-in failed: %s", type(error).__name__)
            request.oidc_refusal = REFUSED_PROVIDER  # type: ignore[attr-defined]
            return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get(settings.OIDC_MATCH_CLAIM))

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> User | None:
        """The staff member the verified ID token names by the match claim (the userinfo answer
        only where the ID token lacks it), or None: never a new login."""
        claim = settings.OIDC_MATCH_CLAIM
        subject = payload.get(claim)
        if not subject:
            subject = self.get_userinfo(access_token, id_token, payload).get(claim)
        user = None
        if isinstance(subject, str) and subject:
            user = (
                User.objects.filter(identity_subject=subject, is_active=True)
                .exclude(service_user_record__isnull=False)
                .first()
            )
        if user is None:
            self.request.oidc_refusal = REFUSED_UNKNOWN
            logger.info("Identity provider sign-in refused: no staff login carries that subject")
        return user

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        raise NotImplementedError("Staff are matched in get_or_create_user, by one claim only")

    def create_user(self, claims: dict[str, Any]) -> User:
        raise SuspiciousOperation("Single sign-on never creates a login")


class StartSignInView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in page (404 without a provider)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if oidc_configured():
            super().__init__(*args, **kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_configured():
            raise Http404
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back. A refusal is a page of its own, saying whether
    the login is unknown here or the provider did not sign the person in."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_configured():
            raise Http404
        if "state" in request.GET and request.GET.get("state") not in request.session.get(
            "oidc_states", {}
        ):
            # A stale or replayed answer (the Back button, a second tab): not a server error.
            return refusal_page(request, REFUSED_PROVIDER)
        return super().get(request)

    def login_failure(self) -> HttpResponse:
        reason = getattr(self.request, "oidc_refusal", REFUSED_PROVIDER)
        return refusal_page(self.request, reason)


def refusal_page(request: HttpRequest, reason: str) -> HttpResponse:
    return render(
        request,
        "registration/sign_in_refused.html",
        {"reason": reason, "provider_name": settings.OIDC_PROVIDER_NAME},
        status=403,
    )
