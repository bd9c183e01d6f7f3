"""Dates at their edges, with the clock fixed: reviews due yesterday, today and tomorrow and at
the edge of "review soon"; a check-in the day before it is due, on the day, and at the edge of
overdue; an invitation a second either side of its expiry; check-in periods at month ends and
on the nights the clocks change in London.

Tests that dated things a month away from today let every off-by-one through; these put today
on the boundary. Each world is made inside the travelled-to day, so roles start on it.
"""

from __future__ import annotations

import datetime
import json
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from careplans.choices import PlanStatus
from careplans.models import REVIEW_SOON_DAYS, RecoveryPlan
from common.dates import add_months
from surveys import services as survey_services
from surveys.models import Invitation, TeamSurveySettings
from surveys.selectors import OVERDUE_AFTER_DAYS, checkin_status_for
from tests.audit import audit_as

from .careplans.factories import plan_for
from .conftest import World, build_world
from .factories import ServiceUserFactory
from .surveys.factories import draft_with_answers, sent_response

LONDON = ZoneInfo("Europe/London")
TODAY = datetime.date(2027, 6, 15)
NOON = datetime.datetime.combine(TODAY, datetime.time(12), tzinfo=LONDON)


@pytest.fixture
def world_today(db):
    """The matrix's world, made on TODAY at noon in London, with the clock stopped there."""
    with time_machine.travel(NOON, tick=False) as traveller:
        world = build_world()
        yield world, traveller


def _agreed_plan_due(world: World, days_from_today: int) -> RecoveryPlan:
    plan = plan_for(world.person)
    RecoveryPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.AGREED,
        review_due_on=TODAY + datetime.timedelta(days=days_from_today),
    )
    plan.refresh_from_db()
    return plan


# days from today the review is due -> (overdue, soon, status shown)
REVIEW_EDGES = {
    -1: (True, False, PlanStatus.REVIEW_DUE),
    0: (False, True, PlanStatus.REVIEW_DUE),
    1: (False, True, PlanStatus.AGREED),
    REVIEW_SOON_DAYS: (False, True, PlanStatus.AGREED),
    REVIEW_SOON_DAYS + 1: (False, False, PlanStatus.AGREED),
}


@pytest.mark.parametrize("days", sorted(REVIEW_EDGES))
def test_review_state_on_the_caseload(world_today, client_for, days):
    world, _ = world_today
    _agreed_plan_due(world, days)
    overdue, soon, status = REVIEW_EDGES[days]

    body = client_for(world.user("care_coordinator")).get(reverse("caseload")).content.decode()

    assert ("Review overdue" in body) is overdue
    assert ("Review soon" in body) is soon
    assert dict(PlanStatus.choices)[status] in body


@pytest.mark.parametrize("days", sorted(REVIEW_EDGES))
def test_review_state_on_the_plan_page(world_today, client_for, days):
    world, _ = world_today
    _agreed_plan_due(world, days)
    overdue, soon, _status = REVIEW_EDGES[days]

    body = (
        client_for(world.user("care_coordinator"))
        .get(reverse("careplans:plan", kwargs={"public_id": world.person.public_id}))
        .content.decode()
    )

    assert ("Review was due" in body) is overdue
    assert ("Review soon" in body) is soon


@pytest.mark.parametrize("days", sorted(REVIEW_EDGES))
def test_review_status_in_the_api(world_today, client_for, days):
    world, _ = world_today
    plan = _agreed_plan_due(world, days)

    response = client_for(world.user("care_coordinator")).get(
        reverse("api:plan-detail", kwargs={"public_id": plan.public_id})
    )

    assert json.loads(response.content)["status"] == REVIEW_EDGES[days][2]


# A check-in sent on LAST is next due a cycle later, on DUE (after the world's first day, so
# its roles are in force on every day tested); days from DUE -> the state.
DUE = TODAY + datetime.timedelta(days=5)
LAST = add_months(DUE, -TeamSurveySettings.DEFAULT_CYCLE_MONTHS)
CHECKIN_EDGES = {
    -1: "done",
    0: "due",
    1: "due",
    OVERDUE_AFTER_DAYS: "due",
    OVERDUE_AFTER_DAYS + 1: "overdue",
}
LABEL_START = {"done": "Next due", "due": "Due since", "overdue": "Overdue since"}


@pytest.mark.parametrize("days", sorted(CHECKIN_EDGES))
def test_check_in_due_at_the_edges_of_its_cycle(world_today, client_for, days):
    world, traveller = world_today
    sent_response(world.person, on=LAST)
    traveller.move_to(NOON + datetime.timedelta(days=5 + days))

    status = checkin_status_for([world.person])[world.person.pk]
    body = client_for(world.user("care_coordinator")).get(reverse("caseload")).content.decode()

    assert status.due == DUE
    assert status.state == CHECKIN_EDGES[days]
    assert f"{LABEL_START[status.state]} {DUE:%-d %b %Y}" in body


def _invite(world: World) -> Invitation:
    coordinator = world.user("care_coordinator")
    assert coordinator is not None
    return survey_services.invitation_create(
        actor=coordinator, service_user=world.person, audit=audit_as(coordinator)
    )


@pytest.mark.parametrize(
    ("offset", "works"),
    [(-1, True), (0, False), (1, False)],
    ids=["a second before", "at expiry", "a second after"],
)
def test_invitation_link_at_its_expiry(world_today, client, offset, works):
    world, traveller = world_today
    invitation = _invite(world)
    token = survey_services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    traveller.move_to(invitation.expires_at + datetime.timedelta(seconds=offset))

    response = client.get(reverse("surveys:invitation", kwargs={"token": token}))
    status = checkin_status_for([world.person])[world.person.pk]

    assert response.status_code == (200 if works else 410)
    assert (status.state == "invited") is works


@pytest.mark.parametrize(
    ("offset", "reused"),
    [(-1, True), (0, False), (1, False)],
    ids=["a second before", "at expiry", "a second after"],
)
def test_a_new_invitation_reuses_only_one_still_open(world_today, offset, reused):
    world, traveller = world_today
    first = _invite(world)
    traveller.move_to(first.expires_at + datetime.timedelta(seconds=offset))

    second = _invite(world)

    assert (second.pk == first.pk) is reused
    if not reused:
        assert second.expires_at > first.expires_at
        assert Invitation.objects.filter(service_user=world.person).count() == 2


UTC = datetime.UTC
# When a check-in is sent (UTC) -> the day and period it belongs to in London.
# Clocks go forward at 01:00 UTC on 29 March 2026 and back at 01:00 UTC on 25 October 2026
# and on 31 October 2027.
SENT = {
    "UTC month end in winter time: still October": (
        datetime.datetime(2026, 10, 31, 23, 30, tzinfo=UTC),
        datetime.date(2026, 10, 31),
    ),
    "UTC month end in summer time: already April": (
        datetime.datetime(2026, 3, 31, 23, 30, tzinfo=UTC),
        datetime.date(2026, 4, 1),
    ),
    "00:30 on the spring-forward night (GMT)": (
        datetime.datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        datetime.date(2026, 3, 29),
    ),
    "02:30 just after spring forward (BST)": (
        datetime.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
        datetime.date(2026, 3, 29),
    ),
    "00:30 BST on the fall-back night, the day before in UTC": (
        datetime.datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
        datetime.date(2026, 10, 25),
    ),
    "00:30 BST on a fall-back night that is a month end": (
        datetime.datetime(2027, 10, 30, 23, 30, tzinfo=UTC),
        datetime.date(2027, 10, 31),
    ),
    "23:30 GMT after falling back on a month end": (
        datetime.datetime(2027, 10, 31, 23, 30, tzinfo=UTC),
        datetime.date(2027, 10, 31),
    ),
    "00:30 GMT the next morning: November": (
        datetime.datetime(2027, 11, 1, 0, 30, tzinfo=UTC),
        datetime.date(2027, 11, 1),
    ),
    "the last second of June in London": (
        datetime.datetime(2027, 6, 30, 22, 59, 59, tzinfo=UTC),
        datetime.date(2027, 6, 30),
    ),
    "the first second of July in London": (
        datetime.datetime(2027, 6, 30, 23, 0, 0, tzinfo=UTC),
        datetime.date(2027, 7, 1),
    ),
}


@pytest.mark.parametrize("when", list(SENT))
def test_check_in_period_is_the_month_in_london(db, when):
    sent_at, london_day = SENT[when]
    person = ServiceUserFactory.create()
    draft = draft_with_answers(person, {1: 4})

    with time_machine.travel(sent_at, tick=False):
        response, sent_now = survey_services.response_submit(
            idempotency_key=draft.idempotency_key, audit=audit_as(None)
        )

    assert sent_now
    assert response.submitted_at == sent_at
    assert response.completed_on == london_day
    assert response.period == london_day.replace(day=1)
