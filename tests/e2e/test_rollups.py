"""Recompute now in the browser: a QA manager presses it by keyboard on a phone and watches the
run's progress update itself to its finish time; both pages pass axe."""

from __future__ import annotations

from django.utils import timezone
from playwright.sync_api import expect

from surveys.choices import RollupKind, RollupStatus
from surveys.models import RollupRun

from .conftest import PHONE, check_page, sign_in


def test_qa_manager_recomputes_by_keyboard_on_a_phone(page, context, live_server, world):
    page.set_viewport_size(PHONE)
    sign_in(context, live_server, world.user("qa_manager"))

    page.goto(f"{live_server.url}/league/recompute/")
    expect(page.get_by_role("heading", name="Recompute the league tables")).to_be_visible()
    check_page(page, "rollup-recompute")
    page.get_by_role("button", name="Recompute now").focus()
    page.keyboard.press("Enter")

    # Run in-process under the test settings, so it has finished by the time the page shows
    expect(page.get_by_text("The league tables are now as at")).to_be_visible()
    expect(page.locator("progress")).to_be_visible()
    check_page(page, "rollup-status-done")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]


def test_the_status_page_follows_a_running_job_to_its_end(page, context, live_server, world):
    run = RollupRun.objects.create(
        kind=RollupKind.FULL,
        trust=world.trust,
        status=RollupStatus.RUNNING,
        steps_total=4,
        steps_done=1,
    )
    sign_in(context, live_server, world.user("qa_manager"))
    page.goto(f"{live_server.url}/league/recompute/{run.public_id}/")
    expect(page.get_by_text("1 of 4 steps done (25%)")).to_be_visible()
    check_page(page, "rollup-status-running")

    RollupRun.objects.filter(pk=run.pk).update(
        status=RollupStatus.DONE, steps_done=4, finished_at=timezone.now()
    )

    # The page fetches itself again and shows the end without a reload
    expect(page.get_by_text("4 of 4 steps done (100%)")).to_be_visible(timeout=15_000)
    expect(page.locator("#rollup-announce")).to_have_text("The recompute has finished.")
    check_page(page)
