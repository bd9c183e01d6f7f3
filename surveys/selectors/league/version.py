"""The league figures' version per trust: a token that changes whenever the trust's rollup rows
(or a team's recorded process changes) do, so pages can keep their rendered figures in the
cache under it and never show figures older than the rows.

The token lives in the cache beside what it keys. It is a fresh time-based value whenever it is
missing, so a token lost or evicted never comes back equal to one an old fragment was kept under.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction


def _key(trust_id: int) -> str:
    return f"surveys:league-version:{trust_id}"


def league_version(*, trust_id: int) -> str:
    """The trust's current token (made now if there is none)."""
    version = cache.get(_key(trust_id))
    if version is None:
        cache.add(_key(trust_id), str(time.time_ns()), timeout=None)
        version = cache.get(_key(trust_id)) or ""
    return str(version)


def league_version_bump(trust_ids: Iterable[int]) -> None:
    """A new token for each trust, now and again once the caller's transaction commits: a page
    drawn in between, from rows not yet committed, is kept under a token that is already gone."""
    trusts = sorted(set(trust_ids))

    def bump() -> None:
        cache.set_many({_key(t): str(time.time_ns()) for t in trusts}, timeout=None)

    bump()
    transaction.on_commit(bump)
