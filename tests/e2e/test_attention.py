"""Given a coordinator or team leader, when they open their home, then "Needs your attention"
takes them to the place to act; a team leader reaches every overdue review in two clicks.
Every page passes axe at desktop and phone widths."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import expect

from careplans.choices import PlanStatus
from careplans.models import PlanComment
from common.dates import trust_today
from tests.careplans.factories import plan_for
from tests.factories import ServiceUserFactory
from tests.surveys.factories import sent_response

from .conftest import DESKTOP, PHONE, check_page, sign_in


def _busy_caseload(world) -> None:
    today = trust_today()
    plan = plan_for(world.person)
    plan.status = PlanStatus.AGREED
    plan.review_due_on = today - datetime.timedelta(days=3)
    plan.save()
    PlanComment.objects.create(
        plan=plan, part="goals", author=world.person.user, text="Can we add swimming?"
    )
    sent_response(world.person, on=today - datetime.timedelta(days=150))
    ServiceUserFactory.create(team=world.team, given_name="Nadia", family_name="Unallocated")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_coordinator_goes_from_home_to_the_review(page, live_server, world, viewport):
    _busy_caseload(world)
    page.set_viewport_size(viewport)
    sign_in(page.context, live_server, world.user("care_coordinator"))

    page.goto(f"{live_server.url}/")
    attention = page.get_by_role("region", name="Needs your attention")
    expect(attention).to_contain_text("Reviews overdue")
    expect(attention).to_contain_text("New comments from the people you support")
    expect(attention).to_contain_text("Check-ins overdue")
    expect(attention).not_to_contain_text("Quarrington")  # a teammate's person
    check_page(page, "home-attention-coordinator")

    attention.get_by_role("link", name="Record the review for Samira Oakenshaw").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("review")


def test_a_team_leader_finds_every_overdue_review_in_two_clicks(page, live_server, world):
    _busy_caseload(world)
    sign_in(page.context, live_server, world.user("team_leader"))

    page.goto(f"{live_server.url}{world.team.get_absolute_url()}")
    check_page(page, "team-oversight")
    page.get_by_role("link", name="Reviews overdue: 1").click()  # click one

    expect(page.get_by_role("status")).to_have_text("1 person in “Reviews overdue”.")
    expect(page.get_by_role("link", name="Oakenshaw, Samira")).to_be_visible()
    expect(page.get_by_text("Quarrington")).to_have_count(0)
    check_page(page, "caseload-filtered")  # click two would open the person

    page.set_viewport_size(PHONE)
    page.reload()
    check_page(page, "caseload-filtered")


def test_the_caseload_filters_work_from_the_keyboard(page, live_server, world):
    _busy_caseload(world)
    sign_in(page.context, live_server, world.user("team_leader"))
    page.goto(f"{live_server.url}/caseload/")

    page.get_by_label("Show only").focus()
    page.get_by_label("Show only").select_option("not_allocated")
    page.get_by_label("Sort by").select_option("checkin")
    page.get_by_label("Sort by").focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show people")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"state=not_allocated.*sort=checkin"))
    expect(page.get_by_role("status")).to_have_text(
        "1 person in “People without a care coordinator”."
    )
    check_page(page, "caseload-keyboard")

    page.get_by_label("Search by name or NHS number").fill("overdue")
    page.get_by_label("Show only").select_option("")
    page.get_by_role("button", name="Show people").click()
    expect(page.get_by_text("Search looks for names and NHS numbers only.")).to_be_visible()
    check_page(page, "caseload-overdue-search")
