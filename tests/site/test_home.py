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
