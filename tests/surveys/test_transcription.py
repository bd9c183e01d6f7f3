"""Staff type in a paper or phone check-in on one page: every statement as a row of radios,
the person's name in the heading, the date answered checked, saved once however often sent."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from common.dates import trust_today
from directory.models import TeamEpisode
from surveys.choices import Channel, ResponseStatus
from surveys.models import Response, TeamSurveySettings
from tests.surveys.factories import InstrumentFactory, ItemFactory, ScoringRuleFactory, built_in_v2

pytestmark = pytest.mark.django_db


def _url(world) -> str:
    return reverse("surveys:staff_entry", kwargs={"public_id": world.person.public_id})


def _form(page, **overrides) -> dict:
    """What the page sends back when filled in: its own fresh key, paper, three days ago."""
    day = trust_today() - datetime.timedelta(days=3)
    data = {
        "idempotency_key": str(page.context["form"]["idempotency_key"].value()),
        "channel": Channel.STAFF_PAPER,
        "completed_on_0": day.day,
        "completed_on_1": day.month,
        "completed_on_2": day.year,
    }
    return {**data, **overrides}


def _backdate_episode(world, days: int = 100) -> None:
    TeamEpisode.objects.filter(person=world.person).update(
        started_on=trust_today() - datetime.timedelta(days=days)
    )


def test_one_page_holds_every_statement_with_the_persons_name(world, client_for):
    page = client_for(world.user("care_coordinator")).get(_url(world))

    body = page.content.decode()
    assert f"Enter {world.person.display_name}’s check-in" in body
    items = built_in_v2().items.order_by("number")
    for item in items:
        assert f'name="item_{item.number}"' in body
    assert body.count('class="nhsuk-fieldset"') >= items.count()


def test_saving_sends_the_check_in_and_says_so(world, client_for):
    _backdate_episode(world)
    client = client_for(world.user("care_coordinator"))
    page = client.get(_url(world))

    reply = client.post(_url(world), _form(page, item_1="4", item_2="5"), follow=True)

    response = Response.objects.get(service_user=world.person)
    assert response.status == ResponseStatus.SUBMITTED
    assert response.channel == Channel.STAFF_PAPER
    assert response.entered_by == world.user("care_coordinator")
    assert response.completed_on == trust_today() - datetime.timedelta(days=3)
    assert dict(response.answers.values_list("item__number", "value")) == {
        item.number: {1: 4, 2: 5}.get(item.number) for item in response.instrument.items.all()
    }
    assert reply.redirect_chain[-1][0] == reverse(
        "surveys:journey", kwargs={"public_id": world.person.public_id}
    )
    body = reply.content.decode()
    assert f"Check-in saved for {world.person.display_name}." in body
    assert "nhsuk-notification-banner--success" in body


def test_a_double_submit_saves_one_check_in(world, client_for):
    _backdate_episode(world)
    client = client_for(world.user("care_coordinator"))
    data = _form(client.get(_url(world)), item_1="3")

    first = client.post(_url(world), data)
    second = client.post(_url(world), data)

    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(service_user=world.person).count() == 1


def test_the_same_page_sent_again_with_other_answers_is_refused(world, client_for):
    _backdate_episode(world)
    client = client_for(world.user("care_coordinator"))
    data = _form(client.get(_url(world)), item_1="3")
    client.post(_url(world), data)

    again = client.post(_url(world), {**data, "item_1": "5"})

    assert again.status_code == 200
    assert "already saved once from this page" in again.content.decode()
    assert Response.objects.get().answers.get(item__number=1).value == 3


@pytest.mark.parametrize(
    ("days_ago", "error"),
    [
        (-1, "must be today or in the past"),  # tomorrow
        (0, None),  # today
        (1, None),  # yesterday
    ],
)
def test_the_date_answered_is_not_in_the_future(world, client_for, days_ago, error):
    _backdate_episode(world)
    client = client_for(world.user("care_coordinator"))
    day = trust_today() - datetime.timedelta(days=days_ago)
    reply = client.post(
        _url(world),
        _form(
            client.get(_url(world)),
            completed_on_0=day.day,
            completed_on_1=day.month,
            completed_on_2=day.year,
        ),
    )

    if error:
        assert reply.status_code == 200
        assert error in reply.content.decode()
        assert 'href="#id_completed_on_0"' in reply.content.decode()
        assert not Response.objects.exists()
    else:
        assert reply.status_code == 302
        assert Response.objects.get().completed_on == day


def test_the_date_answered_is_not_before_the_person_joined_the_team(world, client_for):
    _backdate_episode(world, days=10)
    client = client_for(world.user("care_coordinator"))
    page = client.get(_url(world))

    day_before = trust_today() - datetime.timedelta(days=11)
    refused = client.post(
        _url(world),
        _form(
            page,
            completed_on_0=day_before.day,
            completed_on_1=day_before.month,
            completed_on_2=day_before.year,
        ),
    )
    first_day = trust_today() - datetime.timedelta(days=10)
    accepted = client.post(
        _url(world),
        _form(
            page,
            completed_on_0=first_day.day,
            completed_on_1=first_day.month,
            completed_on_2=first_day.year,
        ),
    )

    assert "when they joined the team" in refused.content.decode()
    assert accepted.status_code == 302
    assert Response.objects.get().completed_on == first_day


def test_nothing_chosen_for_how_they_answered_is_said_next_to_the_field(world, client_for):
    client = client_for(world.user("care_coordinator"))
    reply = client.post(_url(world), _form(client.get(_url(world)), channel=""))

    body = reply.content.decode()
    assert "Choose how the person gave their answers" in body
    assert 'href="#id_channel_0"' in body
    assert "<title>Error: " in body
    assert not Response.objects.exists()


def test_a_forged_answer_is_refused_not_saved(world, client_for):
    client = client_for(world.user("care_coordinator"))
    reply = client.post(_url(world), _form(client.get(_url(world)), item_1="99"))

    assert reply.status_code == 200
    assert "Choose one of the answers for statement 1" in reply.content.decode()
    assert not Response.objects.exists()


def test_the_page_uses_the_check_in_the_team_chose(world, client_for):
    _backdate_episode(world)
    chosen = InstrumentFactory.create(key="fictional-wellbeing", title="Fictional wellbeing")
    ItemFactory.create(instrument=chosen, number=1, text="I sleep well.")
    ItemFactory.create(instrument=chosen, number=2, text="I see friends.")
    ScoringRuleFactory.create(instrument=chosen)
    TeamSurveySettings.objects.update_or_create(
        team=world.team, defaults={"instrument_key": chosen.key}
    )
    client = client_for(world.user("care_coordinator"))

    page = client.get(_url(world))
    body = page.content.decode()
    assert "I sleep well." in body and "I see friends." in body
    assert 'name="item_3"' not in body
    client.post(_url(world), _form(page, item_1="2", item_2="4"))

    assert Response.objects.get().instrument == chosen


def test_the_key_cannot_be_left_out(world, client_for):
    client = client_for(world.user("care_coordinator"))
    data = _form(client.get(_url(world)))
    data.pop("idempotency_key")

    reply = client.post(_url(world), data)

    assert reply.status_code == 200
    assert "This page is out of date" in reply.content.decode()
    assert not Response.objects.exists()
