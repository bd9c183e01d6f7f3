"""Recovery plans in the browser: a coordinator writes a plan with the person, the person
reads and agrees it, versions compare, two people editing at once lose nothing. Every page
passes axe, on a desktop and on a phone."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from careplans import services
from careplans.models import PlanVersion, RecoveryPlan
from tests.audit import audit_as

from .conftest import AXE, PHONE, check_page, sign_in


def _second_session(browser, live_server, user):
    """Another person's browser, set up like the `context` and `page` fixtures: axe loaded,
    nothing off-site, console errors collected (checked by `_no_console_errors`)."""
    other = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    other.add_init_script(path=str(AXE))
    origin = live_server.url
    other.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort(),
    )
    sign_in(other, live_server, user)
    second = other.new_page()
    second.console_errors = []
    second.on(
        "console",
        lambda msg: second.console_errors.append(msg.text) if msg.type == "error" else None,
    )
    second.on("pageerror", lambda exc: second.console_errors.append(str(exc)))
    return other, second


def _no_console_errors(page) -> None:
    real = [e for e in page.console_errors if "net::ERR_FAILED" not in e]
    assert not real, f"console errors: {real}"


def test_a_coordinator_writes_a_plan_and_the_person_reads_and_agrees_it(
    page, context, browser, live_server, world
):
    # Given a coordinator on their caseload
    sign_in(context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/caseload/")
    check_page(page, "plans-caseload-no-plan")

    # When they start a plan and write each part on its own page
    page.get_by_role("link", name="Start a plan for Samira Oakenshaw").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start a recovery plan")
    check_page(page, "plan-start")
    page.get_by_role("button", name="Start the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Recovery plan")
    check_page(page, "plan-new")

    page.get_by_role("link", name="Change about me").click()
    check_page(page, "plan-about-me")
    page.get_by_label("What matters to me").fill("My daughter <Amal> & my allotment")
    page.get_by_label("My hopes").fill("To go back to work, part time")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("About me has been saved.")).to_be_visible()

    page.get_by_role("link", name="Add a goal").click()
    check_page(page, "plan-goal-add")
    page.get_by_label("The goal, in the person's words").fill("Volunteer at the community café")
    page.get_by_label("Area of life").select_option(label="Work and volunteering")
    page.get_by_label("Why it matters").fill("It gets me out of the house")
    page.get_by_label("Day").fill("30")
    page.get_by_label("Month").fill("6")
    page.get_by_label("Year").fill(str(timezone.localdate().year + 1))
    page.get_by_role("button", name="Save goal").click()
    expect(page.get_by_role("heading", name=re.compile("Goal 1: Volunteer"))).to_be_visible()

    page.get_by_role("link", name="Add a step to goal 1").click()
    check_page(page, "plan-step-add")
    page.get_by_label("What is the step").fill("Phone the café manager")
    page.get_by_label("Me", exact=True).check()
    page.get_by_role("button", name="Save step").click()
    expect(page.get_by_text("Phone the café manager")).to_be_visible()

    page.get_by_role("link", name="Add a crisis contact").click()
    check_page(page, "plan-contact-add")
    page.get_by_label("Name").fill("Priya")
    page.get_by_label("Relationship or service").fill("Sister")
    page.get_by_label("Phone number").fill("01632 960 001")
    page.get_by_label("When to call").fill("If I stop answering my phone")
    page.get_by_role("button", name="Save contact").click()
    expect(page.get_by_text("The crisis contact has been added.")).to_be_visible()
    check_page(page, "plan-written")

    # And shares it with the person for agreement, the one next step at the top of the plan
    page.get_by_role("link", name="Share the plan for agreement").first.click()
    check_page(page, "plan-share")
    page.get_by_role("button", name="Share the plan for agreement").click()
    expect(page.get_by_text("The plan has been shared with Samira Oakenshaw")).to_be_visible()
    expect(page.get_by_text("waiting for their agreement")).to_be_visible()

    # Then the person signs in, finds their plan with crisis contacts first, and comments
    person_context, person = _second_session(browser, live_server, world.user("service_user"))
    person.goto(f"{live_server.url}/")
    person.get_by_role("link", name="Your recovery plan").first.click()
    expect(person.get_by_role("heading", level=1)).to_have_text("Your recovery plan")
    headings = person.locator("main h2").all_inner_texts()
    assert headings[0] == "Contents" and "call" in headings[1], headings
    assert headings.index("About me") < headings.index("Agree your plan"), headings
    expect(person.get_by_text("My daughter <Amal> & my allotment")).to_be_visible()
    expect(person.get_by_role("link", name="01632 960 001")).to_be_visible()
    check_page(person, "plan-person-reads")

    person.get_by_role("link", name="Comment on goals").click()
    check_page(person, "plan-person-comment")
    person.get_by_label("Your comment").fill("Can we add swimming?")
    person.get_by_role("button", name="Add comment").click()
    expect(person.get_by_text("Can we add swimming?")).to_be_visible()
    expect(person.get_by_role("button", name="I agree to this plan")).to_have_count(0)
    expect(person.locator("#agree")).to_be_visible()
    check_page(person, "plan-person-waits-for-an-answer")

    # When the coordinator replies to the comment
    page.reload()
    page.get_by_role("link", name=re.compile("Answer Samira Oakenshaw's comment")).click()
    check_page(page, "plan-comment-answer")
    page.get_by_label("Your reply").fill("Yes: we will add it together on Friday")
    page.get_by_role("button", name="Save answer").click()
    expect(page.get_by_text("Your reply has been saved.")).to_be_visible()

    # Then the person reads the reply and agrees at the end of the plan
    person.reload()
    expect(person.get_by_text("Yes: we will add it together on Friday")).to_be_visible()
    agree = person.get_by_role("button", name="I agree to this plan")
    assert (
        person.locator("#agree").bounding_box()["y"]
        > person.locator("#supporters").bounding_box()["y"]
    )
    agree.click()
    expect(person.get_by_text("You agreed your plan; it is kept as version 1.")).to_be_visible()
    expect(person.get_by_role("link", name="Version 1")).to_be_visible()
    check_page(person, "plan-person-agreed")
    _no_console_errors(person)
    person_context.close()

    version = PlanVersion.objects.get()
    assert version.agreed_by == world.user("service_user")
    assert version.snapshot["crisis_contacts"][0]["name"] == "Priya"


def test_two_people_editing_the_same_part_lose_nothing(page, context, browser, live_server, world):
    plan = services.plan_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    edit_url = f"{live_server.url}/people/{world.person.public_id}/plan/parts/about-me/"

    # Given the coordinator and the team leader both open "About me"
    sign_in(context, live_server, world.user("care_coordinator"))
    page.goto(edit_url)
    leader_context, leader = _second_session(browser, live_server, world.user("team_leader"))
    leader.goto(edit_url)

    # When the team leader saves first, then the coordinator saves
    leader.get_by_label("My strengths").fill("Patient, a good cook")
    leader.get_by_role("button", name="Save").click()
    expect(leader.get_by_text("About me has been saved.")).to_be_visible()

    page.get_by_label("My strengths").fill("Funny, loyal")
    page.get_by_role("button", name="Save").click()

    # Then the coordinator is told, sees both texts, and still has their own in the form
    expect(page.get_by_text("Someone else saved this while you were editing")).to_be_visible()
    table = page.get_by_role("table", name="What is saved now, and what you typed")
    expect(table).to_contain_text("Patient, a good cook")
    expect(table).to_contain_text("Funny, loyal")
    expect(page.get_by_label("My strengths")).to_have_value("Funny, loyal")
    check_page(page, "plan-conflict")
    page.set_viewport_size(PHONE)
    check_page(page, "plan-conflict-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the conflict page scrolls sideways on a phone ({width}px)"
    plan.refresh_from_db()
    assert plan.strengths == "Patient, a good cook"

    # And merging by hand and saving again keeps both
    page.get_by_label("My strengths").fill("Patient, a good cook; funny, loyal")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("About me has been saved.")).to_be_visible()
    plan.refresh_from_db()
    assert plan.strengths == "Patient, a good cook; funny, loyal"
    _no_console_errors(leader)
    leader_context.close()


def test_pressing_back_after_a_colleague_saved_cannot_overwrite_their_text(
    page, context, browser, live_server, world
):
    plan = services.plan_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    plan_url = f"{live_server.url}/people/{world.person.public_id}/plan/"
    edit_url = f"{plan_url}parts/about-me/"

    # Given the coordinator typed in "About me", then went to the plan without saving
    sign_in(context, live_server, world.user("care_coordinator"))
    first = page.goto(edit_url)
    assert "no-store" in first.headers["cache-control"]
    page.get_by_label("My strengths").fill("Funny, loyal")
    page.goto(plan_url)

    # And meanwhile the team leader saved "About me"
    leader_context, leader = _second_session(browser, live_server, world.user("team_leader"))
    leader.goto(edit_url)
    leader.get_by_label("My strengths").fill("Patient, a good cook")
    leader.get_by_role("button", name="Save").click()
    expect(leader.get_by_text("About me has been saved.")).to_be_visible()

    # When the coordinator presses Back and saves what the browser shows
    page.go_back()
    page.get_by_role("button", name="Save").click()

    # Then the save is refused, the coordinator keeps their text, and the leader's is intact
    expect(page.get_by_text("Someone else saved this while you were editing")).to_be_visible()
    expect(page.get_by_label("My strengths")).to_have_value("Funny, loyal")
    plan.refresh_from_db()
    assert plan.strengths == "Patient, a good cook"
    _no_console_errors(leader)
    leader_context.close()


def test_bad_dates_and_empty_fields_are_explained_by_the_field(page, context, live_server, world):
    services.plan_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    sign_in(context, live_server, world.user("care_coordinator"))
    page.goto(f"{live_server.url}/people/{world.person.public_id}/plan/goals/add/")

    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Save goal").click()

    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the goal, in the person's words.")
    expect(summary).to_contain_text("Target date must be a real date.")
    expect(page).to_have_title(re.compile("^Error: "))
    check_page(page, "plan-goal-errors")
    summary.get_by_role("link", name="Target date must be a real date.").click()
    expect(page.locator("#id_target_date_0")).to_be_focused()


def test_versions_compare_and_print_on_desktop_and_phone(page, context, live_server, world):
    coordinator, person = world.user("care_coordinator"), world.user("service_user")
    plan = services.plan_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "To walk the fells"},
    )
    services.crisis_contact_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"name": "Crisis line", "relationship": "Crisis team", "phone": "0800 000 000"},
    )
    plan.refresh_from_db()
    services.plan_share(
        actor=coordinator, audit=audit_as(coordinator), plan=plan, revision=plan.revision
    )
    services.plan_agree(actor=person, audit=audit_as(person), plan=plan, revision=plan.revision)
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=2,
        values={"hopes": "To walk the high fells with my son"},
    )
    services.goal_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"life_area": "physical_health", "description": "Swim"},
    )
    today = timezone.localdate()
    services.plan_review_record(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        reviewed_on=today,
        summary="Walking most days",
        next_review_on=today + datetime.timedelta(days=20),
        ratings={},
    )
    plan.refresh_from_db()
    services.plan_agree(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        revision=plan.revision,
        method="in_person",
        agreed_on=today,
    )
    sign_in(context, live_server, coordinator)
    base = f"{live_server.url}/people/{world.person.public_id}/plan/"

    page.goto(f"{base}versions/compare/?from=1&to=2")
    expect(page.get_by_role("heading", name="Changes from version 1 to version 2")).to_be_visible()
    expect(page.locator("ins")).to_contain_text(["high", "with my son"])
    expect(page.locator("dt", has_text="Goal: Swim")).to_contain_text("Added")
    check_page(page, "plan-compare")
    page.goto(f"{base}versions/1/")
    expect(page.get_by_text("To walk the fells", exact=True)).to_be_visible()
    check_page(page, "plan-version-1")
    page.goto(f"{base}print/")
    expect(page.locator("header")).to_have_count(0)
    check_page(page, "plan-print")
    page.goto(f"{base}review/")
    check_page(page, "plan-review")
    page.goto(f"{base}record-agreement/")
    check_page(page, "plan-record-agreement")

    page.set_viewport_size(PHONE)
    for path, name in [
        (base, "plan-phone"),
        (f"{base}versions/compare/?from=1&to=2", "plan-compare-phone"),
        (f"{base}parts/about-me/", "plan-about-me-phone"),
        (f"{base}versions/1/", "plan-version-phone"),
        (f"{base}review/", "plan-review-phone"),
        (f"{base}print/", "plan-print-phone"),
        (f"{base}crisis-card/", "plan-crisis-card-phone"),
        ("/caseload/", "plans-caseload-phone"),
    ]:
        page.goto(path if path.startswith("http") else f"{live_server.url}{path}")
        check_page(page, name)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{path} scrolls sideways on a phone ({width}px)"
    assert RecoveryPlan.objects.get().versions.count() == 2


def test_a_person_reads_what_changed_comments_gets_a_reply_and_agrees_at_the_end(
    page, context, browser, live_server, world
):
    coordinator, person_login = world.user("care_coordinator"), world.user("service_user")
    plan = services.plan_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=1,
        values={"hopes": "To walk the fells", "what_matters": "My son"},
    )
    services.goal_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"life_area": "physical_health", "description": "Walk every day"},
    )
    plan.refresh_from_db()
    services.plan_agree(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        revision=plan.revision,
        method="in_person",
        agreed_on=timezone.localdate(),
    )
    # Given the coordinator changed the agreed plan and shares it for agreement
    services.plan_part_update(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        part="about",
        revision=2,
        values={"hopes": "To walk the high fells with my son", "what_matters": "My son"},
    )
    services.goal_add(
        actor=coordinator,
        audit=audit_as(coordinator),
        plan=plan,
        values={"life_area": "work", "description": "Volunteer on Saturdays"},
    )
    sign_in(context, live_server, coordinator)
    base = f"{live_server.url}/people/{world.person.public_id}/plan/"
    page.goto(base)
    check_page(page, "plan-coordinator-changed")
    page.set_viewport_size(PHONE)
    check_page(page, "plan-coordinator-changed")
    page.get_by_role("link", name="Share the plan for agreement").first.click()
    check_page(page, "plan-share")
    page.get_by_role("button", name="Share the plan for agreement").click()
    expect(page.get_by_text("waiting for their agreement")).to_be_visible()

    # When the person opens their plan on a phone
    person_context, person = _second_session(browser, live_server, person_login)
    person.set_viewport_size(PHONE)
    person.goto(base)
    person.get_by_role("link", name="Read what changed, then agree your plan at the end").click()
    changes = person.locator("section.app-changes")
    expect(
        changes.get_by_role("heading", name="What changed since you agreed version 1")
    ).to_be_visible()
    expect(changes.locator("ins")).to_contain_text(["high", "with my son"])
    expect(changes.locator("dt", has_text="Goal: Volunteer on Saturdays")).to_contain_text("Added")
    expect(changes.get_by_role("heading", name="Keeping well")).to_have_count(0)
    check_page(person, "plan-person-what-changed")
    width = person.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the plan scrolls sideways on a phone ({width}px)"

    # And comments, which holds agreement back until the coordinator answers
    person.get_by_role("link", name="Comment on goals").click()
    person.get_by_label("Your comment").fill("Saturdays are hard: could it be Sundays?")
    person.get_by_role("button", name="Add comment").click()
    expect(person.get_by_role("button", name="I agree to this plan")).to_have_count(0)
    check_page(person, "plan-person-waits-for-an-answer")

    page.goto(base)
    page.get_by_role("link", name=re.compile("Answer Samira Oakenshaw's comment")).click()
    check_page(page, "plan-comment-answer")
    page.get_by_role("button", name="Save answer").click()  # no reply: marked as dealt with
    expect(page.get_by_text("The comment has been marked as dealt with.")).to_be_visible()
    expect(page.get_by_text("Dealt with", exact=True)).to_be_visible()

    # Then the person agrees at the end of the plan
    person.reload()
    expect(person.get_by_text("Dealt with", exact=True)).to_be_visible()
    person.get_by_role("button", name="I agree to this plan").click()
    expect(person.get_by_text("it is kept as version 2")).to_be_visible()
    check_page(person, "plan-person-agreed")
    _no_console_errors(person)
    person_context.close()
    plan.refresh_from_db()
    assert plan.status == "agreed" and plan.versions.count() == 2

    # And the crisis card and the review page are clean on both widths
    for path, name in [("crisis-card/", "plan-crisis-card"), ("review/", "plan-review-goals")]:
        for size in (PHONE, {"width": 1280, "height": 900}):
            page.set_viewport_size(size)
            page.goto(f"{base}{path}")
            check_page(page, name)
    expect(page.get_by_label(re.compile("Goal 1: Walk every day"))).to_be_visible()
