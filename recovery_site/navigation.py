"""Where each role may go, written once: the header's menu and the home page's cards both read
this map, so a page a role gains or loses appears or disappears in both places."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from django.urls import get_script_prefix, reverse

from directory.models import User
from directory.permissions import (
    may_use_admin_site,
    may_use_caseload,
    may_view_staff_directory,
    may_view_trust_overview,
    roles_of,
)
from networks.permissions import is_partner_contact, may_use_directory
from peersupport.permissions import may_manage_workforce, may_use_own_rota
from surveys.permissions import may_view_league


@dataclass(frozen=True)
class Destination:
    """A page in the header's menu, and the home card that leads to it when `card` says what
    the page holds. (The caseload's card counts people, so the home page writes its own.)"""

    key: str
    label: str
    url_name: str
    allowed: Callable[[User], bool]
    card: str = ""


def _always(user: User) -> bool:
    return True


def _has_own_plan(user: User) -> bool:
    return roles_of(user).is_service_user


DESTINATIONS: tuple[Destination, ...] = (
    Destination("home", "Home", "home", _always),
    Destination("caseload", "Caseload", "caseload", may_use_caseload),
    Destination("own_plan", "Your recovery plan", "careplans:own_plan", _has_own_plan),
    Destination(
        "teams",
        "Teams",
        "directory:teams",
        may_view_trust_overview,
        card="Every team in the trust, with staff and caseload sizes.",
    ),
    Destination(
        "staff",
        "Staff",
        "directory:staff",
        may_view_staff_directory,
        card="Staff, their roles and teams.",
    ),
    Destination(
        "league",
        "League table",
        "surveys:league",
        may_view_league,
        card="The trust's teams compared honestly, with funnel plots and other trusts.",
    ),
    Destination(
        "networks",
        "Networks",
        "networks:networks",
        may_use_directory,
        card="Locality networks, the partner directory and the opportunities partners offer.",
    ),
    Destination(
        "partner_referrals",
        "Referrals",
        "networks:partner_home",
        is_partner_contact,
        card="Referrals to your organisation, and the opportunities it offers.",
    ),
    Destination(
        "peer_workforce",
        "Peer workforce",
        "peersupport:coverage",
        may_manage_workforce,
        card="Peer posts and where they are missing, champions, and rotas checked against "
        "working-time law.",
    ),
    Destination("my_rota", "My rota", "peersupport:my_rota", may_use_own_rota),
    Destination(
        "admin",
        "Administration",
        "admin:index",
        may_use_admin_site,
        card="Trusts, teams, people, logins and the access audit.",
    ),
)


@dataclass(frozen=True)
class Link:
    destination: Destination
    href: str

    @property
    def key(self) -> str:
        return self.destination.key

    @property
    def label(self) -> str:
        return self.destination.label

    @property
    def card(self) -> str:
        return self.destination.card


@cache
def _address(url_name: str, script_prefix: str) -> str:
    """A destination's address: reversed once per deployment prefix, not on every page."""
    return reverse(url_name)


def links_for(user: User) -> list[Link]:
    """The destinations `user` may use, in menu order, with their addresses."""
    prefix = get_script_prefix()
    return [
        Link(destination, _address(destination.url_name, prefix))
        for destination in DESTINATIONS
        if destination.allowed(user)
    ]
