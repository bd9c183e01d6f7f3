"""Every page, API list and write runs a fixed number of queries, whatever the size of the trust.

Each case counts its queries at small data and again after the data has grown tenfold (more
people on the caseload, more teams, more check-ins, goals and league rows), and asserts that the
two counts are equal and within the page's ceiling: read pages 12, writes 20 (transaction
statements included), league pages 10. Time itself is never asserted.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from directory.choices import TeamRole
from directory.models import Team
from surveys.choices import Measure
from surveys.models import TeamPeriodScore
from tests.careplans.factories import GoalFactory, GoalStepFactory, plan_for
from tests.factories import MembershipFactory, ServiceUserFactory, TeamFactory, UserFactory
from tests.surveys.factories import sent_response
from tests.surveys.league_factories import period_scores, spread

pytestmark = pytest.mark.django_db

READ, WRITE, LEAGUE = 12, 20, 10
# Not yet within READ: the plan page reads the person, the plan with goals, steps, contacts,
# supporters, comments and reviews (7), the check-in summary (4) and the versions. What is left
# to do is in bench/README.md; the equality of counts holds all the same. One more reads every
# goal's referrals to partners at once (networks, through careplans.panels).
PLAN_PAGE = 18
SMALL, LARGE = 2, 20  # units of data: ten times as much the second time
FEB, MAR = datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)


@dataclass
class Grown:
    """How much data has been added so far, so a second call adds only the difference."""

    units: int = 0


def grow(world, grown: Grown, units: int) -> None:
    """Add data up to `units` units. Each unit adds a team with a member and people, three
    people on the care coordinator's caseload (each with a plan of goals and steps and check-ins),
    check-ins for the person the pages show, and league rows for every team."""
    coordinator = world.user("care_coordinator")
    for n in range(grown.units, units):
        team = TeamFactory.create(trust=world.trust, name=f"Grown team {n:03d}")
        MembershipFactory.create(
            user=UserFactory.create(trust=world.trust), team=team, role=TeamRole.CARE_COORDINATOR
        )
        ServiceUserFactory.create_batch(2, team=team)
        for _ in range(3):
            person = ServiceUserFactory.create(team=world.team, care_coordinator=coordinator)
            plan = plan_for(person)
            GoalStepFactory.create(goal=GoalFactory.create(plan=plan))
            sent_response(person, on=datetime.date(2026, 1, 1 + n % 28))
        sent_response(world.person, on=datetime.date(2025, 1 + n % 12, 1 + n % 28))
        GoalStepFactory.create(goal=GoalFactory.create(plan=plan_for(world.person)))
    grown.units = units
    teams = {world.team: spread(4.0, 30), world.other_team: spread(3.0, 12)}
    grown_teams = Team.objects.filter(trust=world.trust, name__startswith="Grown team")
    teams |= {team: spread(3.5, 10) for team in grown_teams}
    TeamPeriodScore.objects.filter(trust=world.trust).delete()  # written afresh for every team
    for month in (FEB, MAR):
        period_scores(
            trust=world.trust, scores=teams, period=month, domain="hope", measure=Measure.CHANGE
        )


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    """Signed in with an API token, as integrations are: each request reads its user afresh."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _get(role: str, url: Callable[[Any], str], *, api: bool = False):
    def run(world):
        user = world.user(role)
        client = _api(user) if api else _web(user)
        return lambda: client.get(url(world))

    return run


def _submit_check_in(world):
    client = _api(world.user("care_coordinator"))

    def send():
        return client.post(
            reverse("api:checkin-list"),
            {
                "idempotency_key": str(uuid.uuid4()),
                "service_user": str(world.person.public_id),
                "channel": "staff_paper",
                "answers": [{"item": n, "value": 3} for n in range(1, 13)],
            },
            format="json",
        )

    return send


def _save_plan_part(world):
    client = _api(world.user("care_coordinator"))
    plan = plan_for(world.person)
    url = reverse("api:plan-part", args=[plan.public_id, "about"])
    saves = iter(range(1, 1000))
    revision = [plan.about_revision]

    def save():
        response = client.put(
            url,
            {
                "revision": revision[0],
                "fields": {"what_matters": f"Saved {next(saves)}", "strengths": "", "hopes": ""},
            },
            format="json",
        )
        revision[0] = response.json()["about"]["revision"]
        return response

    return save


def _person(world) -> str:
    return str(world.person.public_id)


CASES: dict[str, tuple[Callable, int, int]] = {
    # name: (make the request, ceiling, expected status)
    "caseload": (_get("care_coordinator", lambda w: reverse("caseload")), READ, 200),
    "person page": (
        _get("care_coordinator", lambda w: reverse("person", args=[_person(w)])),
        READ,
        200,
    ),
    "journey": (
        _get("care_coordinator", lambda w: reverse("surveys:journey", args=[_person(w)])),
        READ,
        200,
    ),
    "plan": (
        _get("care_coordinator", lambda w: reverse("careplans:plan", args=[_person(w)])),
        PLAN_PAGE,
        200,
    ),
    "teams overview": (_get("administrator", lambda w: reverse("directory:teams")), READ, 200),
    "home": (_get("care_coordinator", lambda w: reverse("home")), READ, 200),
    "home (team leader)": (_get("team_leader", lambda w: reverse("home")), READ, 200),
    "caseload filtered and sorted": (
        _get(
            "team_leader",
            lambda w: f"{reverse('caseload')}?state=checkin_due&sort=checkin&q=a",
        ),
        READ,
        200,
    ),
    "team page": (_get("team_leader", lambda w: w.team.get_absolute_url()), READ, 200),
    "API service users": (
        _get("care_coordinator", lambda w: reverse("api:service-user-list"), api=True),
        READ,
        200,
    ),
    "API check-ins": (
        _get("care_coordinator", lambda w: reverse("api:checkin-list"), api=True),
        READ,
        200,
    ),
    "API plans": (
        _get("care_coordinator", lambda w: reverse("api:plan-list"), api=True),
        READ,
        200,
    ),
    "API teams": (
        _get("administrator", lambda w: reverse("api:team-list"), api=True),
        READ,
        200,
    ),
    "league": (_get("qa_manager", lambda w: reverse("surveys:league")), LEAGUE, 200),
    "league team": (
        _get(
            "team_leader",
            lambda w: reverse("surveys:league_team", args=[w.team.public_id]),
        ),
        LEAGUE,
        200,
    ),
    "check-in submission (API)": (_submit_check_in, WRITE, 201),
    "plan part save (API)": (_save_plan_part, WRITE, 200),
}


def _count(request, expected_status: int, counting=None) -> tuple[int, list[str]]:
    request()  # warm: first-use reads (content types, the built-in check-in) are not the page's
    with counting or CaptureQueriesContext(connection) as queries:
        response = request()
    assert response.status_code == expected_status, response.content[:500]
    return len(queries), [q["sql"][:160] for q in queries.captured_queries]


@pytest.mark.parametrize("name", list(CASES))
def test_queries_do_not_grow_with_the_data(name, world, django_assert_max_num_queries):
    make, ceiling, expected_status = CASES[name]
    grown = Grown()
    grow(world, grown, SMALL)
    small, small_sql = _count(make(world), expected_status)

    grow(world, grown, LARGE)
    large, large_sql = _count(make(world), expected_status, django_assert_max_num_queries(ceiling))

    print(f"{name}: {small} queries, {large} at ten times the data")
    assert small == large, "\n".join(["small:", *small_sql, "large:", *large_sql])
