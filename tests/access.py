"""The authorisation matrix's vocabulary. Each app lists its URLs in `tests/<app>/access_rows.py`
as `ROWS = {url_name: [Case, ...]}`; tests/test_authorisation_matrix.py runs every row for every
role and fails when a URL has no row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .conftest import ROLES, World

REDIRECT = 302  # a page asks an anonymous visitor to sign in
UNAUTHENTICATED = 401  # the API asks for credentials


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected status for every role: `default`, except where named."""
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: overrides.get(role, default) for role in ROLES}


def page(default: int, **overrides: int) -> dict[str, int]:
    """A signed-in page: anonymous visitors are sent to sign in."""
    return expect(default, **{"anonymous": REDIRECT, **overrides})


def api(default: int, **overrides: int) -> dict[str, int]:
    """An API endpoint: anonymous callers get 401."""
    return expect(default, **{"anonymous": UNAUTHENTICATED, **overrides})


@dataclass
class Case:
    expect: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    label: str = ""
    writes: bool = False  # a case whose successful request is meant to write
