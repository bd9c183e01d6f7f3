"""The consent date's label says what its rule is: needed when any part is shared, today or
earlier."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from common.dates import trust_today
from tests.careplans.factories import plan_for

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    plan_for(world.person)
    return reverse("careplans:supporter_add", args=[world.person.public_id])


def test_the_label_and_hint_say_when_the_date_is_needed(world, client_for):
    body = client_for(world.user("care_coordinator")).get(_url(world)).content.decode()

    assert "Date the person agreed to share the parts ticked above" in body
    assert "Needed when any part is ticked." in body
    assert "Today or earlier" in body


@pytest.mark.parametrize(
    ("shared", "day", "error"),
    [
        (["about"], None, "Enter the date the person agreed to share these parts."),
        (["about"], 1, "The date of consent must be today or in the past."),  # tomorrow
        (["about"], 0, None),
        ([], None, None),  # nothing ticked: no date needed
    ],
)
def test_the_rule_is_the_one_the_label_states(world, client_for, shared, day, error):
    data = {"name": "Priya", "kind": "family", "shared_parts": shared}
    if day is not None:
        when = trust_today() + datetime.timedelta(days=day)
        data.update(
            consent_recorded_on_0=when.day,
            consent_recorded_on_1=when.month,
            consent_recorded_on_2=when.year,
        )
    reply = client_for(world.user("care_coordinator")).post(_url(world), data)

    if error:
        assert reply.status_code == 200
        assert error in reply.content.decode()
    else:
        assert reply.status_code == 302
