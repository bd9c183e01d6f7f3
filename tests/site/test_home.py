"""Each role's home page offers the work that role does, with the right counts."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_coordinator_is_taken_to_their_caseload(world, client_for):
    body = client_for(world.user("care_coordinator")).get(reverse("home")).content.decode()

    assert "1 person on your caseload." in body
    assert f'href="{reverse("caseload")}"' in body
    assert reverse("directory:staff") not in body


def test_a_team_leader_sees_their_team_and_its_people(world, client_for):
    body = client_for(world.user("team_leader")).get(reverse("home")).content.decode()

    assert "2 people in the teams you lead." in body
    assert world.team.get_absolute_url() in body


def test_hr_is_offered_staff_and_teams_but_no_caseload(world, client_for):
    body = client_for(world.user("hr")).get(reverse("home")).content.decode()

    assert reverse("directory:staff") in body
    assert reverse("directory:teams") in body
    assert f'href="{reverse("caseload")}"' not in body


@pytest.mark.parametrize(
    "role",
    ["care_coordinator", "team_leader", "peer_support_worker", "hr", "qa_manager", "administrator"],
)
def test_every_home_card_but_a_led_team_is_also_in_the_menu(world, client_for, role):
    user = world.user(role)
    if user is None:
        pytest.skip(f"no {role} in this world")
    response = client_for(user).get(reverse("home"))
    menu = {item["href"] for item in response.context["nav_items"]}
    led_teams = {m.team.get_absolute_url() for m in user.memberships.filter(role="team_leader")}
    # A leader's or coordinator's own team's league page is a card of its own, like a led team.
    own_team_figures = {
        reverse("surveys:league_team", args=[m.team.public_id])
        for m in user.memberships.filter(role__in=["team_leader", "care_coordinator"])
    }
    cards = {card["href"] for card in response.context["cards"]} - led_teams - own_team_figures
    assert cards, "each staff role is offered some work"
    assert cards <= menu
