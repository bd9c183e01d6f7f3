"""A second factor for staff who sign in with a local password: a TOTP authenticator app, with
single-use recovery codes (django-otp's `otp_totp` and `otp_static` devices).

Staff who signed in with a password see nothing but the set-up or code pages until they have
proved the second factor in this session: first set-up (a QR code, the secret written out for
those who type it, one code to confirm, then the recovery codes, shown once), afterwards a code at
every sign-in. Staff signed in through the trust's identity provider are not asked (the provider
does the second factor). Service users sign in with a password alone or a one-time link.

The session records how the second factor was met (`SECOND_FACTOR_SESSION_KEY`); a session that
lacks it, whatever made it, is held at these pages.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

import segno
from django import forms
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.models import ServiceUser, User
from nhsuk_forms.forms import NhsFormHelperMixin

from . import oidc

SECOND_FACTOR_SESSION_KEY = "second_factor"
# How the session met the requirement (the value kept under SECOND_FACTOR_SESSION_KEY).
BY_AUTHENTICATOR = "authenticator app"
BY_RECOVERY_CODE = "recovery code"
NOT_NEEDED_SERVICE_USER = "not needed: service user"
RECOVERY_CODE_COUNT = 10

# Pages a signed-in member of staff may open before the second factor: signing in and out, the
# set-up and code pages, password reset, and the pages anyone may read.
OPEN_BEFORE_SECOND_FACTOR = {
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "two_factor_setup",
    "two_factor_verify",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    "health",
    "accessibility",
    "privacy",
    "demo_sign_in_as",
}


def second_factor_met(request: HttpRequest) -> bool:
    session = request.session
    return bool(session.get(SECOND_FACTOR_SESSION_KEY)) or (
        session.get(BACKEND_SESSION_KEY) == oidc.BACKEND_PATH
    )


def mark_second_factor(request: HttpRequest, how: str) -> None:
    """Record that this session has met the second factor; a new session key goes with it, as
    with any rise in what a session may do."""
    request.session.cycle_key()
    request.session[SECOND_FACTOR_SESSION_KEY] = how


def has_authenticator(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class SecondFactorMiddleware:
    """Holds staff signed in by password at the set-up or code page until this session has met
    the second factor. After the authentication and message middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or second_factor_met(request):
            return None
        match = request.resolver_match
        if match is not None and match.url_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if ServiceUser.objects.filter(user=user).exists():
            request.session[SECOND_FACTOR_SESSION_KEY] = NOT_NEEDED_SERVICE_USER
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": "Finish signing in with your authenticator app first."}, status=403
            )
        target = "two_factor_verify" if has_authenticator(user) else "two_factor_setup"
        next_url = request.get_full_path() if request.method == "GET" else ""
        url = reverse(target)
        if next_url and next_url != "/":
            url += "?" + _query(next=next_url)
        return redirect(url)


def _query(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _no_store(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _normalised(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()


class CodeForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Continue"

    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
                "class": "nhsuk-input nhsuk-input--width-10",
            }
        ),
    )

    def __init__(self, *args: Any, next_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if next_url:
            self.fields["next"] = forms.CharField(
                required=False, initial=next_url, widget=forms.HiddenInput
            )


class SetupForm(CodeForm):
    submit_label = "Confirm and continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app"
        self.fields["code"].help_text = "The 6 numbers the app shows now, like 123456."


class VerifyForm(CodeForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].label = "Code from your authenticator app, or a recovery code"
        self.fields["code"].help_text = (
            "The 6 numbers the app shows now, like 123456. If you do not have your phone, enter "
            "one of the recovery codes you kept when you set it up: each works once."
        )
        self.fields["code"].widget.attrs["inputmode"] = "text"


class StaffOnlyMixin(LoginRequiredMixin):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if second_factor_met(request):
            return redirect(_safe_next(request))
        return super().dispatch(request, *args, **kwargs)


def _secret_for_people(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for people who type it into their app."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TwoFactorSetupView(StaffOnlyMixin, View):
    """Set up an authenticator app: scan the QR code or type the secret, confirm one code, then
    see the recovery codes once."""

    template_name = "registration/two_factor_setup.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not second_factor_met(request) and has_authenticator(user):
            # Set up already (in another tab, or before): the code page, never a new secret.
            url = reverse("two_factor_verify")
            next_url = request.GET.get("next")
            return redirect(url + ("?" + _query(next=next_url) if next_url else ""))
        return super().dispatch(request, *args, **kwargs)

    def _device(self, user: User) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
        return device

    def _page(self, request: HttpRequest, form: SetupForm, device: TOTPDevice) -> HttpResponse:
        qr = segno.make(device.config_url, error="m")
        return _no_store(
            render(
                request,
                self.template_name,
                {
                    "form": form,
                    "qr_code": qr.svg_data_uri(scale=5, border=2),
                    "secret": _secret_for_people(device),
                },
            )
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        device = self._device(request.user)  # type: ignore[arg-type]
        return self._page(request, SetupForm(next_url=request.GET.get("next", "")), device)

    def post(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        form = SetupForm(request.POST, next_url=request.POST.get("next", ""))
        with transaction.atomic():
            device = (
                TOTPDevice.objects.select_for_update()
                .filter(user=user, confirmed=False)
                .order_by("pk")
                .first()
            )
            if device is None:
                return redirect(reverse("two_factor_setup"))
            if form.is_valid():
                code = _normalised(form.cleaned_data["code"])
                if code.isdigit() and device.verify_token(code):
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                    codes = _new_recovery_codes(user)
                else:
                    form.add_error("code", _wrong_code_message(device))
        if form.errors:
            return self._page(request, form, device)
        mark_second_factor(request, BY_AUTHENTICATOR)
        otp_login(request, device)
        return _no_store(
            render(
                request,
                "registration/two_factor_recovery_codes.html",
                {"codes": codes, "next": _safe_next(request)},
            )
        )


def _new_recovery_codes(user: User) -> list[str]:
    """Ten new single-use recovery codes, replacing any the person had."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _wrong_code_message(device: TOTPDevice | StaticDevice) -> str:
    # django-otp doubles the wait after each wrong code (1, 2, 4, 8 ... seconds).
    if device.throttling_failure_count >= 3:
        return (
            "Too many wrong codes. Wait a minute, then enter the code your app shows at that time."
        )
    return "That code is not right. Enter the code your authenticator app shows now."


class TwoFactorVerifyView(StaffOnlyMixin, View):
    """A code from the authenticator app, or one recovery code, once per sign-in."""

    template_name = "registration/two_factor_verify.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if (
            request.user.is_authenticated
            and not second_factor_met(request)
            and not has_authenticator(request.user)
        ):
            return redirect(reverse("two_factor_setup"))
        return super().dispatch(request, *args, **kwargs)

    def _page(self, request: HttpRequest, form: VerifyForm) -> HttpResponse:
        return _no_store(render(request, self.template_name, {"form": form}))

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, VerifyForm(next_url=request.GET.get("next", "")))

    def post(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        form = VerifyForm(request.POST, next_url=request.POST.get("next", ""))
        if not form.is_valid():
            return self._page(request, form)
        code = _normalised(form.cleaned_data["code"])
        with transaction.atomic():
            device: TOTPDevice | StaticDevice | None
            if code.isdigit() and len(code) == 6:
                device = (
                    TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
                )
                how = BY_AUTHENTICATOR
            else:
                device = StaticDevice.objects.select_for_update().filter(user=user).first()
                how = BY_RECOVERY_CODE
            verified = device is not None and device.verify_token(code)
        if not verified:
            form.add_error(
                "code",
                _wrong_code_message(device)
                if device is not None
                else "That code is not right. Enter the code your authenticator app shows now.",
            )
            return self._page(request, form)
        mark_second_factor(request, how)
        otp_login(request, device)
        return redirect(_safe_next(request))


# The demo staff share one authenticator key, printed in the README and by seed_demo so that the
# demo can be tried with any authenticator app. Demo data only: real staff each set up their own.
DEMO_AUTHENTICATOR_KEY_HEX = b"recovery-care-demo!!".hex()


def demo_authenticator_secret() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_AUTHENTICATOR_KEY_HEX)).decode()


def seed_demo_authenticators(users: list[User]) -> None:
    """Give each demo member of staff the shared demo authenticator, once."""
    staff = [u for u in users if not ServiceUser.objects.filter(user=u).exists()]
    have = set(
        TOTPDevice.objects.filter(user__in=staff, confirmed=True).values_list("user_id", flat=True)
    )
    TOTPDevice.objects.bulk_create(
        TOTPDevice(
            user=user, name="Demo authenticator", key=DEMO_AUTHENTICATOR_KEY_HEX, confirmed=True
        )
        for user in staff
        if user.pk not in have
    )
