"""Given a signed-in coordinator typing on a page, when the idle timeout nears, then a dialog
warns with "Stay signed in" (focus in, Escape, focus back); when it runs out, the sign-in page
says why and, after signing in, what was typed is offered back into the same fields.

The browser's clock is moved on with Playwright's clock, not waited for."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from careplans.models import RecoveryPlan
from tests.careplans.factories import plan_for

from .conftest import DESKTOP, PHONE, check_page, sign_in
from .test_foundation import authenticator_code, with_authenticator

IDLE = settings.SESSION_COOKIE_AGE * 1000  # milliseconds


def _edit_page(live_server, world) -> str:
    plan_for(world.person)
    return f"{live_server.url}/people/{world.person.public_id}/plan/parts/about-me/"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_warning_lets_a_person_stay_signed_in(page, live_server, world, viewport):
    page.set_viewport_size(viewport)
    page.clock.install()
    sign_in(page.context, live_server, world.user("care_coordinator"))
    page.goto(_edit_page(live_server, world))
    what_matters = page.get_by_label("What matters to me")
    what_matters.focus()

    page.clock.run_for(IDLE - 119_000)  # two minutes (less a second) before the end

    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    expect(dialog).to_contain_text("we will sign you out in 2 minutes")
    check_page(page, "timeout-warning")

    page.keyboard.press("Escape")  # the same as "Stay signed in"
    expect(dialog).to_be_hidden()
    expect(what_matters).to_be_focused()  # focus goes back where it was

    page.clock.run_for(IDLE - 119_000)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Stay signed in").click()
    expect(dialog).to_be_hidden()
    page.clock.run_for(60_000)  # the renewed session is nowhere near its end
    expect(dialog).to_be_hidden()


def test_a_timeout_mid_edit_keeps_the_typed_text(page, live_server, world):
    world.user("care_coordinator").set_password("a-good-long-password")
    world.user("care_coordinator").save()
    with_authenticator(world.user("care_coordinator"))
    page.clock.install()
    sign_in(page.context, live_server, world.user("care_coordinator"))
    url = _edit_page(live_server, world)
    page.goto(url)
    page.get_by_label("What matters to me").fill("My garden, and my brother's visits.")

    page.clock.run_for(IDLE + 2_000)

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to recovery-care")
    expect(page.get_by_text("You were signed out because nothing was done")).to_be_visible()
    expect(page.get_by_text("What you had typed is kept in this browser.")).to_be_visible()
    check_page(page, "timeout-sign-in")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("a-good-long-password")
    page.get_by_role("button", name="Sign in").click()
    # Staff who sign in with a password enter their authenticator code next.
    page.get_by_label("Code from your authenticator app").fill(authenticator_code())
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(url)
    offer = page.get_by_role("region", name="Important")
    expect(offer).to_contain_text("what you had typed on this page was kept")
    check_page(page, "timeout-offer")
    offer.get_by_role("button", name="Put back what I typed").click()
    expect(page.get_by_label("What matters to me")).to_have_value(
        "My garden, and my brother's visits."
    )
    expect(page.get_by_label("What matters to me")).to_be_focused()
    assert page.evaluate("sessionStorage.length") == 0  # forgotten once put back
    page.get_by_role("button", name="Save").first.click()
    assert (
        RecoveryPlan.objects.get(service_user=world.person).what_matters
        == "My garden, and my brother's visits."
    )
