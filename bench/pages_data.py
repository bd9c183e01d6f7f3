"""The page benchmark's trust, built inside PostgreSQL: imported by pages.py once Django is set up.

One trust of TEAMS teams (a team leader and COORDINATORS care coordinators each, an administrator,
a QA manager), PEOPLE service users with team episodes and care coordinators, a plan for two in
five of them (4 or 5 goals each, a step per goal, two crisis contacts, a supporter), about four
sent check-ins each with their scores, and AUDIT_PER_PERSON access rows per person (2 million at
50,000 people). The first 250 people are team 1's, all on one care coordinator's caseload; person
1 has a plan of 6 goals, 20 check-ins and a login. Everything but the people (whose NHS numbers
use the project's check digit, through COPY) is INSERT ... SELECT over generate_series.
"""

# SQL here is built from this module's constants and integers only: S608 does not apply.
# ruff: noqa: S608

from __future__ import annotations

import time
from datetime import date
from typing import Any

from league_directory import copy_rows, nhs_numbers

TEAMS = 200
COORDINATORS = 8
CASELOAD = 250  # team 1's people, all on its first coordinator's caseload
STAFF = COORDINATORS + 1
PLAN_SHARE = 0.4  # 20,000 plans at 50,000 people
AUDIT_PER_PERSON = 40  # 2,000,000 audit rows at 50,000 people
STARTED_ON = date(2020, 1, 1)
BUILT_IN_KEY = "hope-control-opportunity"

# Who the benchmark signs in as (user ids).
LEADER = 1  # team 1's leader
COORDINATOR = 2  # team 1's first coordinator: 250 people
ADMINISTRATOR = TEAMS * STAFF + 1
QA_MANAGER = TEAMS * STAFF + 2
PERSON_LOGIN = TEAMS * STAFF + 3  # person 1's own login


def _step(label: str, started: list[float]) -> None:
    now = time.perf_counter()
    print(f"  {label}: {now - started[0]:.1f} s", flush=True)
    started[0] = now


def build(cursor: Any, people: int) -> None:
    """Empty the trust tables and fill them for `people` people."""
    clock = [time.perf_counter()]
    cursor.execute(
        "TRUNCATE directory_trust, directory_user, directory_accessevent, django_session, "
        "surveys_rolluppending, surveys_teamperiodscore RESTART IDENTITY CASCADE"
    )
    cursor.execute(
        "INSERT INTO directory_trust (id, public_id, name, ods_code) "
        "VALUES (1, gen_random_uuid(), 'Benchmark Pages NHS Foundation Trust', 'RBPAG')"
    )
    cursor.execute(
        f"INSERT INTO directory_team (id, public_id, name, kind, trust_id) "
        f"SELECT t, gen_random_uuid(), 'Team ' || lpad(t::text, 3, '0'), 'community', 1 "
        f"FROM generate_series(1, {TEAMS}) t"
    )
    users = f"""
        INSERT INTO directory_user (id, password, is_superuser, username, first_name, last_name,
            email, is_staff, is_active, date_joined, public_id, trust_id)
        SELECT u, '!', false, 'bench.' || u, 'Staff', 'Member ' || u, '', false, true,
            '{STARTED_ON}', gen_random_uuid(), 1
        FROM generate_series(1, {TEAMS * STAFF + 3}) u"""
    cursor.execute(users)
    cursor.execute(
        f"INSERT INTO directory_membership (role, user_id, team_id, started_on) "
        f"SELECT CASE WHEN (u - 1) % {STAFF} = 0 THEN 'team_leader' ELSE 'care_coordinator' END,"
        f" u, (u - 1) / {STAFF} + 1, '{STARTED_ON}' FROM generate_series(1, {TEAMS * STAFF}) u"
    )
    cursor.execute(
        "INSERT INTO directory_trustrolegrant (role, user_id, trust_id, started_on) VALUES "
        f"('administrator', {ADMINISTRATOR}, 1, '{STARTED_ON}'), "
        f"('qa_manager', {QA_MANAGER}, 1, '{STARTED_ON}')"
    )
    _copy_people(cursor, people, nhs_numbers())
    cursor.execute(f"UPDATE directory_serviceuser SET user_id = {PERSON_LOGIN} WHERE id = 1")
    cursor.execute(
        "INSERT INTO directory_teamepisode (person_id, team_id, started_on) "
        f"SELECT id, team_id, '{STARTED_ON}' FROM directory_serviceuser"
    )
    cursor.execute(
        "INSERT INTO directory_carerelationship (kind, person_id, staff_id, started_on) "
        f"SELECT 'care_coordinator', id, {_coordinator_sql('id')}, '{STARTED_ON}' "
        "FROM directory_serviceuser"
    )
    _step(f"directory, {people:,} people", clock)
    _plans(cursor, people)
    _step("plans", clock)
    _check_ins(cursor, people)
    _step("check-ins and scores", clock)
    cursor.execute(
        f"""
        INSERT INTO directory_accessevent (occurred_at, action, resource, via, path, actor_id,
            service_user_id, actor_description, by_system)
        SELECT now() - (a || ' seconds')::interval, 'read', 'record', '', '/people/',
            {_coordinator_sql("(a % " + str(people) + ") + 1")}, (a % {people}) + 1, '', false
        FROM generate_series(1, {people * AUDIT_PER_PERSON}) a
        """
    )
    _step(f"{people * AUDIT_PER_PERSON:,} audit rows", clock)
    for table in ("directory_user", "directory_serviceuser", "directory_team"):
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


PEOPLE_COLUMNS = (
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
)


def _copy_people(cursor: Any, people: int, numbers: Any) -> None:
    copy_rows(
        cursor,
        "directory_serviceuser",
        PEOPLE_COLUMNS,
        (_person_row(p, next(numbers)) for p in range(1, people + 1)),
    )


def _person_row(p: int, nhs_number: str) -> tuple:
    born = date(1950 + p % 50, 1 + p % 12, 1 + p % 28)
    return (
        p,
        _uuid(p),
        nhs_number,
        f"Given{p % 997}",
        f"Family{p:07d}",
        "",
        born,
        STARTED_ON,
        team_of(p),
        1,
    )


def _uuid(p: int) -> str:
    return f"00000000-0000-4004-8000-{p:012d}"


def team_of(person: int) -> int:
    if person <= CASELOAD:
        return 1
    return 2 + (person - CASELOAD - 1) % (TEAMS - 1)


def _coordinator_sql(person: str) -> str:
    """The care coordinator (user id) of person `person`, as SQL."""
    team = f"(2 + ({person} - {CASELOAD} - 1) % {TEAMS - 1})"
    slot = f"((({person} - {CASELOAD} - 1) / {TEAMS - 1}) % {COORDINATORS})"
    return f"(CASE WHEN {person} <= {CASELOAD} THEN {COORDINATOR} ELSE ({team} - 1) * {STAFF} + 2 + {slot} END)"


def _plans(cursor: Any, people: int) -> None:
    plans = max(1, int(people * PLAN_SHARE))
    cursor.execute(
        f"""
        INSERT INTO careplans_recoveryplan (id, public_id, status, created_at, updated_at,
            revision, what_matters, strengths, hopes, about_revision, stay_well, set_backs,
            early_signs, early_signs_actions, keeping_well_revision, crisis_helps,
            crisis_unhelpful, practical_arrangements, treatment_preferences, crisis_revision,
            created_by_id, service_user_id, review_due_on)
        SELECT p, gen_random_uuid(), 'draft', now(), now(), 1, 'My children and my allotment.',
            'I am patient.', 'To go back to work.', 1, 'Walks.', 'Losing sleep.', 'Not eating.',
            'Call my sister.', 1, 'Quiet.', 'Crowds.', 'Feed the cat.', 'No changes.', 1,
            {_coordinator_sql("p")}, p, current_date + 90
        FROM generate_series(1, {plans}) p
        """
    )
    cursor.execute(
        """
        INSERT INTO careplans_goal (public_id, position, life_area, description, why_it_matters,
            status, revision, plan_id)
        SELECT gen_random_uuid(), g, 'work', 'Goal ' || g || ' in my own words',
            'It gives the week a shape.', 'in_progress', 1, r.id
        FROM careplans_recoveryplan r,
             generate_series(1, CASE WHEN r.id = 1 THEN 6 ELSE 4 + r.id % 2 END) g
        """
    )
    cursor.execute(
        "INSERT INTO careplans_goalstep (public_id, position, what, who, revision, goal_id) "
        "SELECT gen_random_uuid(), 1, 'Ring the college', 'me', 1, id FROM careplans_goal"
    )
    cursor.execute(
        "INSERT INTO careplans_crisiscontact (public_id, position, name, relationship, phone, "
        "when_to_call, revision, plan_id) SELECT gen_random_uuid(), c, 'Contact ' || c, 'Sister',"
        " '07700 900' || lpad(c::text, 3, '0'), 'Any time', 1, r.id "
        "FROM careplans_recoveryplan r, generate_series(1, 2) c"
    )
    cursor.execute(
        "INSERT INTO careplans_supporter (public_id, name, kind, relationship, contact, "
        "shared_parts, told_of_carer_assessment, revision, plan_id, consent_dates) "
        "SELECT gen_random_uuid(), 'Supporter', 'family', 'Mother', '', '[]', false, 1, id, '{}' "
        "FROM careplans_recoveryplan"
    )


def _check_ins(cursor: Any, people: int) -> None:
    """About four sent check-ins a person, 20 for person 1, each a month apart going back."""
    cursor.execute(
        "SELECT id FROM surveys_instrument WHERE key = %s AND active ORDER BY version DESC LIMIT 1",
        [BUILT_IN_KEY],
    )
    instrument = cursor.fetchone()[0]
    cursor.execute(
        "SELECT DISTINCT domain FROM surveys_item WHERE instrument_id = %s ORDER BY 1",
        [instrument],
    )
    domains = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        f"""
        INSERT INTO surveys_response (public_id, idempotency_key, channel, status, started_at,
            submitted_at, completed_on, period, answered_count, instrument_id, service_user_id,
            team_id, withdrawal_reason)
        SELECT gen_random_uuid(), gen_random_uuid(), 'signed_in', 'submitted', d + time '11:50',
            d + time '12:00', d, date_trunc('month', d)::date, 12, {int(instrument)}, s.id,
            s.team_id, ''
        FROM directory_serviceuser s,
             generate_series(1, CASE WHEN s.id = 1 THEN 20 WHEN s.id % 25 = 0 THEN 5 ELSE 4 END) k,
             LATERAL (SELECT current_date - (k * 30 + s.id % 20)::int AS d) AS day
        """
    )
    values = ", ".join(f"('{d}', {n})" for n, d in enumerate(domains, 1))
    cursor.execute(
        f"""
        INSERT INTO surveys_responsescore (response_id, trust_id, team_id, service_user_id,
            period, instrument_key, domain, score, change, sent)
        SELECT id, 1, team_id, service_user_id, period, '{BUILT_IN_KEY}', domain, score,
            CASE WHEN first_on = completed_on THEN NULL ELSE score - first_score END, true
        FROM (
            SELECT r.id, r.team_id, r.service_user_id, r.period, r.completed_on, x.domain,
                (1 + (r.id * 7 + x.n) % 5)::numeric AS score,
                first_value((1 + (r.id * 7 + x.n) % 5)::numeric) OVER w AS first_score,
                first_value(r.completed_on) OVER w AS first_on
            FROM surveys_response r, (VALUES {values}) AS x (domain, n)
            WINDOW w AS (PARTITION BY r.service_user_id, x.domain ORDER BY r.completed_on)
        ) AS s
        """
    )
