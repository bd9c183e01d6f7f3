"""Fictional demo data for the directory: two trusts, their teams, staff, and 300 people.

Idempotent: every row is found by a natural key before it is made, so running it again changes
nothing. Every name is invented; every NHS number is in the 999 range kept for testing.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from .audit import AuditContext
from .choices import CareRelationshipKind, TeamKind, TeamRole, TrustRole
from .models import (
    CareRelationship,
    Membership,
    ServiceUser,
    Team,
    Trust,
    TrustRoleGrant,
    User,
)
from .nhs_number import check_digit
from .selectors import own_caseload_for
from .services import service_user_create

SEEDING = AuditContext.for_system("demo data")
DEMO_PASSWORD = "recovery-care-demo"  # development only: printed by seed_demo, listed in README
DEMO_SERVICE_USERS = 300

# username, what they do, team (None for trust-wide), role
DEMO_PERSONAS: list[tuple[str, str, str]] = [
    ("coordinator", "Care coordinator, North Fells Community Mental Health Team", "fellside"),
    ("teamleader", "Team leader, North Fells Community Mental Health Team", "fellside"),
    ("peer", "Peer support worker, North Fells Community Mental Health Team", "fellside"),
    ("serviceuser", "Service user on the coordinator's caseload", "fellside"),
    ("qa", "Quality assurance manager", "fellside"),
    ("hr", "HR", "fellside"),
    ("networks", "Network coordinator", "fellside"),
    ("admin", "Administrator", "fellside"),
    (
        "city.coordinator",
        "Care coordinator, Millbrook Community Mental Health Team (another trust)",
        "riverside",
    ),
    (
        "city.teamleader",
        "Team leader, Millbrook Community Mental Health Team (another trust)",
        "riverside",
    ),
]

TRUSTS = {
    "fellside": ("Fellside and Moorland NHS Foundation Trust", "R9F"),
    "riverside": ("Riverside City NHS Trust", "R9R"),
}

TEAMS = {
    "fellside": [
        ("North Fells Community Mental Health Team", TeamKind.COMMUNITY),
        ("Lakes Community Mental Health Team", TeamKind.COMMUNITY),
        ("South Dales Community Mental Health Team", TeamKind.COMMUNITY),
        ("Moorland Early Intervention Team", TeamKind.EARLY_INTERVENTION),
        ("County Crisis Team", TeamKind.CRISIS),
        ("Beck Ward", TeamKind.INPATIENT),
        ("Fellside Recovery and Rehabilitation Team", TeamKind.RECOVERY),
    ],
    "riverside": [
        ("Millbrook Community Mental Health Team", TeamKind.COMMUNITY),
        ("Harbourside Community Mental Health Team", TeamKind.COMMUNITY),
        ("Kingsmead Community Mental Health Team", TeamKind.COMMUNITY),
        ("Millbrook Early Intervention Team", TeamKind.EARLY_INTERVENTION),
        ("City Crisis Team", TeamKind.CRISIS),
        ("Elm Ward", TeamKind.INPATIENT),
        ("Cedar Ward", TeamKind.INPATIENT),
        ("Harbourside Recovery Team", TeamKind.RECOVERY),
    ],
}

FIRST_NAMES = [
    "Amira",
    "Ben",
    "Chloe",
    "Dev",
    "Ellie",
    "Femi",
    "Grace",
    "Hamza",
    "Isla",
    "Jamal",
    "Kate",
    "Liam",
    "Maya",
    "Noah",
    "Olu",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tariq",
    "Una",
    "Vik",
    "Wren",
    "Yusuf",
    "Zara",
    "Aled",
    "Bethan",
    "Ciaran",
    "Dorota",
    "Eamon",
    "Freya",
    "Gareth",
]
LAST_NAMES = [
    "Ashworth",
    "Bailey",
    "Chowdhury",
    "Dawson",
    "Ellison",
    "Fairbairn",
    "Gill",
    "Harker",
    "Iqbal",
    "Jowett",
    "Kaur",
    "Lister",
    "Mensah",
    "Nowak",
    "Oyelaran",
    "Pickles",
    "Rahman",
    "Sutcliffe",
    "Thwaite",
    "Umar",
    "Varley",
    "Whitaker",
    "Yeadon",
    "Zielinski",
    "Armitage",
    "Brennan",
    "Cartwright",
    "Dunmore",
    "Egan",
    "Fenwick",
]

PERSONA_NAMES = {
    "coordinator": ("Amira", "Chowdhury"),
    "teamleader": ("Gareth", "Thwaite"),
    "peer": ("Rosa", "Mensah"),
    "serviceuser": ("Sam", "Pickles"),
    "qa": ("Dorota", "Nowak"),
    "hr": ("Femi", "Oyelaran"),
    "networks": ("Isla", "Fenwick"),
    "admin": ("Ciaran", "Egan"),
    "city.coordinator": ("Priya", "Kaur"),
    "city.teamleader": ("Jamal", "Umar"),
}


def synthetic_nhs_numbers(rng: random.Random) -> list[str]:
    """Valid NHS numbers from the 999 test range, in a repeatable order."""
    numbers: list[str] = []
    seen: set[str] = set()
    while len(numbers) < DEMO_SERVICE_USERS + 1:
        first_nine = f"999{rng.randrange(10**6):06d}"
        digit = check_digit(first_nine)
        if digit is None or first_nine in seen:
            continue
        seen.add(first_nine)
        numbers.append(f"{first_nine}{digit}")
    return numbers


@dataclass
class DemoDirectory:
    trusts: dict[str, Trust]
    teams: dict[str, list[Team]]
    personas: dict[str, User]


def _user(username: str, first: str, last: str, trust: Trust, password_hash: str) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "trust": trust,
            "email": f"{username}@demo.invalid",
            "password": password_hash,
        },
    )
    return user


@transaction.atomic
def seed_directory() -> DemoDirectory:
    rng = random.Random(20261128)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: hashing 75 times takes 15 s
    trusts = {
        key: Trust.objects.get_or_create(ods_code=ods, defaults={"name": name})[0]
        for key, (name, ods) in TRUSTS.items()
    }
    teams: dict[str, list[Team]] = {}
    for key, specs in TEAMS.items():
        teams[key] = [
            Team.objects.get_or_create(trust=trusts[key], name=name, defaults={"kind": kind})[0]
            for name, kind in specs
        ]

    personas = {
        username: _user(username, *PERSONA_NAMES[username], trusts[trust_key], password_hash)
        for username, _, trust_key in DEMO_PERSONAS
    }
    home_team, city_team = teams["fellside"][0], teams["riverside"][0]
    team_roles = [
        ("coordinator", home_team, TeamRole.CARE_COORDINATOR),
        ("teamleader", home_team, TeamRole.TEAM_LEADER),
        ("peer", home_team, TeamRole.PEER_SUPPORT_WORKER),
        ("city.coordinator", city_team, TeamRole.CARE_COORDINATOR),
        ("city.teamleader", city_team, TeamRole.TEAM_LEADER),
    ]
    for username, team, role in team_roles:
        Membership.objects.get_or_create(user=personas[username], team=team, role=role)
    for username, trust_role in [
        ("qa", TrustRole.QA_MANAGER),
        ("hr", TrustRole.HR),
        ("networks", TrustRole.NETWORK_COORDINATOR),
        ("admin", TrustRole.ADMINISTRATOR),
    ]:
        TrustRoleGrant.objects.get_or_create(
            user=personas[username], trust=personas[username].trust, role=trust_role
        )
    TrustRoleGrant.objects.get_or_create(
        user=personas["city.teamleader"],
        trust=personas["city.teamleader"].trust,
        role=TrustRole.ADMINISTRATOR,
    )

    # Every team gets a leader (the personas lead their own), two or three coordinators and a peer.
    coordinators: dict[int, list[User]] = {}
    for key, trust_teams in teams.items():
        for index, team in enumerate(trust_teams):
            staff: list[tuple[str, TeamRole]] = []
            if team not in (home_team, city_team):
                staff.append((f"{key}.t{index}.leader", TeamRole.TEAM_LEADER))
            staff += [
                (f"{key}.t{index}.cc{n}", TeamRole.CARE_COORDINATOR)
                for n in (1, 2, 3)[: 2 + index % 2]
            ]
            staff.append((f"{key}.t{index}.peer", TeamRole.PEER_SUPPORT_WORKER))
            team_coordinators = [personas["coordinator"]] if team == home_team else []
            if team == city_team:
                team_coordinators.append(personas["city.coordinator"])
            for username, role in staff:
                user = _user(
                    username,
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    trusts[key],
                    password_hash,
                )
                Membership.objects.get_or_create(user=user, team=team, role=role)
                if role == TeamRole.CARE_COORDINATOR:
                    team_coordinators.append(user)
            coordinators[team.pk] = team_coordinators

    admins = {"fellside": personas["admin"], "riverside": personas["city.teamleader"]}
    existing = set(ServiceUser.objects.values_list("trust_id", "nhs_number"))
    numbers = synthetic_nhs_numbers(rng)
    all_teams = [(key, team) for key, trust_teams in teams.items() for team in trust_teams]
    for n in range(DEMO_SERVICE_USERS):
        # The home team and the persona's caseload get a generous share, so every page has data.
        key, team = all_teams[0] if n % 5 == 0 else all_teams[n % len(all_teams)]
        nhs_number = numbers[n]
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(365 * 55))
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        if (team.trust_id, nhs_number) in existing:
            continue
        team_coordinators = coordinators[team.pk]
        coordinator = None if n % 17 == 3 else team_coordinators[n % len(team_coordinators)]
        service_user_create(
            actor=admins[key],
            nhs_number=nhs_number,
            given_name=first,
            family_name=last,
            preferred_name=first[:3] if n % 11 == 0 else "",
            date_of_birth=born,
            team=team,
            care_coordinator=coordinator,
            audit=SEEDING,
        )

    # The service-user persona: a person on the coordinator's caseload with their own login.
    own = ServiceUser.objects.filter(trust=trusts["fellside"], user=personas["serviceuser"]).first()
    if own is None:
        own = (
            own_caseload_for(user=personas["coordinator"])
            .filter(team=home_team, user__isnull=True)
            .order_by("pk")
            .first()
        )
        assert own is not None, "the home team always has people on the coordinator's caseload"
        own.given_name, own.family_name = PERSONA_NAMES["serviceuser"]
        own.preferred_name = ""
        own.user = personas["serviceuser"]
        own.save(update_fields=["given_name", "family_name", "preferred_name", "user"])
    # The peer persona is assigned to the service-user persona, as peers are to the people
    # they support.
    CareRelationship.objects.get_or_create(
        person=own,
        staff=personas["peer"],
        kind=CareRelationshipKind.PEER_SUPPORT,
        ended_on=None,
        defaults={"started_on": own.created_at.date()},
    )
    return DemoDirectory(trusts=trusts, teams=teams, personas=personas)
