"""Fictional check-ins for the demo: 1 to 8 per person over two years, with trends by team.

Each team has its own direction (some help people feel more hope, control and opportunity
over time, some less), and each person varies around it. Check-ins of the last nine months use
the version with the second part (how much the team has helped), which each team scores at its
own level; in three teams of each trust people check in about monthly of late, so their league
rows rest on enough responses to be shown. Answers are made item by item and
scored by the instrument's own rules, so the stored scores agree with the stored answers.
Idempotent: people who already have check-ins are left alone.
"""

from __future__ import annotations

import datetime
import random
import secrets
import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.dates import month_of
from directory.choices import CareRelationshipKind
from directory.models import CareRelationship, ServiceUser, TeamEpisode
from directory.selectors import memberships_in_force, own_caseload_for

from .choices import Channel, ResponseStatus
from .models import Answer, Instrument, Invitation, Response, ResponseScore, TeamSurveySettings
from .scoring import domain_scores
from .selectors import BUILT_IN_KEY, active_instrument
from .services import hash_token, instrument_specs, rollup_mark_pending, score_figures

if TYPE_CHECKING:
    from directory.demo import DemoDirectory

# Per team (by its place in the trust's list): yearly change in hope, control, opportunity.
TEAM_TRENDS = [
    (0.45, 0.35, 0.30),  # steady recovery on every count
    (0.20, 0.05, 0.35),  # opportunity grows, control hardly moves
    (-0.10, 0.10, -0.05),  # little change, slightly down
    (0.60, 0.50, 0.40),  # early intervention: the quickest gains
    (0.05, -0.15, 0.00),  # crisis: people come and go in hard times
    (0.25, 0.30, -0.10),  # ward: control and hope up, opportunity down
    (0.35, 0.20, 0.45),
    (0.15, 0.25, 0.10),
]
# Per team (same places): how much people say the team has helped, on the 1 to 5 scale.
TEAM_HELP = [4.1, 3.6, 3.0, 4.4, 3.3, 3.5, 3.9, 3.2]
# Teams (by place) whose people check in about monthly in the last months.
BUSY_PLACES = (0, 1, 3)
SECOND_PART_DAYS = 270  # check-ins this recent use the version with the second part


def _level(base: float, trend: float, years: float, rng: random.Random) -> float:
    return min(5.0, max(1.0, base + trend * years + rng.gauss(0, 0.25)))


def _dates(
    rng: random.Random, count: int, today: datetime.date, span: int = 730
) -> list[datetime.date]:
    start = today - datetime.timedelta(days=span - rng.randrange(span // 6))
    step = (today - start).days / max(count, 1)
    days = sorted(
        start + datetime.timedelta(days=int(step * n + rng.randrange(max(int(step * 0.6), 1))))
        for n in range(count)
    )
    return [min(day, today) for day in days]


@transaction.atomic
def seed_surveys(directory: DemoDirectory) -> int:
    """Add demo check-ins for every demo person who has none. Returns how many were added."""
    rng = random.Random(20261129)
    instrument = active_instrument()
    first_part = Instrument.objects.get(key=BUILT_IN_KEY, version=1)
    versions = {
        version.pk: (version, list(version.items.order_by("number")), *instrument_specs(version))
        for version in (first_part, instrument)
    }
    today = timezone.localdate()
    second_part_from = today - datetime.timedelta(days=SECOND_PART_DAYS)
    now = timezone.now()

    trust_ids = [trust.pk for trust in directory.trusts.values()]
    team_place = {
        team.pk: index
        for trust_teams in directory.teams.values()
        for index, team in enumerate(trust_teams)
    }
    people = list(
        ServiceUser.objects.filter(trust_id__in=trust_ids, survey_responses__isnull=True)
        .select_related("team")
        .order_by("pk")
    )
    staff_by_team: dict[int, int] = dict(
        memberships_in_force()
        .filter(team_id__in=team_place, role="care_coordinator")
        .order_by("team_id", "user_id")
        .values_list("team_id", "user_id")
    )
    coordinator_of: dict[int, int] = dict(
        CareRelationship.objects.in_force()
        .filter(kind=CareRelationshipKind.CARE_COORDINATOR, person__trust_id__in=trust_ids)
        .values_list("person_id", "staff_id")
    )
    persona = directory.personas["serviceuser"]

    planned: list[
        tuple[Response, dict[int, int | None], Invitation | None, dict[str, Decimal | None]]
    ] = []
    for person in people:
        own = person.user_id == persona.pk
        place = team_place.get(person.team_id, 0)
        trend = TEAM_TRENDS[place % len(TEAM_TRENDS)]
        helped = TEAM_HELP[place % len(TEAM_HELP)] + rng.gauss(0, 0.4)
        span = 730
        if own:
            count, trend = 6, (0.7, 0.5, 0.6)  # the persona's journey shows a clear rise
        elif place in BUSY_PLACES:
            count, span = rng.randint(6, 8), 240
        else:
            count = rng.randint(1, 8)
        bases = [rng.uniform(1.6, 3.2) for _ in range(3)]
        dates = _dates(rng, count, today, span)
        first = dates[0]
        for day in dates:
            years = (day - first).days / 365
            levels = dict(
                zip(
                    ("hope", "control", "opportunity"),
                    (_level(bases[d], trend[d], years, rng) for d in range(3)),
                    strict=True,
                )
            )
            for domain in ("helped_hope", "helped_control", "helped_opportunity", "helped_life"):
                levels[domain] = _level(helped, 0, 0, rng)
            version = instrument if day >= second_part_from else first_part
            _, items, item_specs, rule_specs = versions[version.pk]
            spec_by_id = {spec.key: spec for spec in item_specs}
            answers: dict[int, int | None] = {}
            for item in items:
                if not own and rng.random() < 0.05:
                    answers[item.pk] = None  # skipped
                    continue
                value = min(5, max(1, round(levels[item.domain] + rng.gauss(0, 0.6))))
                answers[item.pk] = 6 - value if spec_by_id[item.pk].reverse else value
            if own:
                channel = Channel.SIGNED_IN
            else:
                channel = rng.choice(
                    [Channel.INVITATION] * 5 + [Channel.STAFF_PAPER, Channel.STAFF_PHONE]
                )
            if (
                channel in (Channel.STAFF_PAPER, Channel.STAFF_PHONE)
                and person.team_id not in staff_by_team
            ):
                channel = Channel.INVITATION
            submitted = datetime.datetime.combine(
                day, datetime.time(9 + rng.randrange(10), rng.randrange(60)), tzinfo=datetime.UTC
            )
            invitation = None
            inviter_id = coordinator_of.get(person.pk) or staff_by_team.get(person.team_id)
            if channel == Channel.INVITATION and inviter_id is None:
                channel = Channel.SIGNED_IN  # nobody in the team could have sent the link
            if channel == Channel.INVITATION and inviter_id is not None:
                invitation = Invitation(
                    service_user=person,
                    instrument=version,
                    token_hash=hash_token(secrets.token_urlsafe(32)),
                    created_by_id=inviter_id,
                    expires_at=submitted + datetime.timedelta(days=28),
                    used_at=submitted,
                )
            scores = domain_scores(
                items=item_specs,
                rules=rule_specs,
                answers={k: v for k, v in answers.items() if v is not None},
            )
            response = Response(
                idempotency_key=uuid.uuid4(),
                instrument=version,
                service_user=person,
                team_id=person.team_id,
                channel=channel,
                entered_by_id=staff_by_team.get(person.team_id)
                if channel in (Channel.STAFF_PAPER, Channel.STAFF_PHONE)
                else None,
                status=ResponseStatus.SUBMITTED,
                submitted_at=min(submitted, now),
                completed_on=day,
                period=month_of(day),
                answered_count=sum(1 for v in answers.values() if v is not None),
            )
            planned.append((response, answers, invitation, scores))

    invitations = [inv for _, _, inv, _ in planned if inv is not None]
    Invitation.objects.bulk_create(invitations, batch_size=500)
    # Each invitation was sent a few days before it was answered.
    Invitation.objects.filter(pk__in=[inv.pk for inv in invitations]).update(
        created_at=F("used_at") - datetime.timedelta(days=3)
    )
    for response, _, invitation, _ in planned:
        response.invitation = invitation
    Response.objects.bulk_create([r for r, _, _, _ in planned], batch_size=500)
    Answer.objects.bulk_create(
        (
            Answer(response=response, item_id=item_id, value=value)
            for response, answers, _, _ in planned
            for item_id, value in answers.items()
        ),
        batch_size=2000,
    )
    _backdate_episodes(planned)
    _seed_scores(planned, {person.pk: person.team.trust_id for person in people})
    _seed_settings_and_open_invitations(directory, rng, instrument)
    return len(planned)


def _backdate_episodes(planned: list[Any]) -> None:
    """Each person has been with their team since at least their first demo check-in, so the
    league's response rates have a caseload in every month, not only from today."""
    first_day: dict[int, datetime.date] = {}
    for response, _, _, _ in planned:
        day = response.completed_on
        first_day[response.service_user_id] = min(day, first_day.get(response.service_user_id, day))
    episodes = list(TeamEpisode.objects.filter(person_id__in=first_day, ended_on__isnull=True))
    for episode in episodes:
        episode.started_on = min(episode.started_on, first_day[episode.person_id])
    TeamEpisode.objects.bulk_update(episodes, ["started_on"], batch_size=500)


def _seed_scores(planned: list[Any], trust_of: dict[int, int]) -> None:
    """The scores of the demo check-ins, as sending them would store them: one row per domain,
    with the change since the person's first score with the team and the gaps, and their
    team-periods marked for the rollup."""
    by_person: dict[int, list[ResponseScore]] = {}
    pending: dict[int, set[tuple[int, datetime.date]]] = {}
    in_order = sorted(
        planned, key=lambda p: (p[0].service_user_id, p[0].completed_on, p[0].submitted_at)
    )
    for response, _, _, scores in in_order:
        trust_id = trust_of[response.service_user_id]
        for domain, score in scores.items():
            if score is None:
                continue
            by_person.setdefault(response.service_user_id, []).append(
                ResponseScore(
                    response=response,
                    trust_id=trust_id,
                    team_id=response.team_id,
                    service_user_id=response.service_user_id,
                    period=response.period,
                    instrument_key=BUILT_IN_KEY,
                    domain=domain,
                    score=score,
                )
            )
        pending.setdefault(trust_id, set()).add((response.team_id, response.period))
    rows = []
    for person_rows in by_person.values():
        score_figures(person_rows)
        rows.extend(person_rows)
    ResponseScore.objects.bulk_create(rows, batch_size=2000)
    for trust_id, team_periods in pending.items():
        rollup_mark_pending(
            trust_id=trust_id, instrument_key=BUILT_IN_KEY, team_periods=team_periods
        )


def _seed_settings_and_open_invitations(
    directory: DemoDirectory, rng: random.Random, instrument: Instrument
) -> None:
    """Crisis teams ask every month and wards every two; a few people have a link waiting."""
    for trust_teams in directory.teams.values():
        for team in trust_teams:
            cycle = {"crisis": 1, "inpatient": 2}.get(team.kind)
            if cycle:
                TeamSurveySettings.objects.get_or_create(
                    team=team, defaults={"cycle_months": cycle}
                )
    coordinator = directory.personas["coordinator"]
    if Invitation.objects.filter(created_by=coordinator, used_at__isnull=True).exists():
        return
    waiting = list(
        own_caseload_for(user=coordinator)
        .exclude(user=directory.personas["serviceuser"])
        .order_by("pk")[:3]
    )
    now = timezone.now()
    Invitation.objects.bulk_create(
        Invitation(
            service_user=person,
            instrument=instrument,
            token_hash=hash_token(secrets.token_urlsafe(32)),
            created_by=coordinator,
            expires_at=now + datetime.timedelta(days=14 + rng.randrange(14)),
        )
        for person in waiting
    )
