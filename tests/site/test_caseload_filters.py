"""A team leader oversees the caseload: the team page's counts open the caseload filtered that
way; the caseload filters by state and by coordinator, sorts, and says how many match."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from careplans.choices import PlanStatus
from directory.choices import TeamRole
from tests.careplans.factories import plan_for
from tests.factories import ServiceUserFactory, staff
from tests.surveys.factories import sent_response

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 15)  # after the world is made, so its roles are in force
NOON = datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture
def on_today():
    with time_machine.travel(NOON, tick=False):
        yield


def _plan(person, *, due_in_days: int | None, status=PlanStatus.AGREED):
    plan = plan_for(person)
    plan.status = status
    plan.review_due_on = (
        TODAY + datetime.timedelta(days=due_in_days) if due_in_days is not None else None
    )
    plan.save()
    return plan


def _names(response) -> list[str]:
    return [person.family_name for person in response.context["people"]]


@pytest.mark.parametrize(
    ("due_in_days", "overdue"),
    [(-1, True), (0, False), (1, False)],  # due yesterday, today, tomorrow
)
def test_reviews_overdue_filter_at_the_date_edges(
    world, client_for, on_today, due_in_days, overdue
):
    _plan(world.person, due_in_days=due_in_days)
    _plan(world.teammate_person, due_in_days=60)

    response = client_for(world.user("team_leader")).get(
        reverse("caseload"), {"state": "review_overdue"}
    )

    assert _names(response) == ([world.person.family_name] if overdue else [])
    body = response.content.decode()
    count = 1 if overdue else 0
    assert f"{count} {'person' if count == 1 else 'people'} in “Reviews overdue”." in body


def test_due_within_four_weeks_includes_today_and_tomorrow(world, client_for, on_today):
    _plan(world.person, due_in_days=0)
    _plan(world.teammate_person, due_in_days=29)

    response = client_for(world.user("team_leader")).get(
        reverse("caseload"), {"state": "review_due"}
    )

    assert _names(response) == [world.person.family_name]


def test_check_ins_overdue_filter(world, client_for, on_today):
    sent_response(world.person, on=TODAY - datetime.timedelta(days=150))  # overdue
    sent_response(world.teammate_person, on=TODAY - datetime.timedelta(days=10))  # done

    response = client_for(world.user("team_leader")).get(
        reverse("caseload"), {"state": "checkin_overdue"}
    )

    assert _names(response) == [world.person.family_name]


def test_not_allocated_and_not_agreed(world, client_for, on_today):
    unallocated = ServiceUserFactory.create(team=world.team, family_name="Unallocatedson")
    _plan(world.teammate_person, due_in_days=60, status=PlanStatus.DRAFT)
    client = client_for(world.user("team_leader"))

    assert _names(client.get(reverse("caseload"), {"state": "not_allocated"})) == [
        unallocated.family_name
    ]
    assert _names(client.get(reverse("caseload"), {"state": "not_agreed"})) == [
        world.teammate_person.family_name
    ]


def test_a_coordinator_filter_shows_one_coordinators_people(world, client_for, on_today):
    coordinator = world.user("care_coordinator")
    client = client_for(world.user("team_leader"))

    response = client.get(reverse("caseload"), {"coordinator": str(coordinator.public_id)})

    assert _names(response) == [world.person.family_name]
    assert f"coordinated by {escape(str(coordinator))}" in response.content.decode()


def test_a_coordinator_of_another_team_is_not_a_choice(world, client_for, on_today):
    elsewhere = staff(team=world.other_team, role=TeamRole.CARE_COORDINATOR)
    client = client_for(world.user("team_leader"))

    response = client.get(reverse("caseload"), {"coordinator": str(elsewhere.public_id)})

    assert response.status_code == 200
    assert response.context["filter_form"].errors["coordinator"]
    assert "That is not one of the choices; showing everyone." in response.content.decode()
    assert set(_names(response)) == {world.person.family_name, world.teammate_person.family_name}


def test_sorting_by_review_date_and_by_last_check_in(world, client_for, on_today):
    _plan(world.person, due_in_days=40)
    _plan(world.teammate_person, due_in_days=5)
    sent_response(world.person, on=TODAY - datetime.timedelta(days=100))
    sent_response(world.teammate_person, on=TODAY - datetime.timedelta(days=3))
    client = client_for(world.user("team_leader"))

    by_review = _names(client.get(reverse("caseload"), {"sort": "review"}))
    by_checkin = _names(client.get(reverse("caseload"), {"sort": "checkin"}))
    by_name = _names(client.get(reverse("caseload")))

    assert by_review == [world.teammate_person.family_name, world.person.family_name]
    assert by_checkin == [world.person.family_name, world.teammate_person.family_name]
    assert by_name == sorted(by_name)


def test_searching_overdue_explains_itself(world, client_for, on_today):
    response = client_for(world.user("team_leader")).get(reverse("caseload"), {"q": "overdue"})

    body = response.content.decode()
    assert "Search looks for names and NHS numbers only." in body
    assert f"{reverse('caseload')}?state=review_overdue" in body
    assert f"{reverse('caseload')}?state=checkin_overdue" in body


def test_an_unknown_state_is_refused_next_to_the_field_not_with_an_error_page(
    world, client_for, on_today
):
    response = client_for(world.user("team_leader")).get(
        reverse("caseload"), {"state": "<script>x</script>", "sort": "nonsense"}
    )

    assert response.status_code == 200
    assert "<script>x</script>" not in response.content.decode()
    assert len(_names(response)) == 2


def test_filters_carry_into_the_next_page(world, client_for, on_today):
    for _ in range(26):
        ServiceUserFactory.create(team=world.team)  # not allocated
    response = client_for(world.user("team_leader")).get(
        reverse("caseload"), {"state": "not_allocated", "sort": "name"}
    )

    assert "state=not_allocated&amp;sort=name&amp;page=2" in response.content.decode()


def test_an_empty_caseload_says_what_to_do_next(client_for, on_today):
    from tests.factories import TeamFactory

    team = TeamFactory.create()
    newcomer = staff(team=team, role=TeamRole.CARE_COORDINATOR)

    body = client_for(newcomer).get(reverse("caseload")).content.decode()

    assert "Nobody is on this caseload yet." in body
    assert reverse("directory:service_user_add") in body


def test_the_team_pages_counts_link_to_the_filtered_caseload(world, client_for, on_today):
    _plan(world.person, due_in_days=-3)
    ServiceUserFactory.create(team=world.team)  # not allocated
    client = client_for(world.user("team_leader"))

    response = client.get(world.team.get_absolute_url())

    counts = {item["state"].key: item["count"] for item in response.context["oversight"]}
    assert counts == {
        "review_overdue": 1,
        "checkin_overdue": 0,
        "not_allocated": 1,
        "not_agreed": 0,
    }
    href = next(
        i["href"] for i in response.context["oversight"] if i["state"].key == "review_overdue"
    )
    assert href in response.content.decode().replace("&amp;", "&")
    # Two clicks from the team page: the count's link lists exactly the overdue reviews.
    assert _names(client.get(href)) == [world.person.family_name]


def test_an_administrators_team_page_offers_no_caseload(world, client_for, on_today):
    body = client_for(world.user("administrator")).get(world.team.get_absolute_url())

    assert body.status_code == 200
    assert reverse("caseload") not in body.content.decode()
    assert "oversight" not in body.context
