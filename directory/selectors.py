"""Reads shared by pages, the API and jobs; each scoped to what the user may see."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .choices import CareRelationshipKind, TeamRole
from .models import (
    CareRelationship,
    Membership,
    ServiceUser,
    Team,
    TeamEpisode,
    User,
    with_care_coordinator,
)
from .nhs_number import normalise_nhs_number
from .permissions import (
    memberships_in_force,
    roles_of,
    service_users_visible_to,
    teams_visible_to,
    trust_roles_in_force,
)

# --- what holds today (or on a given day) ------------------------------------------------
# Every read of "current role" or "current team" goes through these.


def current_team_id(*, person_id: int) -> int:
    """The id of the person's team today (kept on the person by the service that moves them)."""
    return ServiceUser.objects.values_list("team_id", flat=True).get(pk=person_id)


def team_on(*, person: ServiceUser, on: datetime.date | None = None) -> Team | None:
    """The team a person was in on a day (today: the same as `person.team`)."""
    episode = TeamEpisode.objects.in_force(on).filter(person=person).select_related("team").first()
    return episode.team if episode else None


def service_user_list(*, user: User, search: str = "") -> QuerySet[ServiceUser]:
    """The people the user may see, searchable by name or NHS number, ready to show."""
    people = with_care_coordinator(service_users_visible_to(user).select_related("team"))
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


def own_caseload_for(*, user: User) -> QuerySet[ServiceUser]:
    """The people whose care coordinator today is this user, among those they may see."""
    theirs = CareRelationship.objects.in_force().filter(
        person=OuterRef("pk"), staff=user, kind=CareRelationshipKind.CARE_COORDINATOR
    )
    return caseload_for(user=user).filter(Exists(theirs))


def _count_per_team(rows: QuerySet) -> Subquery:
    """COUNT(*) of `rows` in the outer team: an index-only scan on the team's index, where a
    COUNT(DISTINCT ...) read every row of a large team from the heap."""
    return Subquery(
        rows.filter(team=OuterRef("pk"))
        .order_by()
        .values("team")
        .annotate(n=Count("*"))
        .values("n"),
        output_field=IntegerField(),
    )


def team_overview(*, user: User) -> QuerySet[Team]:
    """The trust's teams with how many staff and people each has, for staff of the trust.

    Counted by two subqueries: joining members and people at once would multiply the rows
    (a 9-person team with 250 people makes 2,250) before counting them. Someone with two roles
    in a team (leader and coordinator) counts once: only their first membership is counted.
    """
    earlier_role_in_team = memberships_in_force().filter(
        team=OuterRef("team"), user=OuterRef("user"), pk__lt=OuterRef("pk")
    )
    staff = memberships_in_force().filter(~Exists(earlier_role_in_team))
    return (
        teams_visible_to(user)
        .annotate(
            member_count=Coalesce(_count_per_team(staff), 0),
            caseload_size=Coalesce(_count_per_team(ServiceUser.objects.all()), 0),
        )
        .order_by("name")
    )


def team_members(*, team: Team) -> QuerySet[Membership]:
    """A team's memberships today with each member's caseload size in this team, one query."""
    caseload = (
        CareRelationship.objects.in_force()
        .filter(
            staff=OuterRef("user"),
            kind=CareRelationshipKind.CARE_COORDINATOR,
            person__team=team,
        )
        .order_by()
        .values("staff")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        memberships_in_force()
        .filter(team=team)
        .select_related("user")
        .annotate(caseload_size=Coalesce(Subquery(caseload, output_field=IntegerField()), 0))
        .order_by("user__last_name", "user__first_name", "role")
    )


def staff_list(*, user: User) -> QuerySet[User]:
    """The trust's staff with their team and trust-wide roles, for HR and administrators."""
    trust_id = roles_of(user).trust_id
    if trust_id is None:
        return User.objects.none()
    return (
        User.objects.filter(trust_id=trust_id, is_active=True)
        .filter(
            Q(pk__in=memberships_in_force().filter(team__trust_id=trust_id).values("user"))
            | Q(pk__in=trust_roles_in_force().filter(trust_id=trust_id).values("user"))
        )
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=memberships_in_force().select_related("team"),
            ),
            Prefetch("trust_roles", queryset=trust_roles_in_force().filter(trust_id=trust_id)),
        )
        .order_by("last_name", "first_name", "username")
    )


def care_coordinators_in(*, team: Team) -> QuerySet[User]:
    """The people who coordinate care in a team today."""
    coordinating = memberships_in_force().filter(team=team, role=TeamRole.CARE_COORDINATOR)
    return User.objects.filter(pk__in=coordinating.values("user"), is_active=True).order_by(
        "last_name", "first_name"
    )


def care_coordinator_of(*, person: ServiceUser) -> CareRelationship | None:
    """The person's open care-coordinator relationship, if they have one."""
    return (
        CareRelationship.objects.in_force()
        .filter(person=person, kind=CareRelationshipKind.CARE_COORDINATOR)
        .first()
    )


def coordinators_in_teams(*, team_ids: frozenset[int] | set[int]) -> QuerySet[User]:
    """The people who coordinate care today in any of these teams, by name: a team leader's
    choice when narrowing the caseload to one coordinator's people."""
    if not team_ids:
        return User.objects.none()
    coordinating = memberships_in_force().filter(
        team_id__in=team_ids, role=TeamRole.CARE_COORDINATOR
    )
    return User.objects.filter(pk__in=coordinating.values("user"), is_active=True).order_by(
        "last_name", "first_name", "pk"
    )


def coordinated_by(people: QuerySet[ServiceUser], *, staff: User) -> QuerySet[ServiceUser]:
    """Of these people, those whose care coordinator today is `staff`."""
    theirs = CareRelationship.objects.in_force().filter(
        person=OuterRef("pk"), staff=staff, kind=CareRelationshipKind.CARE_COORDINATOR
    )
    return people.filter(Exists(theirs))


def episode_started_on(*, person: ServiceUser) -> datetime.date | None:
    """The day the person's time in their current team began (their open team episode)."""
    return (
        TeamEpisode.objects.filter(person=person, ended_on__isnull=True)
        .values_list("started_on", flat=True)
        .first()
    )
