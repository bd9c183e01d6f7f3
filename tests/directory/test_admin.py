"""The admin site: a trust's administrators see and change their own trust only."""

import pytest
from django.urls import reverse

from tests.audit import audit_trail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_changelists_show_only_the_administrators_trust(world, client_for):
    client = client_for(world.user("administrator"))

    people = client.get(reverse("admin:directory_serviceuser_changelist")).content.decode()
    teams = client.get(reverse("admin:directory_team_changelist")).content.decode()

    assert "Oakenshaw" in people and "Foreignworth" not in people
    assert "North Fells CMHT" in teams and "Millbrook CMHT" not in teams


@pytest.mark.parametrize("suffix", ["change", "history"])
def test_another_trusts_objects_are_not_reachable_by_url(world, client_for, suffix):
    client = client_for(world.user("administrator"))

    own = client.get(reverse(f"admin:directory_serviceuser_{suffix}", args=[world.person.pk]))
    foreign = client.get(
        reverse(f"admin:directory_serviceuser_{suffix}", args=[world.foreign_person.pk]),
        follow=True,
    )

    assert own.status_code == 200
    assert "Foreignworth" not in foreign.content.decode()
    assert foreign.redirect_chain and foreign.redirect_chain[-1][0] == reverse("admin:index")


def test_administrators_cannot_delete_records(world, client_for):
    client = client_for(world.user("administrator"))

    response = client.get(reverse("admin:directory_serviceuser_delete", args=[world.person.pk]))

    assert response.status_code == 403


def test_the_access_audit_is_read_only_and_scoped(world, client_for):
    client = client_for(world.user("administrator"))
    client.get(world.person.get_absolute_url())  # writes an access event

    listing = client.get(reverse("admin:directory_accessevent_changelist"))

    assert listing.status_code == 200
    assert "summary" in listing.content.decode()
    assert client.get(reverse("admin:directory_accessevent_add")).status_code == 403


def test_a_persons_team_is_not_changed_or_added_in_the_admin_site(world, client_for):
    # Moves and additions go through services that record the dated team history.
    client = client_for(world.user("administrator"))
    url = reverse("admin:directory_serviceuser_change", args=[world.person.pk])

    form = client.get(url).content.decode()
    client.post(url, {"team": world.other_team.pk, "given_name": "Samira"})

    assert 'name="team"' not in form
    world.person.refresh_from_db()
    assert world.person.team == world.team
    assert client.get(reverse("admin:directory_serviceuser_add")).status_code == 403


def test_a_superuser_sees_every_trust(world, client_for):
    root = UserFactory.create(is_superuser=True, is_staff=True, trust=None)

    people = (
        client_for(root).get(reverse("admin:directory_serviceuser_changelist")).content.decode()
    )

    assert "Oakenshaw" in people and "Foreignworth" in people


def test_people_read_or_changed_in_the_admin_site_are_audited(world, client_for):
    admin_user = world.user("administrator")
    client = client_for(admin_user)

    client.get(reverse("admin:directory_serviceuser_changelist"))
    client.get(reverse("admin:directory_serviceuser_change", args=[world.person.pk]))
    client.get(reverse("admin:directory_serviceuser_history", args=[world.person.pk]))
    client.get(reverse("admin:directory_serviceuser_change", args=[world.foreign_person.pk]))

    assert audit_trail(world.person) == [
        ("read", admin_user.pk, "admin list entry", "admin:directory_serviceuser_changelist"),
        ("read", admin_user.pk, "admin record", "admin:directory_serviceuser_change"),
        ("read", admin_user.pk, "admin record history", "admin:directory_serviceuser_history"),
    ]
    assert audit_trail(world.teammate_person)[0][2] == "admin list entry"
    assert audit_trail(world.foreign_person) == []  # another trust's record was not shown


def test_a_role_grant_offers_only_the_administrators_trust(world, client_for):
    client = client_for(world.user("administrator"))

    page = client.get(reverse("admin:directory_user_change", args=[world.user("hr").pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert world.trust.name in body and world.other_trust.name not in body


def test_the_people_list_shows_each_persons_care_coordinator_today(world, client_for):
    client = client_for(world.user("administrator"))

    body = client.get(reverse("admin:directory_serviceuser_changelist")).content.decode()

    assert str(world.user("care_coordinator")) in body
