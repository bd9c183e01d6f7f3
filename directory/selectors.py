"""Reads shared by pages, the API and jobs; each scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .choices import TeamRole
from .models import Membership, ServiceUser, Team, User
from .nhs_number import normalise_nhs_number
from .permissions import roles_of, service_users_visible_to, teams_visible_to


def service_user_list(*, user: User, search: str = "") -> QuerySet[ServiceUser]:
    """The people the user may see, searchable by name or NHS number, ready to show."""
    people = service_users_visible_to(user).select_related("team", "care_coordinator")
    search = search.strip()
    if search:
        digits = normalise_nhs_number(search)
        if digits.isdigit():
            people = people.filter(nhs_number__startswith=digits)
        else:
            for word in search.split():
                people = people.filter(
                    Q(given_name__icontains=word)
                    | Q(family_name__icontains=word)
                    | Q(preferred_name__icontains=word)
                )
    return people.order_by("family_name", "given_name", "pk")


def caseload_for(*, user: User, search: str = "") -> QuerySet[ServiceUser]:
    """A clinician's working list: a care coordinator's own people, a team leader's teams',
    a peer support worker's teams' people."""
    roles = roles_of(user)
    people = service_user_list(user=user, search=search)
    if roles.service_user_id is not None:
        people = people.exclude(pk=roles.service_user_id)
    return people


def _count_per_team(queryset: QuerySet, column: str) -> Subquery:
    return Subquery(
        queryset.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count(column, distinct=True))
        .values("n"),
        output_field=IntegerField(),
    )


def team_overview(*, user: User) -> QuerySet[Team]:
    """The trust's teams with how many staff and people each has, for staff of the trust.

    Counted by two subqueries: joining members and people at once would multiply the rows
    (a 9-person team with 250 people makes 2,250) before counting them.
    """
    return (
        teams_visible_to(user)
        .annotate(
            member_count=Coalesce(_count_per_team(Membership.objects.all(), "user"), 0),
            caseload_size=Coalesce(_count_per_team(ServiceUser.objects.all(), "pk"), 0),
        )
        .order_by("name")
    )


def team_members(*, team: Team) -> QuerySet[Membership]:
    """A team's memberships with each member's caseload size in this team, one query."""
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .annotate(
            caseload_size=Count(
                "user__caseload",
                filter=Q(user__caseload__team=team),
            )
        )
        .order_by("user__last_name", "user__first_name", "role")
    )


def staff_list(*, user: User) -> QuerySet[User]:
    """The trust's staff with their team and trust-wide roles, for HR and administrators."""
    trust_id = roles_of(user).trust_id
    if trust_id is None:
        return User.objects.none()
    return (
        User.objects.filter(trust_id=trust_id, is_active=True)
        .filter(Q(memberships__isnull=False) | Q(trust_roles__isnull=False))
        .distinct()
        .prefetch_related("memberships__team", "trust_roles")
        .order_by("last_name", "first_name", "username")
    )


def care_coordinators_in(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(
        memberships__team=team, memberships__role=TeamRole.CARE_COORDINATOR, is_active=True
    ).order_by("last_name", "first_name")
