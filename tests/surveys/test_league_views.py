"""League pages and files: what each role sees, suppression, the "as at" time, bounded queries
and the rule that other trusts appear only as trust-wide rows."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse

from directory.models import Team
from surveys.choices import Measure
from surveys.statistics import Rollup, mean_funnel
from tests.factories import TeamFactory

from .league_factories import period_scores, spread

pytestmark = pytest.mark.django_db

JAN, FEB = datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)


def _league(world, *, teams: int = 0):
    extra = [TeamFactory.create(trust=world.trust, name=f"Extra team {i}") for i in range(teams)]
    scores: dict[Team, list[float]] = {
        world.team: spread(4.2, 30),
        world.other_team: spread(3.0, 12),
        **{team: spread(3.5 + (i % 5) / 10, 10 + i) for i, team in enumerate(extra)},
    }
    few = TeamFactory.create(trust=world.trust, name="Tiny Fells CMHT")
    scores[few] = [5.0, 5.0, 4.0]
    caseloads = dict.fromkeys(scores, 40)
    for month in (JAN, FEB):
        period_scores(
            trust=world.trust,
            scores=scores,
            period=month,
            domain="hope",
            measure=Measure.CHANGE,
            caseloads=caseloads,
        )
    # Another trust: its team's name must never appear on this trust's pages.
    period_scores(
        trust=world.other_trust,
        scores={world.other_trust_team: spread(3.9, 20)},
        period=FEB,
        domain="hope",
        measure=Measure.CHANGE,
    )
    return scores, few


def _csv(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_league_page_orders_teams_and_bands_them_by_the_funnel(world, client_for):
    scores, _few = _league(world)
    response = client_for(world.user("qa_manager")).get(reverse("surveys:league"))
    assert response.status_code == 200
    league = response.context["league"]
    assert league.choice.period_start == FEB
    assert league.choice.measure == Measure.CHANGE  # wellbeing domains default to change
    names = [row.team_name for row in league.rows]
    assert names == ["North Fells CMHT", "Lakes CMHT", "Tiny Fells CMHT"]
    assert league.rows[-1].suppressed and league.rows[-1].mean is None
    expected = mean_funnel(
        units={str(t.pk): Rollup.of(v) for t, v in scores.items()},
        target=league.trust.mean,
        sd=league.trust.sd,
    )
    bands = {unit.key: unit.band for unit in expected.units}
    for row in league.rows:
        assert row.band == bands[str(row.team_id)]
    assert league.rows[0].change == pytest.approx(0.0)  # same figures in January
    html = response.content.decode()
    assert "Too few responses" in html
    assert ">Hope, control and opportunity check-in</option>" in html  # its title, not its key
    assert "Millbrook CMHT" not in html
    assert "Samira" not in html and "Oakenshaw" not in html


def test_overdispersion_widens_the_limits(world, client_for):
    _league(world, teams=6)
    client = client_for(world.user("qa_manager"))
    query = {
        "period_kind": "month",
        "period": FEB.isoformat(),
        "instrument": "hope-control-opportunity",
        "domain": "hope",
        "measure": "change",
    }
    plain = client.get(reverse("surveys:league"), query).context["league"]
    wide = client.get(reverse("surveys:league"), {**query, "overdispersion": "on"}).context[
        "league"
    ]
    assert wide.overdispersion and wide.funnel.tau2 > 0
    first = {r.team_id: r for r in plain.rows}
    for row in wide.shown:
        assert row.upper_95 > first[row.team_id].upper_95


def test_an_invalid_choice_is_reported_and_the_default_shown(world, client_for):
    _league(world)
    response = client_for(world.user("qa_manager")).get(
        reverse("surveys:league"),
        {"period_kind": "month", "period": "2020-01-01", "instrument": "x", "domain": "hope"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["league"].choice.period_start == FEB


def test_empty_league_says_when_figures_come(world, client_for):
    response = client_for(world.user("qa_manager")).get(reverse("surveys:league"))
    assert response.status_code == 200
    assert "worked out from sent check-ins each night" in response.content.decode()


def test_league_page_queries_are_bounded(world, client_for, django_assert_max_num_queries):
    _league(world, teams=40)
    client = client_for(world.user("qa_manager"))
    # Sign-in, roles and session take 8; the league's own reads are 5, whatever the size.
    with django_assert_max_num_queries(13):
        response = client.get(reverse("surveys:league"))
    assert len(response.context["league"].rows) == 43


def test_league_csv_applies_suppression_and_says_as_at(world, client_for):
    _league(world)
    response = client_for(world.user("qa_manager")).get(reverse("surveys:league_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert all(row["as_at"] for row in rows)
    tiny = next(row for row in rows if row["team"] == "Tiny Fells CMHT")
    assert tiny["suppressed"] == "true"
    assert tiny["mean"] == tiny["sd"] == tiny["ci_low"] == tiny["ci_high"] == ""
    assert tiny["responses"] == "3"
    assert "Millbrook CMHT" not in response.content.decode()


def test_team_page_for_its_leader(world, client_for, django_assert_max_num_queries):
    _league(world)
    client = client_for(world.user("team_leader"))
    # Sign-in, roles and session take 8; the team, its changes, series, position and as-at 7.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("surveys:league_team", args=[world.team.public_id]))
    assert response.status_code == 200
    (chart,) = response.context["charts"]
    assert chart["series"].chart.trial_limits  # two months: trial limits
    assert "trial limits" in response.content.decode()
    (position,) = response.context["positions"]
    assert position.rank == 1 and position.ranked == 2
    csv_response = client.get(reverse("surveys:league_team_csv", args=[world.team.public_id]))
    rows = _csv(csv_response)
    assert [row["month"] for row in rows] == ["2026-01-01", "2026-02-01"]
    assert all(row["as_at"] for row in rows)


def test_benchmark_shows_other_trusts_as_trust_rows_only(world, client_for):
    _league(world)
    client = client_for(world.user("qa_manager"))
    response = client.get(reverse("surveys:benchmark"))
    html = response.content.decode()
    assert "Riverside Test NHS Trust" in html
    assert "Millbrook CMHT" not in html
    assert "North Fells CMHT" not in html  # not even the trust's own teams
    rows = response.context["rows"]
    assert rows[0][0].own
    # One row per trust: the trust-wide rows, never a team's.
    assert [row.trust_name for row, _ in rows] == [
        "Fellside Test NHS Foundation Trust",
        "Riverside Test NHS Trust",
    ]
    file = client.get(reverse("surveys:benchmark_csv"))
    text = file.content.decode()
    assert "Riverside" not in text and "North Fells" not in text
    parsed = _csv(file)
    assert {row["trust_name"] for row in parsed} == {"Fellside Test NHS Foundation Trust"}
    assert all(row["format"] == "recovery-care-benchmark/1" and row["as_at"] for row in parsed)


def test_api_league_rows_match_the_page_and_are_scoped(world, client_for):
    _league(world)
    client = client_for(world.user("qa_manager"))
    body = client.get(reverse("api:league-list")).json()
    assert body["as_at"] and body["domain"] == "hope" and body["measure"] == "change"
    assert [row["team_name"] for row in body["rows"]] == [
        "North Fells CMHT",
        "Lakes CMHT",
        "Tiny Fells CMHT",
    ]
    tiny = body["rows"][-1]
    assert tiny["suppressed"] and tiny["mean"] is None and tiny["ci_low"] is None
    bad = client.get(reverse("api:league-list"), {"period_kind": "month", "period": "1999-01-01"})
    assert bad.status_code == 400
    assert client_for(world.user("team_leader")).get(reverse("api:league-list")).status_code == 403
    series = client_for(world.user("care_coordinator")).get(
        reverse("api:league-team-detail", args=[world.team.public_id])
    )
    assert series.status_code == 200
    (hope,) = series.json()["domains"]
    assert [m["period_start"] for m in hope["months"]] == ["2026-01-01", "2026-02-01"]
    assert hope["trial_limits"] is True


def _upload(client, text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("surveys:benchmark"),
        {"file": SimpleUploadedFile("other.csv", text.encode(), content_type="text/csv")},
    )


def test_another_instances_file_is_imported_and_shown_as_imported(world, client_for):
    _league(world)
    client = client_for(world.user("qa_manager"))
    # A file as another instance writes it: our own export, renamed to another trust.
    exported = client.get(reverse("surveys:benchmark_csv")).content.decode()
    other = exported.replace("Fellside Test NHS Foundation Trust", "Westmoor NHS Trust")
    response = _upload(client, other)
    assert response.status_code == 302
    page = client.get(reverse("surveys:benchmark"))
    imported = [row for row, _ in page.context["rows"] if row.imported]
    assert [row.trust_name for row in imported] == ["Westmoor NHS Trust"]
    assert "Imported file" in page.content.decode()
    # Importing again replaces rather than doubles.
    assert _upload(client, other).status_code == 302
    page = client.get(reverse("surveys:benchmark"))
    assert len([row for row, _ in page.context["rows"] if row.imported]) == 1
    # Another trust's QA manager sees nothing this trust imported: they have no league rows.
    assert "Westmoor" not in exported


def test_a_bad_file_is_refused_with_a_message_per_line(world, client_for):
    _league(world)
    client = client_for(world.user("qa_manager"))
    exported = client.get(reverse("surveys:benchmark_csv")).content.decode()
    lines = exported.replace(
        "Fellside Test NHS Foundation Trust", "Westmoor NHS Trust"
    ).splitlines()
    lines[1] = lines[1].replace(",month,", ",fortnight,")
    lines[2] = lines[2].replace(",false", ",perhaps")
    response = _upload(client, "\n".join(lines))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Line 2: unknown period kind" in body
    assert "Line 3: suppressed must be true or false" in body
    page = client.get(reverse("surveys:benchmark"))
    assert not [row for row, _ in page.context["rows"] if row.imported]
    assert _upload(client, "a,b\n1,2\n").status_code == 400
    own = _upload(client, exported)
    assert own.status_code == 400
    assert "your own trust" in own.content.decode()


def test_a_recorded_change_restarts_the_chart_limits(world, client_for):
    from surveys.models import TeamProcessChange

    for month in range(14):
        period = datetime.date(2025, 1, 1).replace(month=1 + month % 12, year=2025 + month // 12)
        level = 3.0 if month < 8 else 4.0
        period_scores(
            trust=world.trust,
            scores={world.team: spread(level + (month % 3) * 0.05, 12)},
            period=period,
            domain="hope",
            measure=Measure.CHANGE,
        )
    url = reverse("surveys:league_team", args=[world.team.public_id])
    coordinator = client_for(world.user("care_coordinator"))
    assert coordinator.post(url, {"month": "2025-09-01", "note": "x"}).status_code == 403
    leader = client_for(world.user("team_leader"))
    (before,) = leader.get(url).context["charts"]
    assert len(before["series"].chart.segments) == 1
    response = leader.post(url, {"month": "2025-09-01", "note": "New duty system"})
    assert response.status_code == 302
    assert TeamProcessChange.objects.get(team=world.team).note == "New duty system"
    page = leader.get(url)
    (after,) = page.context["charts"]
    segments = after["series"].chart.segments
    assert [(s.start, s.end) for s in segments] == [(0, 8), (8, 14)]
    assert segments[1].mean > segments[0].mean
    assert "New duty system" in page.content.decode()
    bad = leader.post(url, {"month": "1999-01-01", "note": ""})
    assert bad.status_code == 400


def test_league_figures_are_kept_until_the_rollup_writes_again(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys import services
    from tests.factories import ServiceUserFactory

    from .factories import sent_response

    def send(count):
        for _ in range(count):
            sent_response(ServiceUserFactory.create(team=world.team), on=FEB, hope="4")
        services.rollup_recompute(
            trust_ids=[world.trust.pk], first_period=FEB, last_period=FEB, portable=True
        )

    send(8)
    client = client_for(world.user("qa_manager"))
    url = reverse("surveys:league")
    with CaptureQueriesContext(connection) as first:
        assert "from 8 responses" in client.get(url).content.decode()
    with CaptureQueriesContext(connection) as again:
        page = client.get(url).content.decode()
    # Drawn again from the cache: the same figures, without reading the league rows again.
    assert "from 8 responses" in page
    assert len(again.captured_queries) < len(first.captured_queries)

    # Two more check-ins and a rollup run: the next page shows the new figures at once.
    send(2)
    assert "from 10 responses" in client.get(url).content.decode()


def test_the_kept_as_at_time_and_choices_follow_a_finished_run(world, client_for):
    """The "as at" time and the choice form's months are kept with the figures; a run that
    finishes, and a month that gains rows, show on the next page at once."""
    import time_machine
    from django.utils import timezone
    from django.utils.dateformat import format as date_format

    from common.dates import in_trust_zone
    from surveys import services
    from surveys.models import RollupRun
    from tests.factories import ServiceUserFactory

    from .factories import sent_response

    for _ in range(8):
        sent_response(ServiceUserFactory.create(team=world.team), on=FEB, hope="4")
    client = client_for(world.user("qa_manager"))
    url = reverse("surveys:league")

    drawn: list[int] = []

    def _shown(moment: datetime.datetime) -> str:
        return date_format(in_trust_zone(moment), "j F Y, H:i")

    def run_at(moment: datetime.datetime, month: datetime.date) -> None:
        with time_machine.travel(moment, tick=False):
            run = RollupRun.objects.create(kind="full", first_period=month, last_period=month)
            services.rollup_recompute(
                trust_ids=[world.trust.pk],
                first_period=month,
                last_period=month,
                run=run,
                portable=True,
                # A page drawn after the rows are written but before the run is marked done
                # must not keep the old "as at" time.
                after_batch=lambda done: drawn.append(client.get(url).status_code),
            )

    # Minutes from now, so the QA manager's role and session still hold.
    first_at = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(minutes=2)
    later_at = first_at + datetime.timedelta(minutes=3)
    run_at(first_at, FEB)
    page = client.get(url).content.decode()
    assert _shown(first_at) in page
    assert '<option value="2026-03-01"' not in page
    client.get(url)  # drawn from the cache now

    # A run over March that finishes later: a new "as at", and March among the choices.
    march = datetime.date(2026, 3, 1)
    for _ in range(8):
        sent_response(ServiceUserFactory.create(team=world.team), on=march, hope="3")
    run_at(later_at, march)
    page = client.get(url).content.decode()
    assert _shown(later_at) in page
    assert _shown(first_at) not in page
    assert '<option value="2026-03-01"' in page
    assert drawn == [200, 200]


def test_the_change_forms_months_follow_the_rollup(world, client_for):
    """The months a change can be recorded from are kept with the figures: a month that gains
    rows is offered on the next page, and a refused change keeps the month the leader chose."""
    for period in (datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)):
        period_scores(trust=world.trust, scores={world.team: spread(3.0, 12)}, period=period)
    url = reverse("surveys:league_team", args=[world.team.public_id])
    leader = client_for(world.user("team_leader"))
    page = leader.get(url).content.decode()
    assert '<option value="2026-02-01">February 2026</option>' in page
    assert '<option value="2026-03-01">' not in page
    leader.get(url)  # kept now

    period_scores(
        trust=world.trust, scores={world.team: spread(3.0, 12)}, period=datetime.date(2026, 3, 1)
    )
    page = leader.get(url).content.decode()
    assert '<option value="2026-03-01">March 2026</option>' in page

    refused = leader.post(url, {"month": "2026-02-01", "note": ""}).content.decode()
    assert '<option value="2026-02-01" selected>February 2026</option>' in refused
    # A month offered is a month accepted, whichever domains have charts.
    accepted = leader.post(url, {"month": "2026-03-01", "note": "New duty system"})
    assert accepted.status_code == 302
