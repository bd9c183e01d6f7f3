"""Peer rotas in the browser: HR fills a week's rota, is stopped by a working-time rule with
its reason, and a peer subscribes to their calendar feed. Every page passes axe, on a desktop
and on a phone."""

from __future__ import annotations

import datetime

from icalendar import Calendar
from playwright.sync_api import expect

from common.dates import trust_today
from peersupport.models import PeerWorker, Shift, TrainingRecord

from .conftest import DESKTOP, PHONE, check_page, sign_in


def test_hr_fills_a_week_is_stopped_by_a_rule_and_a_peer_subscribes(
    page, context, live_server, world
):
    peer = world.user("peer_support_worker")
    worker = PeerWorker.objects.create(
        user=peer, trust=world.trust, contracted_hours=30, lived_experience="My own words."
    )
    TrainingRecord.objects.create(
        user=peer, level="foundation", completed_on=trust_today() - datetime.timedelta(days=90)
    )
    monday = trust_today() + datetime.timedelta(days=7 - trust_today().weekday())

    # Given HR on the peer workforce page, which flags the community teams without a peer
    sign_in(context, live_server, world.user("hr"))
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Peer workforce").first.click()
    expect(page.locator(".nhsuk-warning-callout")).to_contain_text("North Fells CMHT")
    check_page(page, "peer-coverage")

    # And imports training records: a file with a wrong row imports nothing and says where
    page.get_by_role("link", name="Recovery training").click()
    check_page(page, "peer-training")
    page.get_by_role("link", name="Import records from a CSV file").click()
    check_page(page, "peer-training-import")
    bad = "username,level,completed_on\nnobody,foundation,2026-01-10\n"
    page.set_input_files(
        '[name="file"]', {"name": "t.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#row-errors")).to_contain_text("No member of staff in your trust")
    check_page(page, "peer-training-import-errors")
    good = f"username,level,completed_on\n{peer.username},role_specific,2026-01-10\n"
    page.set_input_files(
        '[name="file"]', {"name": "t.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("1 training record imported.")).to_be_visible()
    page.goto(f"{live_server.url}/workforce/")
    page.get_by_role("link", name="Peer rotas").last.click()
    check_page(page, "peer-rotas")
    page.get_by_role("link", name="North Fells CMHT").click()
    page.get_by_role("link", name="Next week").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Rota for the week of {monday.day} {monday:%B %Y}"
    )
    check_page(page, "peer-team-week-empty")

    def add_shift(starts: str, ends: str, kind: str, breaks: str = "0") -> None:
        page.get_by_role("link", name="Add a shift").click()
        check_page(page, "peer-shift-add")
        page.fill('[name="day_0"]', str(monday.day))
        page.fill('[name="day_1"]', str(monday.month))
        page.fill('[name="day_2"]', str(monday.year))
        page.fill('[name="starts"]', starts)
        page.fill('[name="ends"]', ends)
        page.select_option('[name="kind"]', kind)
        page.select_option('[name="required_level"]', "foundation")
        page.fill('[name="break_minutes"]', breaks)
        page.get_by_role("button", name="Add shift").click()

    # When they add a long shift without its break, they are told why
    add_shift("09:00", "15:30", "group")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "shifts over 6 hours need a break of at least 20 minutes"
    )
    check_page(page, "peer-shift-add-error")
    page.fill('[name="break_minutes"]', "30")
    page.get_by_role("button", name="Add shift").click()
    expect(page.get_by_text("Added: Group, North Fells CMHT")).to_be_visible()

    # And they assign the peer to it
    page.get_by_role("link", name="Assign Group at 09:00").click()
    check_page(page, "peer-shift-assign")
    page.select_option('[name="worker"]', label=str(peer))
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"{peer} is rostered to Group")).to_be_visible()
    check_page(page, "peer-team-week")

    # Then an evening drop-in the same day is refused: only 5 hours' rest
    add_shift("20:30", "22:30", "drop_in")
    page.get_by_role("link", name="Assign Drop-in at 20:30").click()
    page.select_option('[name="worker"]', label=str(peer))
    page.get_by_role("button", name="Assign").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_contain_text("11 hours' rest between shifts")
    expect(summary).to_contain_text(f"{peer} would rest only 5 hours between Group")
    check_page(page, "peer-shift-assign-refused")
    summary.get_by_role("link").first.click()
    expect(page.locator('[name="worker"]')).to_be_focused()
    assert Shift.objects.filter(worker=worker).count() == 1

    # The week, and the workforce page, read well on a phone
    page.set_viewport_size(PHONE)
    check_page(page, "peer-shift-assign-phone")
    page.get_by_role("link", name="Back to the rota").click()
    check_page(page, "peer-team-week-phone")
    page.goto(f"{live_server.url}/workforce/")
    check_page(page, "peer-coverage-phone")
    page.goto(f"{live_server.url}/workforce/workers/{worker.public_id}/")
    expect(page.get_by_text("My own words.")).to_be_visible()
    check_page(page, "peer-worker-hr-phone")

    # And the peer subscribes to their shifts from their phone's calendar
    context.clear_cookies()
    sign_in(context, live_server, peer)
    page.goto(f"{live_server.url}/workforce/my-rota/")
    check_page(page, "peer-my-rota-phone")
    page.get_by_role("button", name="Make a calendar address").click()
    feed_link = page.locator("#feed-url")
    expect(feed_link).to_be_visible()
    check_page(page, "peer-my-rota-feed-phone")
    page.set_viewport_size(DESKTOP)
    check_page(page, "peer-my-rota-feed")
    feed = page.request.get(feed_link.get_attribute("href") or "")
    assert feed.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.body()).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Group, North Fells CMHT"]
    page.get_by_role("link", name="My details and training").click()
    expect(page.get_by_text("Foundation: completed")).to_be_visible()
    check_page(page, "peer-worker")
