"""Messages of every kind look like what they are: a success banner, a problem in error or
warning styles, each announced to screen readers; information stays an inset text."""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.contrib.messages.utils import get_level_tags
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _render(level: int, text: str) -> str:
    return render_to_string(
        "includes/messages.html",
        {
            "messages": [Message(level, text)],
            "DEFAULT_MESSAGE_LEVELS": messages.DEFAULT_LEVELS,
        },
    )


def test_success_is_the_nhs_success_banner_announced_at_once():
    html = _render(messages.SUCCESS, "Plan saved.")

    assert "nhsuk-notification-banner nhsuk-notification-banner--success" in html
    assert 'role="alert"' in html
    assert ">Success</h2>" in html
    assert "Plan saved." in html


def test_an_error_is_shown_as_a_problem_and_announced():
    html = _render(messages.ERROR, "Someone else changed this plan.")

    assert "nhsuk-error-summary" in html
    assert 'role="alert"' in html
    assert "There is a problem" in html
    assert "notification-banner" not in html


def test_a_warning_is_a_warning_callout_announced_politely():
    html = _render(messages.WARNING, "Try again.")

    assert "nhsuk-card--warning" in html
    assert 'role="status"' in html


def test_information_stays_as_it_was():
    html = _render(messages.INFO, "We have sent the link.")

    assert "nhsuk-inset-text" in html
    assert "Information: " in html
    assert "notification-banner" not in html and "error-summary" not in html


def test_message_text_is_escaped():
    html = _render(messages.SUCCESS, "<script>alert(1)</script> saved")

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_every_level_is_styled_somewhere():
    assert set(get_level_tags()) >= {
        messages.SUCCESS,
        messages.ERROR,
        messages.WARNING,
        messages.INFO,
    }


def test_the_base_layout_shows_a_success_after_adding_a_person(world, client_for):
    client = client_for(world.user("care_coordinator"))
    response = client.post(
        reverse("directory:service_user_add"),
        {
            "given_name": "Nell",
            "family_name": "Gwynmore",
            "preferred_name": "",
            "nhs_number": "999 912 3457",
            "date_of_birth_0": "17",
            "date_of_birth_1": "5",
            "date_of_birth_2": "1990",
            "team": str(world.team.public_id),
            "care_coordinator": "",
        },
        follow=True,
    )

    body = response.content.decode()
    assert "nhsuk-notification-banner--success" in body
    assert "Nell Gwynmore has been added" in body
