"""Given each role, when they sign in, then they reach their work; every page passes axe."""

from __future__ import annotations

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from directory.choices import TeamRole
from recovery_site.two_factor import DEMO_AUTHENTICATOR_KEY_HEX
from tests.factories import ServiceUserFactory, staff
from tests.site.test_two_factor import code_for

from .conftest import PHONE, check_page, sign_in


def with_authenticator(user) -> None:
    """The person has set up an authenticator app (with the demo key) before."""
    TOTPDevice.objects.create(user=user, key=DEMO_AUTHENTICATOR_KEY_HEX, confirmed=True)


def authenticator_code() -> str:
    return code_for(DEMO_AUTHENTICATOR_KEY_HEX)


def test_sign_in_form_takes_a_coordinator_to_their_caseload(page, live_server, world):
    world.users["care_coordinator"].set_password("a-good-long-password")
    world.users["care_coordinator"].save()
    with_authenticator(world.users["care_coordinator"])

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to recovery-care")
    check_page(page, "sign-in")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("a-good-long-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    check_page(page, "two-factor-code")
    page.get_by_label("Code from your authenticator app").fill(authenticator_code())
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    check_page(page, "home-coordinator")
    page.get_by_role("link", name="Your caseload").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    expect(page.get_by_role("link", name="Oakenshaw, Samira")).to_be_visible()
    expect(page.get_by_text("Quarrington")).to_have_count(0)
    check_page(page, "caseload")


def test_wrong_password_says_so_next_to_the_form(page, live_server, world):
    page.goto(f"{live_server.url}/account/sign-in/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_title("Error: Sign in – recovery-care – NHS")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Enter a correct username and password"
    )
    check_page(page, "sign-in-error")


@pytest.mark.parametrize(
    ("role", "heading"),
    [
        ("care_coordinator", "Hello"),
        ("team_leader", "Hello"),
        ("peer_support_worker", "Hello"),
        ("qa_manager", "Hello"),
        ("hr", "Hello"),
        ("network_coordinator", "Hello"),
        ("administrator", "Hello"),
        ("other_trust_staff", "Hello"),
        ("service_user", "Hello, Samira"),
    ],
)
def test_every_role_lands_on_its_home_page(page, context, live_server, world, role, heading):
    sign_in(context, live_server, world.user(role))

    page.goto(f"{live_server.url}/")

    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    check_page(page, f"home-{role}")


def test_caseload_search_by_nhs_number_and_by_name(page, context, live_server, world):
    coordinator = world.user("care_coordinator")
    for n in range(30):
        ServiceUserFactory.create(
            team=world.team, care_coordinator=coordinator, family_name=f"Person{n:02d}"
        )
    sign_in(context, live_server, coordinator)

    page.goto(f"{live_server.url}/caseload/")
    expect(page.get_by_text("31 people.")).to_be_visible()
    page.get_by_role("link", name="Next").click()
    expect(page).to_have_url(f"{live_server.url}/caseload/?page=2")
    check_page(page, "caseload-page-2")

    page.get_by_label("Search by name or NHS number").fill(world.person.nhs_number_display)
    page.get_by_role("button", name="Show people").click()
    expect(page.get_by_role("link", name="Oakenshaw, Samira")).to_be_visible()
    expect(page.get_by_text("1 person found")).to_be_visible()
    check_page(page, "caseload-search")


def test_adding_a_person_with_mistakes_shows_each_next_to_its_field(
    page, context, live_server, world
):
    sign_in(context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/add/")
    check_page(page, "add-person")

    page.get_by_label("First name").fill("<b>Bold</b>")
    page.get_by_label("Last name").fill("Tester")
    page.get_by_label("NHS number").fill("999 000 0001")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1990")
    page.get_by_role("button", name="Add person").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("fails the check digit")
    expect(summary).to_contain_text("Date of birth must be a real date")
    expect(summary).to_contain_text("Choose a team")
    check_page(page, "add-person-errors")
    summary.get_by_role("link", name="Date of birth must be a real date").click()
    expect(page.locator("#id_date_of_birth_0")).to_be_focused()
    expect(page.get_by_label("First name")).to_have_value("<b>Bold</b>")

    page.get_by_label("NHS number").fill("999 912 3457")
    page.get_by_label("Day").fill("28")
    page.get_by_label("Team").select_option(label=world.team.name)
    page.get_by_role("button", name="Add person").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("<b>Bold</b> Tester")
    check_page(page, "person-added")


def test_pages_read_well_on_a_phone(page, context, live_server, world):
    staff(team=world.team, role=TeamRole.CARE_COORDINATOR)
    page.set_viewport_size(PHONE)
    sign_in(context, live_server, world.user("team_leader"))

    for path, name in [
        ("/", "home-phone"),
        ("/caseload/", "caseload-phone"),
        (world.team.get_absolute_url(), "team-phone"),
        (world.person.get_absolute_url(), "person-phone"),
        ("/teams/", "teams-phone"),
    ]:
        page.goto(f"{live_server.url}{path}")
        check_page(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"


def test_keyboard_alone_signs_in_and_reaches_the_caseload(page, live_server, world):
    world.users["care_coordinator"].set_password("a-good-long-password")
    world.users["care_coordinator"].save()
    with_authenticator(world.users["care_coordinator"])
    page.goto(f"{live_server.url}/account/sign-in/")

    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Username")).to_be_focused()
    page.keyboard.type("coordinator")
    page.keyboard.press("Tab")
    page.keyboard.type("a-good-long-password")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Code from your authenticator app")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link, then to the code box
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.get_by_label("Code from your authenticator app").evaluate(
            "el => el === document.activeElement"
        ):
            break
    page.keyboard.type(authenticator_code())
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")

    caseload_link = page.get_by_role("link", name="Your caseload")
    for _ in range(15):
        page.keyboard.press("Tab")
        if caseload_link.evaluate("el => el === document.activeElement"):
            break
    expect(caseload_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your caseload")
    check_page(page, "caseload-by-keyboard")
