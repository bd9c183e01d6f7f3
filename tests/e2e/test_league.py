"""League tables in the browser: a QA manager reaches the league table, its funnel plots, a team's
XmR charts and the benchmark by keyboard; each page passes axe at desktop and phone widths."""

from __future__ import annotations

import datetime

from playwright.sync_api import expect

from common.dates import add_months
from surveys.choices import Measure
from tests.factories import TeamFactory
from tests.surveys.league_factories import period_scores, spread

from .conftest import DESKTOP, PHONE, check_page, sign_in
from .test_surveys import no_sideways_scroll, tab_to

START = datetime.date(2025, 3, 1)


def _figures(world) -> None:
    teams = [world.team, world.other_team] + [
        TeamFactory.create(trust=world.trust, name=f"Borrowdale CMHT {i}") for i in range(4)
    ]
    tiny = TeamFactory.create(trust=world.trust, name="Tiny Fells CMHT")
    for month in range(12):
        period = add_months(START, month)
        scores = {
            team: spread(
                3.2 + index * 0.15 + (month % 3) * 0.05 + (0.4 if index == 0 and month > 8 else 0),
                12 + index * 4,
            )
            for index, team in enumerate(teams)
        }
        scores[tiny] = [4.0, 5.0]
        period_scores(
            trust=world.trust,
            scores=scores,
            period=period,
            domain="hope",
            measure=Measure.CHANGE,
            caseloads={team: 30 + 5 * i for i, team in enumerate(scores)},
        )
    period_scores(
        trust=world.other_trust,
        scores={world.other_trust_team: spread(3.6, 40)},
        period=add_months(START, 11),
        domain="hope",
        measure=Measure.CHANGE,
    )


def test_qa_manager_uses_the_league_by_keyboard(page, context, live_server, world):
    _figures(world)
    sign_in(context, live_server, world.user("qa_manager"))
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/")
        tab_to(page, "League table")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text("Team league table")
        expect(page.get_by_role("cell", name="Too few responses").first).to_be_visible()
        check_page(page, "league-table")
        tab_to(
            page, "Widen the limits for differences between teams beyond chance (overdispersion)"
        )
        page.keyboard.press("Space")
        tab_to(page, "Show")
        page.keyboard.press("Enter")
        expect(page.get_by_text("widened for differences between teams")).to_be_visible()
        check_page(page, "league-widened")

        tab_to(page, "North Fells CMHT")
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Your team's check-in figures over time"
        )
        check_page(page, "league-team")
        if size is PHONE:
            no_sideways_scroll(page)

        page.goto(f"{live_server.url}/league/other-trusts/")
        expect(page.get_by_role("row", name="Riverside Test NHS Trust")).to_be_visible()
        check_page(page, "league-benchmark")
        if size is PHONE:
            no_sideways_scroll(page)


def test_team_leader_sees_their_team_from_home(page, context, live_server, world):
    _figures(world)
    page.set_viewport_size(PHONE)
    sign_in(context, live_server, world.user("team_leader"))
    page.goto(f"{live_server.url}/")
    tab_to(page, "North Fells CMHT: check-in figures")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Where the team stands")).to_be_visible()
    check_page(page, "league-team-leader")
    no_sideways_scroll(page)
