"""Reads shared by the pages, the API and the dashboard: scoped by `permissions`, with their
relations read once, so each list costs a fixed number of queries whatever its length."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from django.db import connection
from django.db.models import (
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce

from careplans.models import Goal
from directory.models import Team, User

from ..models import Network, NetworkMeeting, Opportunity, Partner, Referral, ReferralStep, TeamBase
from ..permissions import (
    networks_visible_to,
    opportunities_visible_to,
    partners_visible_to,
    referrals_visible_to,
)
from ..transitions import HOLDS_PLACE

KM_PER_DEGREE = 111.32


def word_search(rows: QuerySet, words: str, fields: Sequence[str]) -> QuerySet:
    """Rows matching `words`: PostgreSQL full-text search (English stemming, web-style
    syntax) where the database is PostgreSQL; elsewhere every word must appear in one of the
    fields (case-insensitive), which SQLite can do."""
    words = words.strip()
    if not words:
        return rows
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        return rows.annotate(search=SearchVector(*fields, config="english")).filter(
            search=SearchQuery(words, config="english", search_type="websearch")
        )
    for word in words.split():
        condition = Q()
        for name in fields:
            condition |= Q(**{f"{name}__icontains": word})
        rows = rows.filter(condition)
    return rows


# --- networks ------------------------------------------------------------------------------


def network_list(user: User) -> QuerySet[Network]:
    return (
        networks_visible_to(user)
        .select_related("coordinator")
        .annotate(
            partner_count=Count("partners", distinct=True), team_count=Count("teams", distinct=True)
        )
        .order_by("name")
    )


def network_detail(user: User, public_id: UUID | str) -> Network | None:
    return (
        networks_visible_to(user)
        .select_related("coordinator")
        .prefetch_related(
            Prefetch("teams", queryset=Team.objects.order_by("name")),
            "experts",
            Prefetch("partners", queryset=Partner.objects.filter(is_active=True).order_by("name")),
        )
        .filter(public_id=public_id)
        .first()
    )


@dataclass(frozen=True)
class ShareRow:
    """One meeting's attendance and the share of it that was people with lived experience."""

    meeting: NetworkMeeting
    share: float | None


def lived_experience_shares(meetings: Sequence[NetworkMeeting]) -> list[ShareRow]:
    """Each meeting, oldest first, with the lived-experience share of its attendance."""
    rows = []
    for meeting in sorted(meetings, key=lambda m: m.held_on):
        total = meeting.attendance
        rows.append(ShareRow(meeting, meeting.lived_experience / total if total else None))
    return rows


# --- partners and opportunities ------------------------------------------------------------


PARTNER_SEARCH_FIELDS = ("name", "description", "address")
OPPORTUNITY_SEARCH_FIELDS = ("title", "description", "eligibility", "partner__name")


def partner_directory(
    user: User,
    *,
    words: str = "",
    kind: str = "",
    network: Network | None = None,
    active_only: bool = True,
) -> QuerySet[Partner]:
    partners = partners_visible_to(user)
    if active_only:
        partners = partners.filter(is_active=True)
    if kind:
        partners = partners.filter(kind=kind)
    if network is not None:
        partners = partners.filter(
            Q(pk__in=Partner.networks.through.objects.filter(network=network).values("partner_id"))
        )
    partners = word_search(partners, words, PARTNER_SEARCH_FIELDS)
    return partners.prefetch_related(
        Prefetch("networks", queryset=Network.objects.order_by("name"))
    ).order_by("name", "pk")


def with_places_taken(opportunities: QuerySet[Opportunity]) -> QuerySet[Opportunity]:
    """Annotate `places_taken`: referrals accepted or started, holding a place now."""
    taken = (
        Referral.objects.filter(opportunity=OuterRef("pk"), status__in=HOLDS_PLACE)
        .order_by()
        .values("opportunity")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return opportunities.annotate(
        places_taken=Coalesce(Subquery(taken, output_field=IntegerField()), Value(0))
    )


def places_left(opportunity: Opportunity) -> int | None:
    """None where places are unlimited."""
    if opportunity.places is None:
        return None
    return max(opportunity.places - getattr(opportunity, "places_taken", 0), 0)


def team_bases(user: User) -> QuerySet[TeamBase]:
    if user.trust_id is None:
        return TeamBase.objects.none()
    return (
        TeamBase.objects.filter(team__trust_id=user.trust_id, latitude__isnull=False)
        .select_related("team")
        .order_by("team__name")
    )


def nearest_first(opportunities: QuerySet[Opportunity], base: TeamBase) -> QuerySet[Opportunity]:
    """Order by distance from `base`, with no GIS: an equirectangular approximation (good to a
    fraction of a per cent over a county), as plain arithmetic every database can do. Places
    without coordinates come last; `distance2` is in squared degrees of latitude."""
    assert base.latitude is not None and base.longitude is not None
    scale = math.cos(math.radians(base.latitude))
    lat = Coalesce("latitude", "partner__latitude")
    lng = Coalesce("longitude", "partner__longitude")
    dy = lat - Value(base.latitude)
    dx = (lng - Value(base.longitude)) * Value(scale)
    return opportunities.annotate(distance2=(dy * dy + dx * dx)).order_by(
        F("distance2").asc(nulls_last=True), "title", "pk"
    )


def distance_km(opportunity: Opportunity) -> float | None:
    squared = getattr(opportunity, "distance2", None)
    return None if squared is None else math.sqrt(squared) * KM_PER_DEGREE


def opportunity_search(
    user: User,
    *,
    words: str = "",
    kind: str = "",
    network: Network | None = None,
    near: TeamBase | None = None,
    open_only: bool = True,
    with_places: bool = False,
) -> QuerySet[Opportunity]:
    opportunities = opportunities_visible_to(user).filter(partner__is_active=True)
    if open_only:
        opportunities = opportunities.filter(is_active=True)
    if kind:
        opportunities = opportunities.filter(kind=kind)
    if network is not None:
        opportunities = opportunities.filter(
            partner_id__in=Partner.networks.through.objects.filter(network=network).values(
                "partner_id"
            )
        )
    opportunities = word_search(opportunities, words, OPPORTUNITY_SEARCH_FIELDS)
    opportunities = with_places_taken(opportunities.select_related("partner"))
    if with_places:
        opportunities = opportunities.filter(
            Q(places__isnull=True) | Q(places__gt=F("places_taken"))
        )
    if near is not None:
        return nearest_first(opportunities, near)
    return opportunities.annotate(distance2=Value(None, output_field=FloatField())).order_by(
        "title", "pk"
    )


def opportunity_detail(user: User, public_id: UUID | str) -> Opportunity | None:
    return (
        with_places_taken(opportunities_visible_to(user).select_related("partner"))
        .filter(public_id=public_id)
        .first()
    )


def partner_detail(user: User, public_id: UUID | str) -> Partner | None:
    return (
        partners_visible_to(user)
        .prefetch_related(
            Prefetch("networks", queryset=Network.objects.order_by("name")),
            Prefetch(
                "opportunities",
                queryset=with_places_taken(Opportunity.objects.all()).order_by("title"),
            ),
        )
        .filter(public_id=public_id)
        .first()
    )


# --- referrals -----------------------------------------------------------------------------


def _with_steps(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related("opportunity", "partner").prefetch_related(
        Prefetch("steps", queryset=ReferralStep.objects.order_by("happened_on", "pk"))
    )


def referrals_of_goals(user: User, goals: Sequence[Goal]) -> dict[int, list[Referral]]:
    """Each goal's referrals that this user may see, with the date of their latest step
    (`last_step_on`): one query for the whole plan, whatever the number of goals."""
    found: dict[int, list[Referral]] = {goal.pk: [] for goal in goals}
    latest = (
        ReferralStep.objects.filter(referral=OuterRef("pk"))
        .order_by("-happened_on", "-pk")
        .values("happened_on")[:1]
    )
    rows = (
        referrals_visible_to(user)
        .filter(goal__in=[g.pk for g in goals])
        .select_related("opportunity", "partner")
        .annotate(last_step_on=Subquery(latest))
    )
    for referral in rows.order_by("created_at", "pk"):
        found[referral.goal_id].append(referral)
    return found


def referral_detail(user: User, public_id: UUID | str) -> Referral | None:
    return (
        _with_steps(referrals_visible_to(user))
        .select_related("person", "goal", "team")
        .filter(public_id=public_id)
        .first()
    )


def referral_list(user: User, *, status: str = "") -> QuerySet[Referral]:
    rows = _with_steps(referrals_visible_to(user)).select_related("person")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "pk")
