"""Caseload, search and API speed at the size of a large trust. Run by hand, never in the suite.

    createdb recovery_care_bench   # once
    DATABASE_URL=postgres:///recovery_care_bench .venv/bin/python bench/directory_scale.py

It fills the database (first run only) with one trust of PEOPLE service users in TEAMS teams,
then times each page over REPEATS requests and prints the median, the 95th percentile and the
number of queries. Targets: every page under 150 ms median, query counts independent of size.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_site.settings.test")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from directory.choices import CareRelationshipKind, TeamKind, TeamRole, TrustRole  # noqa: E402
from directory.models import (  # noqa: E402
    CareRelationship,
    Membership,
    ServiceUser,
    Team,
    TeamEpisode,
    Trust,
    TrustRoleGrant,
    User,
)
from directory.nhs_number import check_digit  # noqa: E402

PEOPLE = 50_000
TEAMS = 200
COORDINATORS_PER_TEAM = 8
REPEATS = 30
BATCH = 5_000  # rows per INSERT: large enough to amortise round trips, small enough for memory


def _signed_in(user: User) -> Client:
    """A client signed in as `user`, second factor included (as after the authenticator code)."""
    from recovery_site.two_factor import SECOND_FACTOR_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[SECOND_FACTOR_SESSION_KEY] = "benchmark sign-in"
    session.save()
    return client


def generate() -> None:
    if Trust.objects.filter(ods_code="RBNCH").exists():
        return
    print(f"generating {PEOPLE} people in {TEAMS} teams ...", flush=True)
    with transaction.atomic():
        trust = Trust.objects.create(name="Benchmark NHS Foundation Trust", ods_code="RBNCH")
        teams = Team.objects.bulk_create(
            Team(trust=trust, name=f"Team {n:03d}", kind=TeamKind.COMMUNITY) for n in range(TEAMS)
        )
        users = User.objects.bulk_create(
            User(username=f"bench.{t}.{c}", trust=trust, first_name="Staff", last_name=f"{t}-{c}")
            for t in range(TEAMS)
            for c in range(COORDINATORS_PER_TEAM + 1)
        )
        memberships = []
        for t, team in enumerate(teams):
            staff = users[t * (COORDINATORS_PER_TEAM + 1) : (t + 1) * (COORDINATORS_PER_TEAM + 1)]
            memberships.append(Membership(user=staff[0], team=team, role=TeamRole.TEAM_LEADER))
            memberships += [
                Membership(user=u, team=team, role=TeamRole.CARE_COORDINATOR) for u in staff[1:]
            ]
        Membership.objects.bulk_create(memberships)
        admin = User.objects.create(username="bench.admin", trust=trust)
        TrustRoleGrant.objects.create(user=admin, trust=trust, role=TrustRole.ADMINISTRATOR)
        coordinators: dict[int, list[int]] = {m.team_id: [] for m in memberships}
        for m in memberships:
            if m.role == TeamRole.CARE_COORDINATOR:
                coordinators[m.team_id].append(m.user_id)
        people, coordinator_ids, n = [], [], 0
        serial = 0
        while n < PEOPLE:
            serial += 1
            first_nine = f"999{serial:06d}"
            digit = check_digit(first_nine)
            if digit is None:
                continue
            team = teams[n % TEAMS]
            people.append(
                ServiceUser(
                    trust=trust,
                    team=team,
                    nhs_number=f"{first_nine}{digit}",
                    given_name=f"Given{n % 997}",
                    family_name=f"Family{n:05d}",
                    date_of_birth="1980-01-01",
                )
            )
            coordinator_ids.append(coordinators[team.pk][n % COORDINATORS_PER_TEAM])
            n += 1
        ServiceUser.objects.bulk_create(people, batch_size=BATCH)
        TeamEpisode.objects.bulk_create(
            (TeamEpisode(person=person, team_id=person.team_id) for person in people),
            batch_size=BATCH,
        )
        CareRelationship.objects.bulk_create(
            (
                CareRelationship(
                    person=person, staff_id=staff_id, kind=CareRelationshipKind.CARE_COORDINATOR
                )
                for person, staff_id in zip(people, coordinator_ids, strict=True)
            ),
            batch_size=BATCH,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure(client: Client, label: str, url: str) -> None:
    client.get(url)  # warm
    timings = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<38} median {statistics.median(timings):6.1f} ms  p95 {p95:6.1f} ms  "
        f"{len(queries):2d} queries"
    )


def main() -> None:
    call_command("migrate", verbosity=0)
    generate()
    settings.ALLOWED_HOSTS = ["testserver"]
    leader = User.objects.get(username="bench.0.0")
    coordinator = User.objects.get(username="bench.0.1")
    admin = User.objects.get(username="bench.admin")
    person = ServiceUser.objects.filter(team__name="Team 000").order_by("pk").first()
    assert person is not None
    print(f"{ServiceUser.objects.count()} people, {Team.objects.count()} teams")
    for who, user in [
        ("team leader", leader),
        ("care coordinator", coordinator),
        ("administrator", admin),
    ]:
        client = _signed_in(user)
        if who != "administrator":
            measure(client, f"caseload, {who}", "/caseload/")
            measure(client, f"caseload last page, {who}", "/caseload/?page=10")
            measure(client, f"caseload name search, {who}", "/caseload/?q=family0")
        measure(client, f"API people list, {who}", "/api/service-users/")
        measure(
            client,
            f"API NHS number search, {who}",
            f"/api/service-users/?search={person.nhs_number[:7]}",
        )
        measure(client, f"person summary, {who}", person.get_absolute_url())
    client = _signed_in(admin)
    measure(client, "teams overview (200 teams), admin", "/teams/")


if __name__ == "__main__":
    main()
