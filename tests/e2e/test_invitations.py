"""Given a coordinator inviting people to a check-in, when they invite their caseload, then
they see and can untick each person and know who is emailed; a link's page copies the link.
Axe-clean at desktop and phone widths."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from surveys.models import Invitation
from tests.factories import ServiceUserFactory

from .conftest import DESKTOP, PHONE, check_page, sign_in


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_bulk_invitations_let_the_coordinator_untick_people(page, live_server, world, viewport):
    ServiceUserFactory.create(  # due too, and left out below
        team=world.team,
        care_coordinator=world.user("care_coordinator"),
        given_name="Owen",
        family_name="Letterby",
    )
    page.set_viewport_size(viewport)
    sign_in(page.context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/caseload/invite-to-check-in/")

    samira = page.get_by_label("Samira Oakenshaw: will be emailed a link")
    owen = page.get_by_label("Owen Letterby: no email address")
    expect(samira).to_be_checked()
    expect(owen).to_be_checked()
    check_page(page, "invite-caseload")
    owen.uncheck()
    page.get_by_role("button", name="Invite the people ticked").click()

    expect(page.get_by_role("alert")).to_contain_text("1 person has been invited.")
    assert list(Invitation.objects.values_list("service_user", flat=True)) == [world.person.pk]


def test_a_links_page_copies_the_link(page, live_server, world):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page.context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/check-ins/invite/")
    page.get_by_label("Show me the link").check()
    page.get_by_role("button", name="Invite").click()
    link = page.locator("#checkin-link").inner_text().strip()

    page.get_by_role("button", name="Copy the link").click()

    expect(page.get_by_role("status").filter(has_text="Link copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    check_page(page, "invitation-link-copied")
