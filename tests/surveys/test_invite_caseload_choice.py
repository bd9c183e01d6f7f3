"""Bulk invitations list the people due, each ticked, saying who will be emailed and who needs
a link; unticking someone leaves them out."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils.html import escape

from surveys.models import Invitation
from tests.factories import ServiceUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_due(world):
    login = world.user("service_user")
    login.email = "samira@example.org"
    login.save()
    other = ServiceUserFactory.create(
        team=world.team,
        care_coordinator=world.user("care_coordinator"),
        given_name="Owen",
        family_name="Letterby",
        user=UserFactory.create(trust=world.trust, email=""),
    )
    return world.person, other


def test_each_person_due_is_listed_ticked_with_how_they_get_the_link(world, client_for, two_due):
    emailed, not_emailed = two_due
    body = (
        client_for(world.user("care_coordinator"))
        .get(reverse("surveys:invite_caseload"))
        .content.decode()
    )

    assert escape(f"{emailed.display_name}: will be emailed a link") in body
    assert (
        escape(f"{not_emailed.display_name}: no email address, needs a link given by letter")
        in body
    )
    assert body.count('type="checkbox"') == 2
    assert body.count(" checked") >= 2
    assert world.teammate_person.family_name not in body


def test_unticking_someone_leaves_them_out(world, client_for, two_due):
    _, not_emailed = two_due

    reply = client_for(world.user("care_coordinator")).post(
        reverse("surveys:invite_caseload"), {"people": [str(not_emailed.public_id)]}
    )

    assert reply.status_code == 302
    assert list(Invitation.objects.values_list("service_user", flat=True)) == [not_emailed.pk]


def test_nobody_ticked_is_refused_next_to_the_list(world, client_for, two_due):
    reply = client_for(world.user("care_coordinator")).post(reverse("surveys:invite_caseload"), {})

    assert reply.status_code == 200
    assert "Tick at least one person to invite" in reply.content.decode()
    assert not Invitation.objects.exists()


def test_someone_not_due_cannot_be_slipped_in(world, client_for, two_due):
    reply = client_for(world.user("care_coordinator")).post(
        reverse("surveys:invite_caseload"), {"people": [str(world.teammate_person.public_id)]}
    )

    assert reply.status_code == 200
    assert "Tick only people on this list" in reply.content.decode()
    assert not Invitation.objects.exists()
