"""Who may see and do what in the directory.

Every page and API endpoint asks these functions about the object, never the role alone.
`<things>_visible_to(user)` querysets and `can_<verb>_<thing>(user, obj)` checks agree with
each other; what a user may not see is answered as not found, exactly like what does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from .choices import TeamRole, TrustRole
from .models import Membership, ServiceUser, Team, TrustRoleGrant, User

_CACHE_ATTR = "_recovery_roles"


@dataclass(frozen=True)
class Roles:
    """Everything a user may do, resolved once per request."""

    trust_id: int | None = None
    coordinates_in: frozenset[int] = field(default_factory=frozenset)
    leads: frozenset[int] = field(default_factory=frozenset)
    peer_in: frozenset[int] = field(default_factory=frozenset)
    trust_roles: frozenset[str] = field(default_factory=frozenset)
    service_user_id: int | None = None

    @property
    def is_service_user(self) -> bool:
        return self.service_user_id is not None

    @property
    def clinical_teams(self) -> frozenset[int]:
        return self.coordinates_in | self.leads | self.peer_in

    @property
    def is_clinical(self) -> bool:
        return bool(self.clinical_teams)

    @property
    def is_administrator(self) -> bool:
        return TrustRole.ADMINISTRATOR in self.trust_roles

    @property
    def is_staff_member(self) -> bool:
        return self.trust_id is not None and (self.is_clinical or bool(self.trust_roles))

    def has(self, role: str) -> bool:
        if role == TeamRole.CARE_COORDINATOR:
            return bool(self.coordinates_in)
        if role == TeamRole.TEAM_LEADER:
            return bool(self.leads)
        if role == TeamRole.PEER_SUPPORT_WORKER:
            return bool(self.peer_in)
        return role in self.trust_roles

    def labels(self) -> list[str]:
        """The person's roles in words, most specific first, for the header."""
        names = [label for value, label in TeamRole.choices if self.has(value)]
        names += [label for value, label in TrustRole.choices if value in self.trust_roles]
        if self.is_service_user:
            names.append("Service user")
        return names


NO_ROLES = Roles()


def roles_of(user: User | object) -> Roles:
    """The user's roles, read with two queries and kept on the user object for the request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_ROLES
    assert isinstance(user, User)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.trust_id is None:  # a superuser or an account not yet placed in a trust
        setattr(user, _CACHE_ATTR, NO_ROLES)
        return NO_ROLES
    memberships = Membership.objects.filter(user=user, team__trust_id=user.trust_id).values_list(
        "team_id", "role"
    )
    by_role: dict[str, set[int]] = {role: set() for role in TeamRole.values}
    for team_id, role in memberships:
        by_role[role].add(team_id)
    trust_roles = frozenset(TrustRoleGrant.objects.filter(user=user).values_list("role", flat=True))
    service_user_id = (
        ServiceUser.objects.filter(user=user, trust_id=user.trust_id)
        .values_list("pk", flat=True)
        .first()
    )
    roles = Roles(
        trust_id=user.trust_id,
        coordinates_in=frozenset(by_role[TeamRole.CARE_COORDINATOR]),
        leads=frozenset(by_role[TeamRole.TEAM_LEADER]),
        peer_in=frozenset(by_role[TeamRole.PEER_SUPPORT_WORKER]),
        trust_roles=trust_roles,
        service_user_id=service_user_id,
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


# --- service users -----------------------------------------------------------------------


def service_users_visible_to(user: User | object) -> QuerySet[ServiceUser]:
    """The service users whose records this user may read.

    A care coordinator: their own caseload; a team leader: their teams'; a peer support worker:
    the people in their teams (narrowed to their assigned people once assignments exist); an
    administrator: their trust's directory; a service user: themselves. QA, HR and network
    coordinators: nobody. Never anyone outside the user's trust.
    """
    roles = roles_of(user)
    if roles.trust_id is None:
        return ServiceUser.objects.none()
    if roles.is_administrator:
        return ServiceUser.objects.filter(trust_id=roles.trust_id)
    condition = Q()
    if roles.coordinates_in:
        condition |= Q(care_coordinator=user, team_id__in=roles.coordinates_in)
    if roles.leads or roles.peer_in:
        condition |= Q(team_id__in=roles.leads | roles.peer_in)
    if roles.service_user_id is not None:
        condition |= Q(pk=roles.service_user_id)
    if not condition:
        return ServiceUser.objects.none()
    return ServiceUser.objects.filter(condition, trust_id=roles.trust_id)


def may_read_service_user_records(user: User | object) -> bool:
    """Whether the role may ever open a person's record (QA, HR, network staff may not)."""
    roles = roles_of(user)
    return roles.is_clinical or roles.is_administrator or roles.is_service_user


def can_view_service_user(user: User | object, service_user: ServiceUser) -> bool:
    roles = roles_of(user)
    if roles.trust_id is None or service_user.trust_id != roles.trust_id:
        return False
    if roles.is_administrator or service_user.pk == roles.service_user_id:
        return True
    if service_user.team_id in roles.leads | roles.peer_in:
        return True
    return (
        service_user.team_id in roles.coordinates_in
        and service_user.care_coordinator_id == getattr(user, "pk", None)
    )


def get_service_user_for(user: User | object, public_id: UUID | str) -> ServiceUser:
    """The service user with this id if the user may read them; 403 or 404 otherwise."""
    if not may_read_service_user_records(user):
        raise PermissionDenied
    service_user = (
        ServiceUser.objects.select_related("team", "trust", "care_coordinator")
        .filter(public_id=public_id)
        .first()
    )
    if service_user is None or not can_view_service_user(user, service_user):
        raise Http404
    return service_user


def may_use_caseload(user: User | object) -> bool:
    return roles_of(user).is_clinical


def teams_for_new_service_user(user: User | object) -> QuerySet[Team]:
    """The teams this user may add a person to: an administrator any in the trust; a team
    leader their teams; a care coordinator the teams they coordinate in."""
    roles = roles_of(user)
    if roles.trust_id is None or not roles.is_staff_member:
        return Team.objects.none()
    if roles.is_administrator:
        return Team.objects.filter(trust_id=roles.trust_id)
    return Team.objects.filter(trust_id=roles.trust_id, pk__in=roles.leads | roles.coordinates_in)


def can_add_service_user(user: User | object) -> bool:
    roles = roles_of(user)
    return roles.is_administrator or bool(roles.leads | roles.coordinates_in)


# --- teams and staff ---------------------------------------------------------------------


def teams_visible_to(user: User | object) -> QuerySet[Team]:
    """Staff of a trust see their trust's teams (names and sizes are not clinical records)."""
    roles = roles_of(user)
    if roles.trust_id is None or not roles.is_staff_member:
        return Team.objects.none()
    return Team.objects.filter(trust_id=roles.trust_id)


def may_use_team_pages(user: User | object) -> bool:
    roles = roles_of(user)
    return bool(roles.leads) or roles.is_administrator


def can_view_team_page(user: User | object, team: Team) -> bool:
    """A team's members and caseload sizes: its team leaders and the trust's administrators."""
    roles = roles_of(user)
    if team.trust_id != roles.trust_id:
        return False
    return team.pk in roles.leads or roles.is_administrator


def may_view_staff_directory(user: User | object) -> bool:
    roles = roles_of(user)
    return bool(roles.trust_roles & {TrustRole.HR, TrustRole.ADMINISTRATOR})


def may_view_trust_overview(user: User | object) -> bool:
    return roles_of(user).is_staff_member


def may_use_admin_site(user: User | object) -> bool:
    return roles_of(user).is_administrator or bool(getattr(user, "is_superuser", False))


def acting_user(request: HttpRequest) -> User:
    """The signed-in person behind a request that sign-in checks have already let through."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
