"""Every URL x every role -> the expected status, with nothing leaked and nothing written (no row
of any table changed, bar the few that reads write by design).

Rows live beside each app's tests (`tests/<app>/access_rows.py`). A URL added without rows
fails `test_every_url_has_rows`.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from directory.models import AccessEvent
from surveys.services import INVITATION_ACTOR

from .access import Case
from .conftest import ROLES, World, sessions_for

# Every case runs in a savepoint inside one world made for the module (conftest.module_world).
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(module_world: World) -> World:
    return module_world


@pytest.fixture(scope="module")
def sessions(module_world: World, django_db_blocker) -> dict[str, str]:
    with django_db_blocker.unblock():
        return sessions_for(module_world)


@pytest.fixture(scope="module")
def last_event_before_cases(module_world: World, sessions, django_db_blocker) -> int:
    """The last audit row the module's world holds. Every case rolls back what it wrote, and
    ids only grow, so the rows after this one are exactly those the running case wrote: one
    query for the module rather than one per case."""
    with django_db_blocker.unblock():
        return AccessEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.fixture
def signed_in(client, sessions):
    """A test client with the persona's session from the module's world (anonymous for None)."""

    def sign_in(role: str):
        if role in sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        return client

    return sign_in


# URLs kept out of the matrix, each with the reason and where it is tested instead.
NOT_IN_MATRIX = {
    # Django admin pages that need an object, an app label or a POST; the trust scoping of
    # those is tested in tests/directory/test_admin.py.
    "admin:app_list": "needs an app label; test_admin.py",
    "admin:view_on_site": "redirect helper; test_admin.py",
    "admin:autocomplete": "JSON for autocomplete widgets, which no admin page here uses",
}
ADMIN_OBJECT_SUFFIXES = ("_change", "_delete", "_history")


def _all_rows() -> tuple[dict[str, list[Case]], dict[str, str]]:
    rows: dict[str, list[Case]] = {}
    not_audited: dict[str, str] = {}
    tests_dir = Path(__file__).parent
    for info in pkgutil.iter_modules([str(tests_dir)]):
        if not info.ispkg or not (tests_dir / info.name / "access_rows.py").exists():
            continue
        module = importlib.import_module(f"tests.{info.name}.access_rows")
        for name, cases in module.ROWS.items():
            assert name not in rows, f"{name} has rows in two places"
            rows[name] = cases
        not_audited.update(getattr(module, "NOT_AUDITED", {}))
    return rows, not_audited


ROWS, NOT_AUDITED = _all_rows()
# URL parameters that pick out a person, their plan or one of their records.
RECORD_PARAMETERS = {"public_id", "token"}


def _url_names(patterns=None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _url_names(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def _url_parameters(patterns=None, prefix: str = "", outer=frozenset()) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        parameters = outer | set(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            found |= _url_parameters(entry.url_patterns, namespace, frozenset(parameters))
        elif isinstance(entry, URLPattern) and entry.name:
            found[f"{prefix}{entry.name}"] = parameters
    return found


def test_every_url_of_a_record_is_audited_or_says_why():
    unmarked = sorted(
        name
        for name, parameters in _url_parameters().items()
        if parameters & RECORD_PARAMETERS
        and name in ROWS
        and name not in NOT_AUDITED
        and not any(case.audits for case in ROWS[name])
    )
    assert not unmarked, (
        f"URLs of a record with no audits= marker and no NOT_AUDITED reason: {unmarked}"
    )
    both = sorted(name for name in NOT_AUDITED if any(case.audits for case in ROWS.get(name, [])))
    assert not both, f"URLs both audited and excused: {both}"
    assert all(reason.strip() for reason in NOT_AUDITED.values())


def test_every_url_has_rows():
    names = {
        name
        for name in _url_names()
        if name not in NOT_IN_MATRIX and not name.endswith(ADMIN_OBJECT_SUFFIXES)
    }
    missing = sorted(names - ROWS.keys())
    assert not missing, f"URLs without rows in the authorisation matrix: {missing}"
    stale = sorted(ROWS.keys() - _url_names())
    assert not stale, f"rows for URLs that no longer exist: {stale}"


def _cases():
    for name, cases in sorted(ROWS.items()):
        for index, case in enumerate(cases):
            for role in ROLES:
                label = f"{name}[{case.label or index}]-{role}"
                yield pytest.param(name, index, role, id=label)


# Tables a read writes by design: the access audit records every read of a person's record; the
# session, and django-axes's log of signing in and out, carry state from one request to the next.
WRITTEN_BY_READS = {"directory.AccessEvent", "sessions.Session", "axes.AccessLog"}


def _tables() -> list[str]:
    return sorted(
        {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
            and not model._meta.proxy
            and model._meta.label not in WRITTEN_BY_READS
        }
    )


TABLES = _tables()
# Postgres counts, per table, the rows this transaction has inserted, updated and deleted (its
# savepoints included, even those rolled back). Every test runs inside a transaction, so the
# counts before and after a request differ exactly when the request wrote to that table. One
# catalog query: reading every row of every table twice per case made the matrix several
# times slower.
WRITES_SQL = (
    "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables "
    "WHERE schemaname = current_schema() AND relname = ANY(%s)"
)


def _snapshot() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far in this transaction, per table (bar
    WRITTEN_BY_READS): any insert, update or delete between two snapshots shows."""
    assert connection.in_atomic_block, "write counts are per transaction"
    with connection.cursor() as cursor:
        cursor.execute(WRITES_SQL, [TABLES])
        counted = {table: (ins, upd, dele) for table, ins, upd, dele in cursor.fetchall()}
    return {table: counted.get(table, (0, 0, 0)) for table in TABLES}


@pytest.mark.parametrize(("name", "index", "role"), list(_cases()))
def test_matrix(
    world: World,
    signed_in,
    last_event_before_cases: int,
    django_capture_on_commit_callbacks,
    name,
    index,
    role,
):
    case = ROWS[name][index]
    client = signed_in(role)
    url = reverse(name, kwargs=case.kwargs(world))
    before = _snapshot()
    last_event = last_event_before_cases

    with django_capture_on_commit_callbacks() as callbacks:
        if case.method == "post":
            response = client.post(url, case.data(world) if case.data else {})
        else:
            response = client.get(url)

    assert response.status_code == case.expect[role], (
        f"{role} {case.method.upper()} {url}: expected {case.expect[role]}, got {response.status_code}"
    )
    if not case.writes:
        after = _snapshot()
        changed = sorted(table for table in before if after[table] != before[table])
        assert not changed, f"a read wrote to {changed}"
        assert callbacks == [], "a read enqueued background work"
    if case.audits and _let_in(case, response):
        _assert_audited(world, role, name, case.audits, after=last_event)
    body = response.content.decode(errors="replace")
    hidden = [world.person] if role == "other_trust_staff" else [world.foreign_person]
    if role in ("anonymous", "qa_manager", "hr", "network_coordinator"):
        hidden += [world.person, world.teammate_person, world.other_team_person]
    if role == "service_user":
        hidden += [world.teammate_person, world.other_team_person]
    for person in hidden:
        assert person.family_name not in body, f"{role} saw {person.family_name} at {url}"
        assert person.nhs_number not in body, f"{role} saw an NHS number at {url}"


def _let_in(case: Case, response) -> bool:
    """Whether the request did what it asked: a page or answer shown, or a write done (and not
    a redirect to sign in)."""
    if response.status_code in (200, 201):
        return True
    if case.method == "post" and response.status_code == 302:
        return resolve(urlsplit(response.url).path).url_name != "login"
    return False


def _assert_audited(world: World, role: str, name: str, resource: str, *, after: int) -> None:
    user = world.user(role)
    rows = AccessEvent.objects.filter(pk__gt=after, resource=resource, via=name)
    if user is not None:
        rows = rows.filter(actor=user)
    else:  # only a one-time link lets anyone at a record without signing in
        rows = rows.filter(actor__isnull=True, actor_description__startswith=INVITATION_ACTOR)
    assert rows.exists(), (
        f"{role} at {name}: no '{resource}' audit row naming them; got "
        f"{list(AccessEvent.objects.filter(pk__gt=after).values_list('resource', 'via', 'actor'))}"
    )


def test_the_snapshot_sees_inserts_updates_and_deletes(world: World):
    from directory.models import Team

    from .factories import TeamFactory

    before = _snapshot()
    Team.objects.filter(pk=world.team.pk).update(name="Renamed")
    after_update = _snapshot()
    team = TeamFactory.create(trust=world.trust)
    after_insert = _snapshot()
    team.delete()
    after_delete = _snapshot()

    table = Team._meta.db_table
    assert before[table] != after_update[table] != after_insert[table] != after_delete[table]
    assert {t for t in TABLES if before[t] != after_delete[t]} == {table}
