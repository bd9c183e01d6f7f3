"""Partner networks in the browser: a coordinator finds a volunteering opportunity near the
person's team and refers them from a goal; the partner's contact accepts, starts and completes
it; the network dashboard counts it. Every page passes axe, on a desktop and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from networks.choices import OpportunityKind
from networks.models import Referral
from tests.careplans.factories import goal_of
from tests.networks.factories import (
    MeetingFactory,
    OpportunityFactory,
    PartnerFactory,
    base_of,
    home_partner,
    network_of,
)

from .conftest import DESKTOP, PHONE, check_page, sign_in


def _networks_world(world):
    goal = goal_of(world.person)
    partner = home_partner(world.trust, world.user("partner_contact"))
    base_of(world.team)
    far = PartnerFactory.create(
        name="Coast Conservation Trust",
        latitude=54.60,
        longitude=-3.45,
        networks=[network_of(world.trust)],
    )
    OpportunityFactory.create(partner=far, title="Beach clean volunteer")
    OpportunityFactory.create(partner=far, kind=OpportunityKind.HOUSING, title="Supported lodgings")
    MeetingFactory.create(network=network_of(world.trust))
    return goal, partner


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_goal_to_completed_referral_across_coordinator_and_partner(
    page, context, live_server, world, viewport
):
    page.set_viewport_size(viewport)
    _networks_world(world)
    # The coordinator opens the person's plan and looks for something for their goal.
    sign_in(context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/plan/")
    check_page(page, "networks-plan-goal")
    page.get_by_role("link", name="Find an opportunity for goal 1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find an opportunity")
    check_page(page, "networks-find")

    # Volunteering, nearest to the team's base first: the garden is nearer than the beach.
    page.get_by_label("Kind").select_option(label="Volunteering")
    page.get_by_label("Nearest to a team's base first").select_option(index=1)
    page.get_by_role("button", name="Search").click()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Community garden volunteer")
    expect(rows.nth(1)).to_contain_text("Beach clean volunteer")
    expect(page.get_by_text("Supported lodgings")).to_have_count(0)
    check_page(page, "networks-find-near")
    page.get_by_role("link", name="Choose Community garden volunteer").click()
    check_page(page, "networks-refer")

    # Referring without the person's consent is refused, next to the field.
    page.get_by_label(re.compile("^Refer now")).check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("agreed to share")
    check_page(page, "networks-refer-error")
    page.get_by_label("Phone number", exact=True).check()
    page.get_by_label("Phone number to share").fill("01632 960 321")
    page.get_by_label(re.compile("^The person agreed to share")).check()
    page.get_by_role("button", name="Save").click()
    expect(
        page.get_by_text("Community garden volunteer has been referred to the partner.")
    ).to_be_visible()
    expect(page.locator(".app-goal-referrals")).to_contain_text("Referred")
    referral = Referral.objects.get()
    assert [row["label"] for row in referral.shared] == ["Name", "Their goal", "Phone number"]

    # The partner's contact sees it, with what was shared, and accepts, starts and completes it.
    context.clear_cookies()
    sign_in(context, live_server, world.user("partner_contact"))
    page.goto(f"{live_server.url}/partner/")
    check_page(page, "networks-partner-home")
    page.get_by_role("link", name="Samira Oakenshaw").click()
    expect(page.get_by_text("01632 960 321")).to_be_visible()
    check_page(page, "networks-partner-referral")
    for step in ("Accepted", "Started", "Completed"):
        page.get_by_label(step, exact=True).check()
        page.get_by_role("button", name="Record this step").click()
        expect(page.get_by_text("The step has been recorded.")).to_be_visible()
    expect(page.locator(".nhsuk-tag").first).to_have_text("Completed")
    check_page(page, "networks-partner-completed")
    # ...and cannot open the person's plan.
    refused = page.request.get(f"{live_server.url}/people/{world.person.public_id}/plan/")
    assert refused.status == 403

    # The coordinator sees it completed under the goal; the dashboard counts it.
    context.clear_cookies()
    sign_in(context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/plan/")
    expect(page.locator(".app-goal-referrals")).to_contain_text("Completed")
    context.clear_cookies()
    sign_in(context, live_server, world.user("network_coordinator"))
    page.goto(f"{live_server.url}/networks/dashboard/")
    expect(page.get_by_text(re.compile(r"1\s+completed"))).to_be_visible()
    check_page(page, "networks-dashboard")


def test_directory_pages_on_a_phone_and_a_desktop(page, context, live_server, world):
    _networks_world(world)
    sign_in(context, live_server, world.user("network_coordinator"))
    for size, label in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/networks/")
        check_page(page, "networks-list")
        page.get_by_role("link", name=network_of(world.trust).name).click()
        check_page(page, "networks-network")
        page.get_by_role("link", name="Record a meeting").click()
        page.get_by_role("button", name="Save meeting").click()
        expect(page.locator(".nhsuk-error-summary")).to_be_visible()
        check_page(page, "networks-meeting-error")
        page.goto(f"{live_server.url}/partners/?q=volunteer")
        expect(page.get_by_role("link", name="Fellside Volunteer Centre")).to_be_visible()
        check_page(page, "networks-partners")
        page.get_by_role("link", name="Fellside Volunteer Centre").click()
        check_page(page, "networks-partner")
        page.get_by_role("link", name="Community garden volunteer").click()
        check_page(page, "networks-opportunity")
        page.get_by_role("link", name="Change this opportunity").click()
        check_page(page, "networks-opportunity-edit")
        page.goto(f"{live_server.url}/opportunities/")
        check_page(page, "networks-opportunities")
        page.goto(f"{live_server.url}/networks/dashboard/")
        check_page(page, f"networks-dashboard-{label}")
