"""The plan page as people use it: the one next step at the top, a contents list dated by part,
reviews that rate each goal and show the ratings over time, the crisis card, and comparing the
agreed version with the plan now."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from careplans import services
from careplans.models import PlanReview
from tests.audit import audit_as

from .factories import CrisisContactFactory, GoalFactory, plan_for, shared_for_agreement


def url(name, person, **kwargs):
    return reverse(f"careplans:{name}", kwargs={"public_id": person.public_id, **kwargs})


@pytest.fixture
def coordinator(world):
    return world.user("care_coordinator")


def _review_form(reviewed_on, next_on, summary="Good progress", **ratings):
    return {
        "reviewed_on_0": reviewed_on.day,
        "reviewed_on_1": reviewed_on.month,
        "reviewed_on_2": reviewed_on.year,
        "summary": summary,
        "next_review_on_0": next_on.day,
        "next_review_on_1": next_on.month,
        "next_review_on_2": next_on.year,
        **ratings,
    }


def test_the_review_page_asks_how_far_along_each_goal_is_and_keeps_every_rating(
    world, client_for, coordinator
):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC)):
        plan = plan_for(world.person)
        swim, walk, cook = (
            GoalFactory.create(plan=plan, description=d) for d in ["Swim", "Walk", "Cook"]
        )
    client = client_for(coordinator)

    page = client.get(url("review", world.person)).content.decode()
    for goal in (swim, walk, cook):
        assert f'name="goal_{goal.public_id.hex}"' in page, "a goal's question is not drawn"
    # Asked after the date of the review and before what was talked about.
    assert page.index("reviewed_on_0") < page.index(swim.public_id.hex) < page.index('"summary"')

    for on, swim_rating, walk_rating in (
        (datetime.date(2026, 3, 2), "3", "6"),
        (datetime.date(2026, 6, 9), "5", ""),
    ):
        response = client.post(
            url("review", world.person),
            _review_form(
                on,
                on + datetime.timedelta(days=180),
                **{
                    f"goal_{swim.public_id.hex}": swim_rating,
                    f"goal_{walk.public_id.hex}": walk_rating,
                },
            ),
        )
        assert response.status_code == 302

    reviews = list(PlanReview.objects.filter(plan=plan).order_by("reviewed_on"))
    assert [r.ratings for r in reviews] == [
        {str(swim.public_id): 3, str(walk.public_id): 6, str(cook.public_id): None},
        {str(swim.public_id): 5, str(walk.public_id): None, str(cook.public_id): None},
    ]
    swim.refresh_from_db()
    walk.refresh_from_db()
    assert (swim.progress, walk.progress) == (5, 6)  # "not rated" keeps the last rating

    body = client.get(url("plan", world.person)).content.decode()
    tables = re.findall(r"How far along, at each review</caption>.*?</table>", body, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", table) for table in tables]
    assert cells == [["2 March 2026", "3", "9 June 2026", "5"], ["2 March 2026", "6"]]


def test_a_rating_out_of_range_is_explained_by_its_field_and_nothing_is_saved(
    world, client_for, coordinator
):
    plan = plan_for(world.person)
    goal = GoalFactory.create(plan=plan)
    today = timezone.localdate()

    response = client_for(coordinator).post(
        url("review", world.person),
        _review_form(
            today, today + datetime.timedelta(days=90), **{f"goal_{goal.public_id.hex}": "11"}
        ),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose a rating from 1 to 10, or not rated at this review." in body
    assert f'href="#id_goal_{goal.public_id.hex}"' in body  # the summary links to the field
    assert not PlanReview.objects.exists()


def test_the_plan_page_leads_with_the_next_step_for_each_reader(world, client_for, coordinator):
    plan = plan_for(world.person)
    person = world.user("service_user")

    page = client_for(coordinator).get(url("plan", world.person)).content.decode()
    assert re.search(r'href="[^"]*/share/" data-next-action>Share the plan for agreement', page)
    assert page.index("data-next-action") < page.index('id="crisis-contacts"')
    # The breadcrumb leads back to the person.
    assert f'href="{reverse("person", args=[world.person.public_id])}"' in page
    # Each part in the contents list, dated.
    contents = page[
        page.index('aria-label="Parts of the plan"') : page.index(
            "</nav>", page.index('aria-label="Parts of the plan"')
        )
    ]
    for anchor in ("crisis-contacts", "part-about", "goals", "part-keeping_well", "supporters"):
        assert f'href="#{anchor}"' in contents
    assert contents.count("changed ") == 6

    page = client_for(person).get(url("plan", world.person)).content.decode()
    assert "data-next-action" not in page  # nothing for the person to do until it is shared

    services.plan_share(
        actor=coordinator, plan=plan, revision=plan.revision, audit=audit_as(coordinator)
    )
    services.comment_add(
        actor=person, plan=plan, part="goals", text="Add swimming", audit=audit_as(person)
    )
    page = client_for(coordinator).get(url("plan", world.person)).content.decode()
    assert re.search(r"data-next-action>Answer Samira Oakenshaw&#x27;s comment \(1 waiting\)", page)
    page = client_for(person).get(url("plan", world.person)).content.decode()
    assert "Your care coordinator will answer your comments" in page
    assert url("agree", world.person) not in page


def test_the_person_sees_what_changed_since_they_last_agreed(world, client_for, coordinator):
    plan = plan_for(world.person, hopes="To walk the fells")
    person = world.user("service_user")
    shared_for_agreement(plan)
    services.plan_agree(actor=person, plan=plan, revision=plan.revision, audit=audit_as(person))
    plan.refresh_from_db()
    services.plan_part_update(
        actor=coordinator,
        plan=plan,
        part="about",
        revision=plan.about_revision,
        values={
            "hopes": "To walk the high fells",
            "what_matters": plan.what_matters,
            "strengths": plan.strengths,
        },
        audit=audit_as(coordinator),
    )

    page = client_for(person).get(url("plan", world.person)).content.decode()

    changes = page[page.index('id="changes"') : page.index('id="part-about"')]
    assert "What changed since you agreed version 1" in changes
    assert "About me" in changes and "Goals" not in changes  # only the parts that changed
    assert re.search(
        r"high</ins>", changes.replace('<span class="nhsuk-u-visually-hidden">]</span>', "")
    )


def test_compare_opens_on_the_agreed_version_against_now_when_there_are_unagreed_changes(
    world, client_for, coordinator
):
    plan = plan_for(world.person)
    person = world.user("service_user")
    for hopes in ("First", "Second"):
        plan.refresh_from_db()
        services.plan_part_update(
            actor=coordinator,
            plan=plan,
            part="about",
            revision=plan.about_revision,
            values={"hopes": hopes, "what_matters": plan.what_matters, "strengths": plan.strengths},
            audit=audit_as(coordinator),
        )
        plan.refresh_from_db()
        shared_for_agreement(plan)
        services.plan_agree(actor=person, plan=plan, revision=plan.revision, audit=audit_as(person))
    client = client_for(coordinator)
    assert (
        "Changes from version 1 to version 2"
        in client.get(url("compare", world.person)).content.decode()
    )

    plan.refresh_from_db()
    services.plan_part_update(
        actor=coordinator,
        plan=plan,
        part="about",
        revision=plan.about_revision,
        values={"hopes": "Third", "what_matters": plan.what_matters, "strengths": plan.strengths},
        audit=audit_as(coordinator),
    )

    body = client.get(url("compare", world.person)).content.decode()
    assert "Changes from version 2 to the plan now" in body
    assert '<option value="current" selected>' in body


def test_the_crisis_card_always_gives_999_and_nhs_111_beside_what_helps(
    world, client_for, coordinator
):
    plan = plan_for(world.person, crisis_helps="A quiet room & a cup of tea")
    client = client_for(coordinator)

    for name in ("plan", "plan_print", "crisis_card"):
        body = client.get(url(name, world.person)).content.decode()
        assert 'href="tel:999"' in body and 'href="tel:111"' in body, name
        assert "mental health option" in body, name
        assert "A quiet room &amp; a cup of tea" in body, name

    CrisisContactFactory.create(plan=plan, name="Priya", phone="01632 960 001")
    card = client.get(url("crisis_card", world.person)).content.decode()
    assert card.index("Priya") < card.index('href="tel:111"') < card.index('href="tel:999"')
