"""Fictional demo data for the partner networks: the rural trust's four locality networks,
their partners and what they offer, referrals in every state, a year of meetings, and two
partner contact logins. Safe to run again: it adds only what is missing."""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction

from careplans.choices import PlanStatus
from careplans.models import Goal
from common.dates import add_months, trust_today
from directory.choices import CareRelationshipKind
from directory.demo import DEMO_PASSWORD, DemoDirectory
from directory.models import CareRelationship, Team, User

from ..choices import ReferralStatus, Side
from ..models import (
    ExpertGroupMember,
    Network,
    NetworkMeeting,
    Opportunity,
    Partner,
    PartnerContact,
    Referral,
    ReferralStep,
    TeamBase,
)
from ..transitions import PATH
from .specs import (
    EXPERTS,
    NETWORKS,
    PARTNER_LOGINS,
    PARTNER_SPECS,
    POSTCODE,
    TOPICS,
    TOWNS,
)


def _place(rng: random.Random, centre: tuple[float, float]) -> tuple[float, float]:
    return (
        round(centre[0] + rng.uniform(-0.08, 0.08), 4),
        round(centre[1] + rng.uniform(-0.12, 0.12), 4),
    )


@transaction.atomic
def seed_networks(directory: DemoDirectory) -> list[tuple[str, str]]:
    """Seed the networks and return the partner logins (username, who they are)."""
    rng = random.Random(20261201)
    trust = directory.trusts["fellside"]
    teams = list(Team.objects.filter(trust=trust))
    coordinator = directory.personas["networks"]
    networks: dict[str, Network] = {}
    for name, area, team_starts, centre in NETWORKS:
        network, created = Network.objects.get_or_create(
            trust=trust,
            name=f"{name} locality network",
            defaults={"area": area, "coordinator": coordinator},
        )
        networks[name] = network
        if created:
            network.teams.set([t for t in teams if t.name.startswith(team_starts)])
            for expert_name, role in EXPERTS:
                ExpertGroupMember.objects.create(network=network, name=expert_name, role=role)
        for team in network.teams.all():
            lat, lng = _place(rng, centre)
            TeamBase.objects.get_or_create(
                team=team,
                defaults={"postcode": f"{POSTCODE[name]} 1AB", "latitude": lat, "longitude": lng},
            )

    for name, _area, _teams, centre in NETWORKS:
        for index, (kind, pattern, what, offers) in enumerate(PARTNER_SPECS):
            town = TOWNS[name][index % len(TOWNS[name])]
            lat, lng = _place(rng, centre)
            partner, created = Partner.objects.get_or_create(
                name=pattern.format(town=town),
                defaults={
                    "kind": kind,
                    "description": what,
                    "address": f"{10 + index} Market Street\n{town}",
                    "postcode": f"{POSTCODE[name]} {index + 1}QT",
                    "latitude": lat,
                    "longitude": lng,
                    "contact_name": "Front desk",
                    "phone": f"01632 96{index:04d}"[:13],
                    "email": f"hello@{town.lower().replace(' ', '')}.example",
                    "website": f"https://{town.lower().replace(' ', '')}.example/",
                },
            )
            if not created:
                continue
            partner.networks.add(networks[name])
            if index == 8:  # the Mind charities work across two networks
                partner.networks.add(networks["Lakes" if name != "Lakes" else "North Fells"])
            for number, (offer_kind, title, description) in enumerate(offers):
                starts = trust_today() - datetime.timedelta(days=rng.randrange(30, 300))
                Opportunity.objects.create(
                    partner=partner,
                    kind=offer_kind,
                    title=title,
                    description=description,
                    eligibility="Adults in recovery; ask about access needs.",
                    places=None if number else rng.choice([4, 6, 8, 10, 12]),
                    starts_on=starts,
                    how_to_apply="By referral from the person's care coordinator or peer worker.",
                )

    logins = _partner_logins(directory)
    _referrals(directory, rng)
    _meetings(networks, rng)
    return logins


def _partner_logins(directory: DemoDirectory) -> list[tuple[str, str]]:
    password_hash = make_password(DEMO_PASSWORD)
    logins = []
    for username, (first, last), organisation in PARTNER_LOGINS:
        partner = Partner.objects.get(name=organisation)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "trust": None,  # a partner's contact holds no role in any trust
                "email": f"{username}@demo.invalid",
                "password": password_hash,
            },
        )
        PartnerContact.objects.get_or_create(
            partner=partner,
            user=user,
            ended_on=None,
            defaults={
                "job_title": "Referrals lead",
                "started_on": trust_today() - datetime.timedelta(days=400),
            },
        )
        logins.append((username, f"Partner contact at {organisation}"))
    return logins


ENDINGS = [
    ReferralStatus.SUGGESTED,
    ReferralStatus.REFERRED,
    ReferralStatus.ACCEPTED,
    ReferralStatus.STARTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.COMPLETED,
    ReferralStatus.DECLINED,
    ReferralStatus.WITHDRAWN,
]


def _referrals(directory: DemoDirectory, rng: random.Random) -> None:
    """Referrals in every state from the goals of people in the trust's network teams, spread
    over the past year, half of them to the two organisations with demo logins."""
    trust = directory.trusts["fellside"]
    if Referral.objects.filter(team__trust=trust).exists():
        return
    coordinators = dict(
        CareRelationship.objects.in_force()
        .filter(kind=CareRelationshipKind.CARE_COORDINATOR, person__trust=trust)
        .values_list("person_id", "staff_id")
    )
    goals = list(
        Goal.objects.filter(
            plan__service_user__trust=trust,
            plan__status__in=[PlanStatus.AGREED, PlanStatus.DRAFT],
            plan__service_user_id__in=list(coordinators),
        )
        .select_related("plan__service_user")
        .order_by("pk")[:90]
    )
    with_logins = list(
        Opportunity.objects.filter(
            partner__name__in=[org for _, _, org in PARTNER_LOGINS]
        ).order_by("pk")
    )
    others = list(Opportunity.objects.filter(partner__networks__trust=trust).order_by("pk"))
    today = trust_today()
    referrals: list[Referral] = []
    plans: list[tuple[Referral, list[tuple[str, datetime.date, str]]]] = []
    for index, goal in enumerate(goals):
        person = goal.plan.service_user
        status = ENDINGS[index % len(ENDINGS)]
        offers = with_logins if index % 2 == 0 else others
        opportunity = offers[rng.randrange(len(offers))]
        first_day = today - datetime.timedelta(days=rng.randrange(20, 360))
        steps = _steps_to(status, first_day, today, rng)
        actor_id = coordinators[person.pk]
        referral = Referral(
            goal=goal,
            person=person,
            team_id=person.team_id,
            opportunity=opportunity,
            partner_id=opportunity.partner_id,
            status=status,
            consent_recorded_on=next(
                (day for step, day, _ in steps if step == ReferralStatus.REFERRED), None
            ),
            shared=[
                {"label": "Name", "value": person.display_name},
                {"label": "Their goal", "value": goal.description},
                {"label": "What would help them take part", "value": "A quiet start, mornings."},
            ],
            created_by_id=actor_id,
            revision=len(steps),
        )
        referrals.append(referral)
        plans.append((referral, steps))
    Referral.objects.bulk_create(referrals)
    contacts = dict(PartnerContact.objects.values_list("partner_id", "user_id"))
    ReferralStep.objects.bulk_create(
        ReferralStep(
            referral=referral,
            status=status,
            happened_on=day,
            note=note,
            side=side,
            recorded_by_id=(
                contacts.get(referral.partner_id, referral.created_by_id)
                if side == Side.PARTNER
                else referral.created_by_id
            ),
        )
        for referral, steps in plans
        for status, day, note, side in (
            (s, d, n, Side.PARTNER if s in _PARTNER_STEPS else Side.TRUST) for s, d, n in steps
        )
    )


_PARTNER_STEPS = {
    ReferralStatus.ACCEPTED,
    ReferralStatus.STARTED,
    ReferralStatus.COMPLETED,
    ReferralStatus.DECLINED,
}
_NOTES = {
    ReferralStatus.SUGGESTED: "Talked it through; they want to think about it.",
    ReferralStatus.REFERRED: "Agreed to share their name, goal and what would help.",
    ReferralStatus.ACCEPTED: "Welcome: first session booked.",
    ReferralStatus.STARTED: "Came along to the first session.",
    ReferralStatus.COMPLETED: "Finished the course and plans to carry on.",
    ReferralStatus.DECLINED: "No places this term; suggested the next intake.",
    ReferralStatus.WITHDRAWN: "The person decided it was not for them just now.",
}


def _steps_to(
    status: str, first: datetime.date, today: datetime.date, rng: random.Random
) -> list[tuple[str, datetime.date, str]]:
    if status in PATH:
        path = list(PATH[: PATH.index(status) + 1])
    elif status == ReferralStatus.DECLINED:
        path = [ReferralStatus.SUGGESTED, ReferralStatus.REFERRED, ReferralStatus.DECLINED]
    else:
        path = [ReferralStatus.SUGGESTED, ReferralStatus.REFERRED, ReferralStatus.WITHDRAWN]
    steps: list[tuple[str, datetime.date, str]] = []
    day = first
    for step in path:
        steps.append((step, min(day, today), _NOTES[step]))
        day = day + datetime.timedelta(days=rng.randrange(2, 25))
    return steps


def _meetings(networks: dict[str, Network], rng: random.Random) -> None:
    """A meeting a month for the past year in every network."""
    today = trust_today()
    for network in networks.values():
        if network.meetings.exists():
            continue
        NetworkMeeting.objects.bulk_create(
            NetworkMeeting(
                network=network,
                held_on=add_months(today.replace(day=10), -month - (today.day < 10)),
                topic=TOPICS[(month + len(network.name)) % len(TOPICS)],
                notes="Partners shared what is on offer this season and what is full.",
                decisions="Share the updated list of opportunities with every team.",
                lived_experience=rng.randrange(2, 5) + month // 3,
                trust_staff=rng.randrange(3, 7),
                partner_staff=rng.randrange(4, 10),
                carers=rng.randrange(0, 3),
            )
            for month in range(12)
        )
