"""Demo check-ins: 1 to 8 per person, trends that differ by team, safe to run again."""

from __future__ import annotations

from django.db.models import Count, Max, Min

from common.dates import add_months, month_of, trust_today
from directory.demo import seed_directory
from directory.models import TeamEpisode
from surveys.demo import seed_surveys
from surveys.models import Answer, Response, ResponseScore, RollupPending


def test_demo_check_ins(db):
    directory = seed_directory()
    added = seed_surveys(directory)
    assert added == Response.objects.count() > 0
    per_person = Response.objects.values("service_user").annotate(n=Count("id"))
    assert per_person.aggregate(low=Min("n"), high=Max("n")) == {"low": 1, "high": 8}
    own = Response.objects.filter(service_user__user=directory.personas["serviceuser"])
    assert own.count() >= 4
    scores = list(
        ResponseScore.objects.filter(response__in=own, domain="hope")
        .order_by("response__completed_on")
        .values_list("score", flat=True)
    )
    first, last = scores[0], scores[-1]
    assert first is not None and last is not None
    assert last > first, "the persona's journey rises"
    # Recent check-ins carry the second part (16 statements); older ones the first (12).
    answered = Answer.objects.filter(response__in=own).count()
    recent = own.filter(instrument__version=2).count()
    assert 0 < recent < own.count()
    assert answered == recent * 16 + (own.count() - recent) * 12
    assert ResponseScore.objects.filter(response__in=own, domain="helped_life").count() == recent

    # Several teams have at least 8 responses in each of the last three full months, so their
    # league rows are shown, not suppressed.
    this_month = month_of(trust_today())
    months = [add_months(this_month, -n) for n in (1, 2, 3)]
    busy = (
        ResponseScore.objects.filter(domain="hope", period__in=months)
        .values("team", "period")
        .annotate(n=Count("response"))
        .filter(n__gte=8)
    )
    teams_busy_every_month = {
        team
        for team in {row["team"] for row in busy}
        if sum(1 for row in busy if row["team"] == team) == 3
    }
    assert len(teams_busy_every_month) >= 4
    # Distance travelled: each person's first score with a team has no change, later ones do.
    firsts = ResponseScore.objects.filter(change__isnull=True).count()
    people_teams = ResponseScore.objects.values("service_user", "team", "domain").distinct().count()
    assert firsts == people_teams
    assert RollupPending.objects.exists()
    # Everyone has been with their team since their first check-in, so response rates have a
    # caseload in every month the league shows.
    first_check_in = dict(
        Response.objects.values("service_user")
        .annotate(first=Min("completed_on"))
        .values_list("service_user", "first")
    )
    episodes = TeamEpisode.objects.filter(person_id__in=first_check_in, ended_on__isnull=True)
    assert episodes.count() == len(first_check_in)
    assert all(e.started_on <= first_check_in[e.person_id] for e in episodes)

    assert seed_surveys(directory) == 0, "a second run adds nothing"
