"""A member of staff signs in with a password for the first time and sets up an authenticator
app in the browser: the QR code or the key written out, one code, then the recovery codes."""

from __future__ import annotations

import base64

from playwright.sync_api import expect

from tests.site.test_two_factor import code_for

from .conftest import PHONE, check_page


def test_first_password_sign_in_sets_up_an_authenticator_before_any_record(
    page, live_server, world, settings
):
    # No pause after a wrong code here (the pause itself: tests/site/test_two_factor.py).
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    coordinator = world.users["care_coordinator"]
    coordinator.set_password("a-good-long-password")
    coordinator.save()
    person_url = world.person.get_absolute_url()

    page.goto(f"{live_server.url}{person_url}")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("a-good-long-password")
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    expect(page.get_by_role("img", name="QR code for adding recovery-care")).to_be_visible()
    check_page(page, "two-factor-set-up")
    page.set_viewport_size(PHONE)
    check_page(page, "two-factor-set-up")
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    key_hex = base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()

    # A wrong code first: said next to the field, and still on set-up.
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Confirm and continue").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("That code is not right")
    expect(page.locator(".nhsuk-error-message")).to_contain_text("That code is not right")
    check_page(page, "two-factor-set-up-error")

    page.get_by_label("Code from your authenticator app").fill(code_for(key_hex))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your authenticator app is set up")
    expect(page.get_by_role("list", name="Recovery codes").get_by_role("listitem")).to_have_count(
        10
    )
    check_page(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have kept my codes, continue").click()

    expect(page).to_have_url(f"{live_server.url}{person_url}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Samira")


def test_the_single_sign_on_button_and_refusal_page_read_well(page, live_server, settings):
    settings.OIDC_RP_CLIENT_ID = "recovery-care"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://login.example.invalid/authorize"
    settings.OIDC_PROVIDER_NAME = "Fellside NHS sign-in"

    page.goto(f"{live_server.url}/account/sign-in/")
    expect(page.get_by_role("link", name="Sign in with Fellside NHS sign-in")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()  # the password sign-in stays
    check_page(page, "sign-in-with-single-sign-on")
    page.set_viewport_size(PHONE)
    check_page(page, "sign-in-with-single-sign-on")

    # The provider's answer arrives for a sign-in this browser never started.
    page.goto(f"{live_server.url}/account/sso/callback/?error=access_denied&state=elsewhere")
    expect(page.get_by_role("heading", level=1)).to_have_text("You have not been signed in")
    check_page(page, "single-sign-on-refused")
    # The page answers 403, which the browser reports; nothing else went wrong on it.
    errors = [e for e in page.console_errors if "net::ERR_FAILED" not in e]  # off-site fonts
    assert errors == [
        "Failed to load resource: the server responded with a status of 403 (Forbidden)"
    ]
    page.console_errors.clear()
