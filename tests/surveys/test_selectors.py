"""Check-in status for the caseload (one query for a page), the change in words, the chart."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from common.dates import add_months
from surveys import services
from surveys.charts import line_chart
from surveys.models import TeamSurveySettings
from surveys.selectors import checkin_status_for, describe_change
from tests.audit import audit_as
from tests.factories import ServiceUserFactory

from .factories import sent_response

TODAY = datetime.date(2026, 6, 15)


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(datetime.date(2025, 11, 30), 3) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2026, 10, 15), 3) == datetime.date(2027, 1, 15)


def test_status_by_last_check_in_and_team_cycle(world, django_assert_num_queries):
    never = world.person
    done = ServiceUserFactory.create(team=world.team)
    sent_response(done, on=datetime.date(2026, 5, 1))  # due 1 Aug
    due = ServiceUserFactory.create(team=world.team)
    sent_response(due, on=datetime.date(2026, 3, 1))  # due 1 June: 14 days ago
    overdue = ServiceUserFactory.create(team=world.team)
    sent_response(overdue, on=datetime.date(2025, 12, 1))  # due 1 March
    monthly = ServiceUserFactory.create(team=world.other_team)
    TeamSurveySettings.objects.create(team=world.other_team, cycle_months=1)
    sent_response(monthly, on=datetime.date(2026, 5, 1))  # due 1 June on a monthly cycle
    invited = ServiceUserFactory.create(
        team=world.team, care_coordinator=world.user("care_coordinator")
    )
    services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=invited,
    )

    people = [never, done, due, overdue, monthly, invited]
    with django_assert_num_queries(1):
        statuses = checkin_status_for(people, today=TODAY)
    assert {p.pk: statuses[p.pk].state for p in people} == {
        never.pk: "not_started",
        done.pk: "done",
        due.pk: "due",
        overdue.pk: "overdue",
        monthly.pk: "due",
        invited.pk: "invited",
    }
    assert statuses[done.pk].label == "Next due 1 Aug 2026"
    assert statuses[due.pk].label == "Due since 1 Jun 2026"
    assert statuses[overdue.pk].label == "Overdue since 1 Mar 2026"
    assert statuses[invited.pk].label.startswith("Invited, link works until")
    assert checkin_status_for([]) == {}


MARCH, OCTOBER = datetime.date(2026, 3, 4), datetime.date(2026, 10, 9)


def _words(before: str | None, after: str, on: datetime.date = MARCH) -> str | None:
    return describe_change(
        Decimal(before) if before is not None else None,
        Decimal(after),
        before_on=on,
        after_on=OCTOBER,
        low=1,
        high=5,
        which="the first check-in",
    )


@pytest.mark.parametrize(
    ("before", "after", "words"),
    [
        ("3", "3.00", "About the same as in March 2026 (the first check-in)."),
        ("3", "3.19", "About the same as in March 2026 (the first check-in)."),
        ("3", "3.2", "A little higher than in March 2026 (the first check-in)."),
        ("3", "2.5", "A little lower than in March 2026 (the first check-in)."),
        ("3", "3.6", "Higher than in March 2026 (the first check-in)."),
        ("3", "1.7", "Lower than in March 2026 (the first check-in)."),
        ("2", "3.4", "Much higher than in March 2026 (the first check-in)."),
    ],
)
def test_change_in_words(before, after, words):
    assert _words(before, after) == words


def test_a_change_within_the_month_names_the_day():
    assert _words("3", "4", on=datetime.date(2026, 10, 2)) == (
        "Higher than on 2 October (the first check-in)."
    )


def test_no_words_without_both_scores():
    assert _words(None, "3") is None


def test_chart_places_points_and_leaves_out_missing_scores():
    chart = line_chart(
        [
            (datetime.date(2025, 1, 1), Decimal("1")),
            (datetime.date(2025, 7, 1), None),
            (datetime.date(2026, 1, 1), Decimal("5")),
        ],
        low=1,
        high=5,
    )
    assert chart is not None
    assert len(chart.points) == 2
    first, last = chart.points
    assert first.x == chart.plot_left and last.x == chart.plot_right
    assert first.y == chart.plot_bottom and last.y < first.y
    assert [tick.label for tick in chart.y_ticks] == ["1", "2", "3", "4", "5"]
    assert line_chart([(datetime.date(2025, 1, 1), None)], low=1, high=5) is None
