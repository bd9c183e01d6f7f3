"""Check-ins in the browser: a person answers on a phone with the keyboard alone and sees their
journey; an invitation link works on a phone without an account; staff pages pass axe, also
after invalid submits."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import expect

from directory.models import AccessEvent
from surveys import services
from surveys.choices import ResponseStatus
from surveys.models import Response
from tests.audit import audit_as
from tests.surveys.factories import sent_response

from .conftest import DESKTOP, PHONE, check_page, sign_in


def tab_to(page, name: str, *, limit: int = 60, backwards: bool = False) -> None:
    """Press Tab until the focused element's text (or label) is `name`: keyboard only."""
    # Keys pressed while the next page is still loading can land on the old one or be lost.
    page.wait_for_load_state("load")
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement; if (!e) return '';"
            " const l = e.labels && e.labels[0]; return (l ? l.textContent : e.textContent || e.value || '').replace(/\\s+/g, ' ').trim(); }"
        )
        if focused == name:
            return
    raise AssertionError(f"could not reach {name!r} with the Tab key")


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def answer_with_keyboard(page, choices: list[int | None]) -> None:
    """Answer the page's statements in turn with Tab, Space and the arrow keys: None skips one,
    n picks its nth point. Starts from the first radio of the first unanswered statement."""
    tab_to(page, "Strongly disagree")
    for index, choice in enumerate(choices):
        if choice is not None:
            page.keyboard.press("Space")
            for _ in range(choice - 1):
                page.keyboard.press("ArrowDown")
        if index < len(choices) - 1:
            page.keyboard.press("Tab")  # on to the next statement's radios


def test_person_does_a_check_in_on_a_phone_by_keyboard_and_sees_their_journey(
    page, context, live_server, world
):
    person = world.person
    sent_response(person, on=datetime.date(2025, 6, 1), hope="2", control="2.5", opportunity="2")
    page.set_viewport_size(PHONE)
    sign_in(context, live_server, world.user("service_user"))
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Samira")
    check_page(page, "checkin-person-summary")

    tab_to(page, "Do your check-in")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hope, control and opportunity check-in"
    )
    check_page(page, "checkin-start")
    no_sideways_scroll(page)
    tab_to(page, "Start now")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Page 1 of 6")).to_be_visible()
    check_page(page, "checkin-page-1")
    no_sideways_scroll(page)
    answer_with_keyboard(page, [4, 5, None])
    expect(page.get_by_label("Agree", exact=True).first).to_be_checked()
    tab_to(page, "Continue")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Page 2 of 6")).to_be_visible()
    answer_with_keyboard(page, [2, 4, 4])
    tab_to(page, "Continue")
    page.keyboard.press("Enter")
    # Pages 3 and 4 end the first part; 5 and 6 ask how much the team has helped.
    for number in (3, 4, 5, 6):
        expect(page.get_by_text(f"Page {number} of 6")).to_be_visible()
        answer_with_keyboard(page, [4] if number == 6 else [4, 4, 3])
        tab_to(page, "Continue to check your answers" if number == 6 else "Continue")
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    expect(page.get_by_text("You answered 15 of 16 statements")).to_be_visible()
    check_page(page, "checkin-check-answers")
    no_sideways_scroll(page)
    # Change statement 3 from the check page, and come back to it.
    tab_to(page, "Change your answer to statement 3")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Save and go back to your answers")).to_be_visible()
    answer_with_keyboard(page, [4])  # statements 1 and 2 are answered: this is statement 3
    expect(page.locator("#id_item_3_3")).to_be_checked()
    tab_to(page, "Save and go back to your answers")
    page.keyboard.press("Enter")
    expect(page.get_by_text("You answered 16 of 16 statements")).to_be_visible()

    tab_to(page, "Send answers")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in sent")
    check_page(page, "checkin-sent")
    no_sideways_scroll(page)
    assert (
        Response.objects.filter(service_user=person, status=ResponseStatus.SUBMITTED).count() == 2
    )

    tab_to(page, "See how your answers have changed over time")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your check-ins over time")
    # hope was 2; now (4 + 5 + 4 + reversed 2 -> 4) / 4 = 4.25
    expect(
        page.get_by_text("Much higher than in June 2025 (the first check-in).").first
    ).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("4.25")
    # The first part's three domains and the second part's four.
    expect(page.locator("svg.app-chart__svg")).to_have_count(7)
    expect(page.get_by_role("columnheader", name="Helped with life overall")).to_be_visible()
    check_page(page, "checkin-journey")
    no_sideways_scroll(page)

    # The back button lands on the confirmation, not on a page that could send again.
    page.go_back()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in sent")


def test_invitation_link_on_a_phone_without_an_account(page, live_server, world):
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    token = services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    link = f"{live_server.url}/check-in/link/{token}/"
    sent_response(
        world.person, on=datetime.date(2026, 1, 10), hope="2", control="2", opportunity="2"
    )
    page.set_viewport_size(PHONE)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hope, control and opportunity check-in"
    )
    body = page.locator("body").inner_text()
    assert "Samira" not in body and "Oakenshaw" not in body
    check_page(page, "invitation-landing")
    no_sideways_scroll(page)
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_text("Page 1 of 6")).to_be_visible()
    check_page(page, "invitation-page-1")
    # A value off the scale (a tampered or stale form) is refused next to the statement, and
    # the error summary's link takes focus to the statement's first radio.
    page.evaluate("document.getElementById('id_item_2_4').value = '9'")
    page.locator("#id_item_2_4").check()
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page, "invitation-page-error")
    summary.get_by_role("link", name="Choose one of the answers for statement 2").click()
    expect(page.locator("#id_item_2_0")).to_be_focused()

    page.get_by_role("group", name="Statement 1").get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers are saved")
    check_page(page, "invitation-saved")

    page.goto(link)
    page.get_by_role("button", name="Start now").click()
    expect(
        page.get_by_role("group", name="Statement 1").get_by_label("Agree", exact=True)
    ).to_be_checked()
    for _ in range(6):  # 16 statements, 3 a page
        page.get_by_role("button", name="Continue").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers")
    page.get_by_role("button", name="Send answers").dblclick()  # a double click sends once
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in sent")
    # Only this check-in's result appears, never the earlier ones, and nothing names them.
    expect(page.get_by_role("heading", name="Your scores from this check-in")).to_be_visible()
    expect(page.get_by_text("10 Jan 2026")).to_have_count(0)
    assert "Oakenshaw" not in page.content() and world.person.nhs_number not in page.content()
    check_page(page, "invitation-sent")
    no_sideways_scroll(page)
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 2
    assert AccessEvent.objects.filter(
        service_user=world.person, actor=None, actor_description=services.INVITATION_ACTOR
    ).exists()

    page.goto(link)
    expect(page.get_by_text("This check-in has already been sent")).to_be_visible()
    check_page(page, "invitation-used")
    # The browser logs the page's 410 Gone status; that is the answer we mean to give.
    page.console_errors[:] = [e for e in page.console_errors if "status of 410" not in e]


def test_staff_pages_pass_axe_also_after_mistakes(page, context, live_server, world):
    person = world.person
    for n, hope in enumerate(["1.75", "2.5", "3", "3.25"]):
        sent_response(
            person, on=datetime.date(2025, 1, 15) + datetime.timedelta(days=90 * n), hope=hope
        )
    coordinator = world.user("care_coordinator")
    sign_in(context, live_server, coordinator)

    page.goto(f"{live_server.url}/caseload/")
    expect(page.get_by_role("columnheader", name="Check-in")).to_be_visible()
    check_page(page, "checkin-caseload")
    page.goto(f"{live_server.url}{person.get_absolute_url()}")
    page.get_by_role("link", name="See check-ins over time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Hope, control and opportunity over time"
    )
    check_page(page, "checkin-journey-staff")

    page.get_by_role("link", name="Enter a check-in given on paper or by phone").click()
    check_page(page, "checkin-staff-entry")
    page.get_by_role("button", name="Save check-in for").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    check_page(page, "checkin-staff-entry-errors")
    summary.get_by_role("link", name="Choose how the person gave their answers").click()
    expect(page.locator("#id_channel_0")).to_be_focused()
    page.get_by_label("On a paper form").check()
    page.get_by_role("button", name="Save check-in for").click()
    expect(page.get_by_role("alert")).to_contain_text("Check-in saved for")
    check_page(page, "checkin-staff-saved")

    page.goto(f"{live_server.url}/people/{person.public_id}/check-ins/invite/")
    check_page(page, "checkin-invite")
    page.get_by_role("button", name="Invite").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    check_page(page, "checkin-invite-errors")
    page.locator(".nhsuk-error-summary").get_by_role("link").click()
    expect(page.locator("#id_how_0")).to_be_focused()
    page.get_by_label("Show me the link").check()
    page.get_by_role("button", name="Invite").click()
    expect(page.get_by_text("/check-in/link/")).to_be_visible()
    check_page(page, "checkin-invitation-link")

    page.goto(f"{live_server.url}/caseload/invite-to-check-in/")
    check_page(page, "checkin-invite-caseload")

    # Withdrawing a check-in entered in error, from the journey.
    page.goto(f"{live_server.url}/people/{person.public_id}/check-ins/")
    page.get_by_role("link", name="Withdraw the check-in of 15 January 2025").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Withdraw the check-in of 15 January 2025"
    )
    check_page(page, "checkin-withdraw")
    page.get_by_role("button", name="Withdraw check-in").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    check_page(page, "checkin-withdraw-errors")
    page.locator(".nhsuk-error-summary").get_by_role("link").click()
    expect(page.get_by_label("Why is this check-in being withdrawn?")).to_be_focused()
    page.keyboard.type("Entered for the wrong person.")
    page.get_by_role("button", name="Withdraw check-in").click()
    expect(page.get_by_text("The check-in of 15 January 2025 is withdrawn.")).to_be_visible()
    assert (
        Response.objects.filter(service_user=person, status=ResponseStatus.WITHDRAWN).count() == 1
    )

    sign_in(context, live_server, world.user("team_leader"))
    page.goto(f"{live_server.url}/teams/{world.team.public_id}/check-in-settings/")
    check_page(page, "checkin-team-settings")
    page.get_by_label("How many days should an invitation link work for?").fill("5")
    page.get_by_label("After how many days should a reminder be emailed?").fill("9")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_focused()
    check_page(page, "checkin-team-settings-errors")


def test_journey_reads_well_at_both_widths(page, context, live_server, world):
    for n in range(8):
        sent_response(
            world.person,
            on=datetime.date(2024, 12, 1) + datetime.timedelta(days=90 * n),
            hope=str(1.5 + n * 0.4),
            control=str(3 - n * 0.1),
            opportunity=None if n == 3 else str(2 + n * 0.25),
        )
    sign_in(context, live_server, world.user("service_user"))
    for size, name in ((DESKTOP, "checkin-journey-desktop"), (PHONE, "checkin-journey-phone")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/people/{world.person.public_id}/check-ins/")
        check_page(page, name)
    no_sideways_scroll(page)
