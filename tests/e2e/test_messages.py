"""Given a member of staff who has just done something, when the next page says so, then a
success reads as the NHS success banner and a problem as a problem, both announced; axe-clean
at desktop and phone widths."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from careplans.models import RecoveryPlan
from tests.careplans.factories import plan_for

from .conftest import DESKTOP, PHONE, check_page, sign_in


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_adding_a_person_ends_on_a_success_banner(page, live_server, world, viewport):
    page.set_viewport_size(viewport)
    sign_in(page.context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/add/")
    page.get_by_label("First name").fill("Nell")
    page.get_by_label("Last name").fill("Gwynmore")
    page.get_by_label("NHS number").fill("999 912 3457")
    page.get_by_label("Day").fill("17")
    page.get_by_label("Month").fill("5")
    page.get_by_label("Year").fill("1990")
    page.get_by_label("Team", exact=True).select_option(label=world.team.name)
    page.get_by_role("button", name="Add person").click()

    banner = page.get_by_role("alert")
    expect(banner).to_have_class(re.compile("nhsuk-notification-banner--success"))
    expect(banner).to_contain_text("Success")
    expect(banner).to_contain_text("Nell Gwynmore has been added")
    check_page(page, "message-success")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_plan_changed_while_being_read_is_a_problem_announced(page, live_server, world, viewport):
    plan = plan_for(world.person)
    # Shared with the person for agreement (careplans.services.plan_share).
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        shared_revision=plan.revision, shared_at=timezone.now()
    )
    page.set_viewport_size(viewport)
    sign_in(page.context, live_server, world.user("service_user"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/plan/agree/")
    # Changed (and shared again) meanwhile: what the person read is not what would be agreed.
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        revision=plan.revision + 5, shared_revision=plan.revision + 5
    )
    page.get_by_role("button", name="Agree").click()

    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("There is a problem")
    expect(problem).to_contain_text("changed while you were reading it")
    check_page(page, "message-error")
