"""The authorisation matrix's vocabulary. Each app lists its URLs in `tests/<app>/access_rows.py`
as `ROWS = {url_name: [Case, ...]}`; tests/test_authorisation_matrix.py runs every row for every
role and fails when a URL has no row.

A case that shows or changes a person's record names the audit `resource` it must leave behind
(`audits=`); the matrix checks that every role it lets in leaves a row naming that role's user
(or, without one, the person through their own link). A URL that takes a person's, plan's or
record's id and writes no audit row says why in the app's `NOT_AUDITED = {url_name: reason}`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .conftest import ROLES, World

REDIRECT = 302  # a page asks an anonymous visitor to sign in
UNAUTHENTICATED = 401  # the API asks for credentials


NO_ROLE = 403  # a signed-in user with no role in any trust (a partner contact, for now)

# Personas that answer as another does unless a row names them: an assigned peer support
# worker uses the same pages as every peer in their team; only the people they see differ.
ALIKE = {"assigned_peer_support_worker": "peer_support_worker"}

# A person's record, for peers: only the peer assigned to them sees it (world.person has one);
# any other peer in the team is answered as if the person did not exist.
ASSIGNED_PEER_ONLY = {"peer_support_worker": 404, "assigned_peer_support_worker": 200}
NO_PEER = {"peer_support_worker": 404, "assigned_peer_support_worker": 404}


def expect(
    default: int, *, signed_in_without_role: int | None = None, **overrides: int
) -> dict[str, int]:
    """Expected status for every role: `default`, except where named.

    `signed_in_without_role` is what a partner contact gets where no row names them.
    """
    unknown = set(overrides) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    without_role = default if signed_in_without_role is None else signed_in_without_role
    expected = {
        role: overrides.get(role, without_role if role == "partner_contact" else default)
        for role in ROLES
    }
    for role, like in ALIKE.items():
        expected[role] = overrides.get(role, expected[like])
    return expected


def page(default: int, **overrides: int) -> dict[str, int]:
    """A signed-in page: anonymous visitors are sent to sign in."""
    return expect(default, signed_in_without_role=NO_ROLE, **{"anonymous": REDIRECT, **overrides})


def api(default: int, **overrides: int) -> dict[str, int]:
    """An API endpoint: anonymous callers get 401."""
    return expect(
        default, signed_in_without_role=NO_ROLE, **{"anonymous": UNAUTHENTICATED, **overrides}
    )


@dataclass
class Case:
    expect: dict[str, int]
    kwargs: Callable[[World], dict[str, Any]] = field(default=lambda w: {})
    method: str = "get"
    data: Callable[[World], dict[str, Any]] | None = None
    label: str = ""
    writes: bool = False  # a case whose successful request is meant to write
    audits: str = ""  # the access audit's resource a successful request must record
