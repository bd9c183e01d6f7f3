"""Every URL x every role -> the expected status, with nothing leaked and nothing written (no row
of any table changed, bar the few that reads write by design).

Rows live beside each app's tests (`tests/<app>/access_rows.py`). A URL added without rows
fails `test_every_url_has_rows`.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .access import Case
from .conftest import ROLES, World

# URLs kept out of the matrix, each with the reason and where it is tested instead.
NOT_IN_MATRIX = {
    # Django admin pages that need an object, an app label or a POST; the trust scoping of
    # those is tested in tests/directory/test_admin.py.
    "admin:app_list": "needs an app label; test_admin.py",
    "admin:view_on_site": "redirect helper; test_admin.py",
    "admin:autocomplete": "JSON for autocomplete widgets, which no admin page here uses",
}
ADMIN_OBJECT_SUFFIXES = ("_change", "_delete", "_history")


def _all_rows() -> dict[str, list[Case]]:
    rows: dict[str, list[Case]] = {}
    tests_dir = Path(__file__).parent
    for info in pkgutil.iter_modules([str(tests_dir)]):
        if not info.ispkg or not (tests_dir / info.name / "access_rows.py").exists():
            continue
        module = importlib.import_module(f"tests.{info.name}.access_rows")
        for name, cases in module.ROWS.items():
            assert name not in rows, f"{name} has rows in two places"
            rows[name] = cases
    return rows


ROWS = _all_rows()


def _url_names(patterns=None, prefix: str = "") -> set[str]:
    names: set[str] = set()
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _url_names(entry.url_patterns, namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


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
# Table names come from the models, never from input.
FINGERPRINT_SQL = " UNION ALL ".join(
    f"SELECT %s, count(*), md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) FROM {connection.ops.quote_name(table)} r"  # noqa: S608
    for table in TABLES
)


def _snapshot() -> dict[str, tuple[int, str]]:
    """Every row of every table (bar WRITTEN_BY_READS), as a count and a hash per table, in one
    query: any insert, update or delete shows."""
    with connection.cursor() as cursor:
        cursor.execute(FINGERPRINT_SQL, TABLES)
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


@pytest.mark.parametrize(("name", "index", "role"), list(_cases()))
def test_matrix(world: World, client_for, django_capture_on_commit_callbacks, name, index, role):
    case = ROWS[name][index]
    client = client_for(world.user(role))
    url = reverse(name, kwargs=case.kwargs(world))
    before = _snapshot()

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
    body = response.content.decode(errors="replace")
    hidden = [world.person] if role == "other_trust_staff" else [world.foreign_person]
    if role in ("anonymous", "qa_manager", "hr", "network_coordinator"):
        hidden += [world.person, world.teammate_person, world.other_team_person]
    if role == "service_user":
        hidden += [world.teammate_person, world.other_team_person]
    for person in hidden:
        assert person.family_name not in body, f"{role} saw {person.family_name} at {url}"
        assert person.nhs_number not in body, f"{role} saw an NHS number at {url}"
