"""The benchmark's who's-who: trusts, teams, staff, people with valid synthetic NHS numbers,
their team episodes and coordinators, loaded by COPY. Imported by league_data.py once Django is
set up."""

# SQL here is built from this module's constants only, never from input: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from directory.nhs_number import check_digit

TRUSTS = 5
TEAMS_PER_TRUST = 100
STARTED_ON = date(2020, 1, 1)  # every membership, grant and episode starts before the 36 months


def copy_rows(cursor: Any, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def nhs_numbers() -> Iterator[str]:
    serial = 0
    while True:
        serial += 1
        first_nine = f"999{serial:06d}"
        digit = check_digit(first_nine)
        if digit is not None and len(set(first_nine + str(digit))) > 1:
            yield f"{first_nine}{digit}"


def fill_directory(cursor: Any, people: int) -> None:
    teams = TRUSTS * TEAMS_PER_TRUST
    copy_rows(
        cursor,
        "directory_trust",
        ("id", "public_id", "name", "ods_code"),
        (
            (t, _uuid("trust", t), f"Benchmark {t} NHS Foundation Trust", f"RBN{t:02d}")
            for t in range(1, TRUSTS + 1)
        ),
    )
    copy_rows(
        cursor,
        "directory_team",
        ("id", "public_id", "name", "kind", "trust_id"),
        (
            (n, _uuid("team", n), f"Team {n:03d}", "community", _trust_of_team(n))
            for n in range(1, teams + 1)
        ),
    )
    # Users: per team a leader (id 2n-1) and a coordinator (id 2n); then a QA manager per trust.
    users: list[tuple] = []
    for n in range(1, teams + 1):
        for offset, role in ((1, "leader"), (0, "coordinator")):
            uid = 2 * n - offset
            users.append(_user(uid, f"bench.{role}.{n}", _trust_of_team(n)))
    qa_base = 2 * teams
    users += [_user(qa_base + t, f"bench.qa.{t}", t) for t in range(1, TRUSTS + 1)]
    copy_rows(cursor, "directory_user", USER_COLUMNS, iter(users))
    copy_rows(
        cursor,
        "directory_membership",
        ("role", "user_id", "team_id", "started_on"),
        (
            (role, 2 * n - offset, n, STARTED_ON)
            for n in range(1, teams + 1)
            for offset, role in ((1, "team_leader"), (0, "care_coordinator"))
        ),
    )
    copy_rows(
        cursor,
        "directory_trustrolegrant",
        ("role", "user_id", "trust_id", "started_on"),
        (("qa_manager", qa_base + t, t, STARTED_ON) for t in range(1, TRUSTS + 1)),
    )
    numbers = nhs_numbers()
    copy_rows(
        cursor,
        "directory_serviceuser",
        (
            "id",
            "public_id",
            "nhs_number",
            "given_name",
            "family_name",
            "preferred_name",
            "date_of_birth",
            "created_at",
            "team_id",
            "trust_id",
        ),
        (
            (
                p,
                _uuid("person", p),
                next(numbers),
                f"Given{p % 997}",
                f"Family{p:07d}",
                "",
                date(1950 + p % 50, 1 + p % 12, 1 + p % 28),
                "2020-01-01T00:00:00Z",
                _team_of_person(p),
                _trust_of_team(_team_of_person(p)),
            )
            for p in range(1, people + 1)
        ),
    )
    cursor.execute(
        "INSERT INTO directory_teamepisode (person_id, team_id, started_on) "
        "SELECT id, team_id, %s FROM directory_serviceuser",
        [STARTED_ON],
    )
    cursor.execute(
        "INSERT INTO directory_carerelationship (kind, person_id, staff_id, started_on) "
        "SELECT 'care_coordinator', id, 2 * team_id, %s FROM directory_serviceuser",
        [STARTED_ON],
    )
    for table in ("directory_trust", "directory_team", "directory_user", "directory_serviceuser"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


USER_COLUMNS = (
    "id",
    "password",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "public_id",
    "trust_id",
)


def _user(uid: int, username: str, trust_id: int) -> tuple:
    # "!" is Django's unusable password: these people sign in only by the benchmark's session.
    return (
        uid,
        "!",
        False,
        username,
        "Staff",
        username,
        "",
        False,
        True,
        STARTED_ON,
        _uuid("user", uid),
        trust_id,
    )


def _uuid(kind: str, n: int) -> str:
    prefix = {"trust": 1, "team": 2, "user": 3, "person": 4}[kind]
    return f"00000000-0000-4{prefix:03d}-8000-{n:012d}"


def _trust_of_team(team: int) -> int:
    return (team - 1) // TEAMS_PER_TRUST + 1


def _team_of_person(person: int) -> int:
    return (person - 1) % (TRUSTS * TEAMS_PER_TRUST) + 1
