"""The directory's pages as their users meet them."""

import datetime

import pytest
from django.urls import reverse

from directory.choices import TeamRole
from directory.models import AccessEvent, ServiceUser
from tests.factories import ServiceUserFactory

pytestmark = pytest.mark.django_db


def test_caseload_lists_only_the_coordinators_people_and_audits_each_one_shown(world, client_for):
    client = client_for(world.user("care_coordinator"))

    response = client.get(reverse("caseload"))

    body = response.content.decode()
    assert "Oakenshaw" in body
    assert "Quarrington" not in body
    assert (
        AccessEvent.objects.filter(service_user=world.person, resource="caseload entry").count()
        == 1
    )


def test_caseload_searches_by_name_and_by_nhs_number_with_spaces(world, client_for):
    client = client_for(world.user("team_leader"))

    by_name = client.get(reverse("caseload"), {"q": "oaken"}).content.decode()
    by_number = client.get(
        reverse("caseload"), {"q": world.person.nhs_number_display}
    ).content.decode()

    assert "Oakenshaw" in by_name and "Quarrington" not in by_name
    assert "Oakenshaw" in by_number and "Quarrington" not in by_number


def test_caseload_query_count_does_not_grow_with_the_caseload(
    world, client_for, django_assert_max_num_queries
):
    coordinator = world.user("care_coordinator")
    ServiceUserFactory.create_batch(60, team=world.team, care_coordinator=coordinator)
    client = client_for(coordinator)

    # Sign-in, roles, the page and its count, the audit, and one query per app that adds a column.
    with django_assert_max_num_queries(16):
        response = client.get(reverse("caseload"))

    assert response.context["paginator"].count == 61
    assert len(response.context["people"]) == 25


def test_free_text_is_escaped_wherever_it_is_shown(world, client_for):
    world.person.preferred_name = "<script>alert(1)</script>"
    world.person.save()
    client = client_for(world.user("care_coordinator"))

    for url in (reverse("caseload"), world.person.get_absolute_url()):
        body = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_reading_a_summary_is_audited_with_the_page(world, client_for):
    client = client_for(world.user("assigned_peer_support_worker"))

    client.get(world.person.get_absolute_url())

    event = AccessEvent.objects.get(service_user=world.person, resource="summary")
    assert event.actor == world.user("assigned_peer_support_worker")
    assert event.via == "person"
    assert event.path == world.person.get_absolute_url()


def test_a_service_user_home_is_their_own_summary(world, client_for):
    response = client_for(world.user("service_user")).get(reverse("home"))

    assert response.url == world.person.get_absolute_url()


def _form(world, **overrides):
    data = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "preferred_name": "",
        "nhs_number": "999 912 3457",
        "date_of_birth_0": "17",
        "date_of_birth_1": "5",
        "date_of_birth_2": "1990",
        "team": str(world.team.public_id),
        "care_coordinator": "",
    }
    return {**data, **overrides}


def test_adding_a_person_redirects_to_their_summary(world, client_for):
    client = client_for(world.user("care_coordinator"))

    response = client.post(reverse("directory:service_user_add"), _form(world))

    person = ServiceUser.objects.get(nhs_number="9999123457")
    assert response.url == person.get_absolute_url()
    assert person.date_of_birth == datetime.date(1990, 5, 17)
    assert person.care_coordinator == world.user("care_coordinator")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nhs_number": "999 912 3458"}, "nhs_number", "fails the check digit"),
        ({"nhs_number": "12345"}, "nhs_number", "10 digits"),
        ({"nhs_number": ""}, "nhs_number", "Enter the person"),
        ({"date_of_birth_0": "30", "date_of_birth_1": "2"}, "date_of_birth", "must be a real date"),
        ({"date_of_birth_1": ""}, "date_of_birth", "must include a month"),
        ({"date_of_birth_2": "90"}, "date_of_birth", "Year must be 4 numbers"),
        ({"date_of_birth_2": "2999"}, "date_of_birth", "must be in the past"),
        ({"date_of_birth_0": "x"}, "date_of_birth", "numbers only"),
        ({"team": "00000000-0000-0000-0000-000000000000"}, "team", "Choose one of your teams"),
        ({"team": "not-a-uuid"}, "team", "Choose one of your teams"),
        ({"given_name": ""}, "given_name", "Enter the person"),
    ],
)
def test_bad_input_gets_a_message_by_the_field_and_saves_nothing(
    world, client_for, overrides, field, message
):
    client = client_for(world.user("care_coordinator"))
    before = ServiceUser.objects.count()

    response = client.post(reverse("directory:service_user_add"), _form(world, **overrides))

    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    body = response.content.decode()
    assert f'id="id_{field}_error"' in body
    assert f'href="#id_{field}' in body  # the error summary links to the field
    assert "<title>Error: " in body
    assert ServiceUser.objects.count() == before


def test_a_team_in_another_trust_cannot_be_chosen(world, client_for):
    client = client_for(world.user("administrator"))

    response = client.post(
        reverse("directory:service_user_add"),
        _form(world, team=str(world.other_trust_team.public_id)),
    )

    assert "team" in response.context["form"].errors


def test_team_page_shows_each_members_caseload(world, client_for, django_assert_max_num_queries):
    ServiceUserFactory.create_batch(
        5, team=world.team, care_coordinator=world.user("care_coordinator")
    )
    client = client_for(world.user("team_leader"))

    with django_assert_max_num_queries(12):
        response = client.get(world.team.get_absolute_url())

    sizes = {
        m.user.username: m.caseload_size
        for m in response.context["members"]
        if m.role == "care_coordinator"
    }
    assert sizes == {"coordinator": 6, "coordinator2": 1}
    assert response.context["caseload_size"] == 7


def test_the_teams_overview_counts_each_member_once_and_every_person(world, client):
    # Given a team where one person leads and coordinates, someone whose role has ended, and
    # people on its caseload
    from directory.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    leader = world.user("team_leader")
    MembershipFactory.create(user=leader, team=world.team, role=TeamRole.CARE_COORDINATOR)
    MembershipFactory.create(
        user=UserFactory.create(trust=world.trust),
        team=world.team,
        role=TeamRole.CARE_COORDINATOR,
        started_on="2020-01-01",
        ended_on="2021-01-01",
    )
    ServiceUserFactory.create_batch(3, team=world.other_team)
    client.force_login(world.user("administrator"))

    # When the administrator opens the teams overview
    response = client.get(reverse("directory:teams"))

    # Then each team shows its staff in post today, each once, and all of its people
    teams = {team.pk: team for team in response.context["teams"]}
    for team_id, team in teams.items():
        in_post = {m.user_id for m in Membership.objects.in_force().filter(team_id=team_id)}
        assert team.member_count == len(in_post)
        assert team.caseload_size == ServiceUser.objects.filter(team_id=team_id).count()
    assert teams[world.other_team.pk].caseload_size == 4
    assert f'href="/teams/{world.team.public_id}/"' in response.content.decode()
