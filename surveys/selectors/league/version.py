"""The league figures' version per trust: a token that changes whenever the trust's rollup rows
(or a team's recorded process changes) do, so pages can keep their rendered figures in the
cache under it and never show figures older than the rows.

The token lives in the cache beside what it keys. It is a fresh random value whenever it is
missing or bumped, so a token lost or evicted never comes back equal to one an old fragment was
kept under, and two bumps in the same instant still differ.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction


def _key(trust_id: int) -> str:
    return f"surveys:league-version:{trust_id}"


def league_version(*, trust_id: int) -> str:
    """The trust's current token (made now if there is none)."""
    version = cache.get(_key(trust_id))
    if version is None:
        cache.add(_key(trust_id), uuid.uuid4().hex, timeout=None)
        version = cache.get(_key(trust_id)) or ""
    return str(version)


T = TypeVar("T")

# How long a value kept under a version lives: a new version makes it unreachable sooner.
KEPT_SECONDS = 86400


def kept_under_version(
    trust_id: int, name: str, read: Callable[[], T], *, version: str | None = None
) -> T:
    """`read()`, kept in the cache under the trust's current league version (`version`, when
    the caller has just read it): read again only once the version changes. For what only a
    rollup write or a recorded change can alter (and both bump the version), so a page never
    shows it older than the rows."""
    version = version or league_version(trust_id=trust_id)
    key = f"surveys:league-kept:{trust_id}:{version}:{name}"
    found = cache.get(key, _MISSING)
    if found is _MISSING:
        found = read()
        cache.set(key, found, timeout=KEPT_SECONDS)
    return found


_MISSING = object()


def league_version_bump(trust_ids: Iterable[int]) -> None:
    """A new token for each trust, now and again once the caller's transaction commits: a page
    drawn in between, from rows not yet committed, is kept under a token that is already gone."""
    trusts = sorted(set(trust_ids))

    def bump() -> None:
        cache.set_many({_key(t): uuid.uuid4().hex for t in trusts}, timeout=None)

    bump()
    transaction.on_commit(bump)
