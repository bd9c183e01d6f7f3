"""A service's refusal on the page that asked for it: by field where the form has the field,
at the top of the form otherwise, and never a 500."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.concurrency import StaleEdit
from common.forms import add_service_error
from directory.models import ServiceUser
from tests.directory.test_views import _form
from tests.factories import ServiceUserFactory


class NameForm(forms.Form):
    name = forms.CharField()


def _bound() -> NameForm:
    form = NameForm(data={"name": "Ada"})
    assert form.is_valid()
    return form


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("Not now."),
        ValidationError(["Not now."]),
        ValidationError({"__all__": "Not now."}),
        ValidationError({"team": "Not now."}),  # a field this form does not have
    ],
)
def test_messages_without_a_field_of_the_form_go_to_the_top(error):
    form = _bound()
    add_service_error(form, error)
    assert form.non_field_errors() == ["Not now."]
    assert "name" not in form.errors


def test_messages_for_a_field_of_the_form_go_to_that_field():
    form = _bound()
    add_service_error(form, ValidationError({"name": "Too long.", "team": "Unknown team."}))
    assert form.errors["name"] == ["Too long."]
    assert form.non_field_errors() == ["Unknown team."]


def test_a_stale_edit_is_said_at_the_top():
    form = _bound()
    add_service_error(form, StaleEdit(ServiceUserFactory.build()))
    assert "changed by someone else" in form.non_field_errors()[0]


def test_a_plain_message_from_the_service_is_shown_on_the_page(world, client_for, monkeypatch):
    # Given the service refuses with one plain message, not tied to any field
    def refuse(**kwargs):
        raise ValidationError("This team is closed to new people.")

    monkeypatch.setattr("directory.views.service_user_create", refuse)
    client = client_for(world.user("care_coordinator"))
    # When the care coordinator adds a person
    response = client.post(reverse("directory:service_user_add"), _form(world))
    # Then the page comes back with the message at the top and nothing was added
    assert response.status_code == 200
    assert "This team is closed to new people." in response.content.decode()
    assert not ServiceUser.objects.filter(family_name="Lovelace").exists()


def test_a_plain_message_on_the_team_settings_page_is_shown(world, client_for, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("You cannot change this team's check-in settings.")

    monkeypatch.setattr("surveys.services.team_settings_update", refuse)
    client = client_for(world.user("team_leader"))
    url = reverse("surveys:team_settings", kwargs={"public_id": world.team.public_id})
    response = client.post(
        url,
        {
            "instrument_key": "hope-control-opportunity",
            "cycle_months": "6",
            "link_valid_days": "21",
            "reminder_after_days": "7",
        },
    )
    assert response.status_code == 200
    assert "You cannot change this team&#x27;s check-in settings." in response.content.decode()
