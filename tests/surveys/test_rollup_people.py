"""Distinct people and caseloads in league rows merged from month cells: the gaps sending keeps
on each score, and the cells' counts against the portable path's sets of people."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from directory.choices import TeamRole
from directory.models import ServiceUser, TeamEpisode
from surveys import services
from surveys.choices import Measure, PeriodKind
from surveys.models import Response, ResponseScore, TeamPeriodScore
from tests.audit import audit_as
from tests.factories import ServiceUserFactory, TeamFactory, TrustFactory, staff

from .factories import sent_response

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="cells are PostgreSQL's path"),
]


def m(year, month):
    return datetime.date(year, month, 1)


def since(someone, day):
    TeamEpisode.objects.filter(person=someone).update(started_on=day)


def move(someone, team, day):
    """The person joins `team` on `day` (their open episode ends there), as a move does."""
    TeamEpisode.objects.filter(person=someone, ended_on__isnull=True).update(ended_on=day)
    TeamEpisode.objects.create(person=someone, team=team, started_on=day)
    ServiceUser.objects.filter(pk=someone.pk).update(team=team)
    someone.refresh_from_db()


def gaps(someone, domain="hope"):
    return list(
        ResponseScore.objects.filter(service_user=someone, domain=domain, sent=True)
        .order_by("period", "response__completed_on", "response_id")
        .values_list("gap", "trust_gap", "change_gap", "change_trust_gap")
    )


def table():
    columns = [
        f.attname
        for f in TeamPeriodScore._meta.concrete_fields
        if f.attname not in {"id", "computed_at"}
    ]
    return sorted(
        tuple(str(v) for v in row) for row in TeamPeriodScore.objects.values_list(*columns)
    )


def test_sending_keeps_the_months_back_to_each_scores_previous_one():
    trust = TrustFactory.create()
    first, second = TeamFactory.create(trust=trust), TeamFactory.create(trust=trust)
    someone = ServiceUserFactory.create(team=first)
    since(someone, m(2025, 1))
    sent_response(someone, on=datetime.date(2025, 1, 5))
    sent_response(someone, on=datetime.date(2025, 1, 20))  # twice in one month
    sent_response(someone, on=datetime.date(2025, 4, 2))
    move(someone, second, datetime.date(2025, 5, 1))
    sent_response(someone, on=datetime.date(2025, 6, 9))
    sent_response(someone, on=datetime.date(2026, 9, 9))  # over a year later

    assert gaps(someone) == [
        (12, 12, None, None),  # the first: nobody before, no change
        (0, 0, 12, 12),  # same month; its change is the first change
        (3, 3, 3, 3),
        (12, 2, None, None),  # a new team: a new baseline; the trust saw them 2 months ago
        (12, 12, 12, 12),  # 15 months on: as good as new
    ]


def test_withdrawing_a_check_in_closes_the_gap_over_it():
    team = TeamFactory.create()
    someone = ServiceUserFactory.create(team=team)
    since(someone, m(2025, 1))
    sent_response(someone, on=datetime.date(2025, 1, 5))
    middle = sent_response(someone, on=datetime.date(2025, 3, 5))
    sent_response(someone, on=datetime.date(2025, 5, 5))
    assert [g[0] for g in gaps(someone)] == [12, 2, 2]

    services.response_withdraw(
        actor=staff(team=team, role=TeamRole.TEAM_LEADER),
        response=middle,
        reason="Entered twice",
        audit=audit_as(None),
    )

    assert gaps(someone) == [(12, 12, None, None), (4, 4, 12, 12)]


def test_people_and_caseloads_merged_from_cells_match_the_sets_of_people():
    """People who answer twice in a month, skip months, move team, leave and come back, and
    have a check-in withdrawn: every row's people, caseload and sums agree with the portable
    path, which counts sets of people from the scores and episodes themselves."""
    trust = TrustFactory.create()
    teams = [TeamFactory.create(trust=trust) for _ in range(3)]
    leaders = {team.pk: staff(team=team, role=TeamRole.TEAM_LEADER) for team in teams}
    months = [m(2025, month) for month in range(1, 13)] + [m(2026, month) for month in (1, 2, 3)]
    for i in range(24):
        someone = ServiceUserFactory.create(team=teams[i % 3])
        since(someone, m(2024, 12))
        every = 1 + i % 4
        for k, month in enumerate(months[i % 3 :: every]):
            if i % 5 == 0 and k == 3:
                move(someone, teams[(i + 1) % 3], month)
            if i % 7 == 0 and k == 2:
                # Leaves the team for a while and comes back: two episodes, one person.
                TeamEpisode.objects.filter(person=someone, ended_on__isnull=True).update(
                    ended_on=month
                )
                TeamEpisode.objects.create(
                    person=someone, team=someone.team, started_on=month.replace(day=20)
                )
            response = sent_response(
                someone, on=month.replace(day=3 + i % 20), hope=str(1 + (i + k) % 5)
            )
            if i % 6 == 0 and k == 1:
                sent_response(someone, on=month.replace(day=25), hope="2")  # twice that month
            if i % 9 == 0 and k == 2:
                services.response_withdraw(
                    actor=leaders[someone.team_id],
                    response=response,
                    reason="Wrong person",
                    audit=audit_as(None),
                )
    assert Response.objects.filter(status="withdrawn").exists()

    services.rollup_recompute(
        trust_ids=[trust.pk], first_period=months[0], last_period=months[-1], portable=False
    )
    by_cells = table()
    TeamPeriodScore.objects.all().delete()
    services.rollup_recompute(
        trust_ids=[trust.pk], first_period=months[0], last_period=months[-1], portable=True
    )

    assert table() == by_cells
    rolling = TeamPeriodScore.objects.filter(
        period_kind=PeriodKind.ROLLING_12, period_start=m(2025, 1), team__isnull=True
    )
    level = rolling.get(domain="hope", measure=Measure.LEVEL)
    # Every one of the 24 answered in the year, several many times: counted once each.
    assert (level.people, level.caseload) == (24, 24)
    assert level.responses > 60


def test_an_incremental_update_gives_the_rows_a_full_run_gives():
    trust = TrustFactory.create()
    teams = [TeamFactory.create(trust=trust) for _ in range(2)]
    people = [ServiceUserFactory.create(team=teams[i % 2]) for i in range(10)]
    for someone in people:
        since(someone, m(2025, 1))

    def send(months):
        for k, month in enumerate(months):
            for i, someone in enumerate(people):
                if (i + k) % 3:
                    sent_response(someone, on=month.replace(day=10), hope=str(1 + (i * k) % 5))

    send([m(2025, 1), m(2025, 2)])
    assert services.rollup_pending_apply(portable=False) == 4
    send([m(2025, 4), m(2025, 5)])
    # The sends of April and May marked just their team-months; only their cells are redone.
    assert services.rollup_pending_apply(portable=False) == 4
    incremental = table()

    TeamPeriodScore.objects.all().delete()
    services.rollup_recompute(
        trust_ids=[trust.pk], first_period=m(2025, 1), last_period=m(2026, 4), portable=False
    )

    assert table() == incremental
