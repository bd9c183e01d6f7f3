"""Given a paper check-in, when a coordinator types it in, then one page holds every statement,
Tab moves from statement to statement and the arrow keys choose; axe-clean at both widths."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from common.dates import trust_today
from directory.models import TeamEpisode
from surveys.models import Response

from .conftest import DESKTOP, PHONE, check_page, sign_in


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_paper_check_in_typed_in_from_the_keyboard(page, live_server, world, viewport):
    TeamEpisode.objects.filter(person=world.person).update(
        started_on=trust_today() - datetime.timedelta(days=100)
    )
    page.set_viewport_size(viewport)
    sign_in(page.context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/check-ins/enter/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Enter {world.person.display_name}’s check-in"
    )
    check_page(page, "transcription")

    page.get_by_label("On a paper form").check()
    first = page.locator("#id_item_1_0")
    first.focus()
    page.keyboard.press("ArrowRight")  # chooses the second answer, as native radios do
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_item_1_2")).to_be_checked()
    page.keyboard.press("Tab")  # the next statement's group
    expect(page.locator("#id_item_2_0")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#id_item_2_0")).to_be_checked()
    page.get_by_role("button", name=f"Save check-in for {world.person.display_name}").click()

    expect(page.get_by_role("alert")).to_contain_text(
        f"Check-in saved for {world.person.display_name}."
    )
    check_page(page, "transcription-saved")
    response = Response.objects.get(service_user=world.person)
    answers = dict(response.answers.exclude(value=None).values_list("item__number", "value"))
    assert set(answers) == {1, 2}


def test_a_date_in_the_future_is_refused_with_focus_on_the_field(page, live_server, world):
    sign_in(page.context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/check-ins/enter/")
    tomorrow = trust_today() + datetime.timedelta(days=1)
    page.get_by_label("On the phone").check()
    page.get_by_label("Day").fill(str(tomorrow.day))
    page.get_by_label("Month").fill(str(tomorrow.month))
    page.get_by_label("Year").fill(str(tomorrow.year))
    page.get_by_role("button", name="Save check-in for").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    check_page(page, "transcription-errors")
    summary.get_by_role("link", name="must be today or in the past").click()
    expect(page.locator("#id_completed_on_0")).to_be_focused()
    assert not Response.objects.filter(service_user=world.person).exists()
