"""Who may see and do what in the directory.

Every page and API endpoint asks these functions about the object, never the role alone.
`<things>_visible_to(user)` querysets and `can_<verb>_<thing>(user, obj)` checks agree with
each other; what a user may not see is answered as not found, exactly like what does not exist.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, router
from django.db.models import CharField, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404, HttpRequest

from common.dates import trust_today

from .choices import CareRelationshipKind, TeamRole, TrustRole
from .models import (
    COORDINATOR_ID_TODAY,
    CareRelationship,
    Membership,
    ServiceUser,
    Team,
    TrustRoleGrant,
    User,
    coordinator_id_today,
)

_CACHE_ATTR = "_recovery_roles"


@dataclass(frozen=True)
class Roles:
    """Everything a user may do, resolved once per request."""

    trust_id: int | None = None
    user_id: int | None = None
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


# Roles in force: what `roles_of` reads, and what every other "current role" read uses
# (directory.selectors re-exports them for pages).


def memberships_in_force(
    *, user: User | None = None, on: datetime.date | None = None
) -> QuerySet[Membership]:
    """Team roles that apply on a day (today in the trust's zone), within the user's trust."""
    memberships = Membership.objects.in_force(on)
    if user is not None:
        memberships = memberships.filter(user=user, team__trust_id=user.trust_id)
    return memberships


def trust_roles_in_force(
    *, user: User | None = None, on: datetime.date | None = None
) -> QuerySet[TrustRoleGrant]:
    """Trust-wide roles that apply on a day, and only for the user's own trust."""
    grants = TrustRoleGrant.objects.in_force(on)
    if user is not None:
        grants = grants.filter(user=user, trust_id=user.trust_id)
    return grants


# In the one query `roles_of` makes, what kind of row each part of the union is.
_TEAM_ROLE, _TRUST_ROLE, _SERVICE_USER = "team", "trust", "person"


def _role_queryset(user: User, on: datetime.date | None = None) -> QuerySet:
    """(kind, id, role) rows for the user's team roles, trust roles and service-user record,
    as one UNION ALL: three lookups in a single round trip."""
    text: CharField = CharField()
    team_roles = memberships_in_force(user=user, on=on).values_list(
        Value(_TEAM_ROLE, output_field=text), "team_id", "role"
    )
    trust_roles = trust_roles_in_force(user=user, on=on).values_list(
        Value(_TRUST_ROLE, output_field=text), "trust_id", "role"
    )
    # One at most: the record's link to a login is one-to-one. (No LIMIT: SQLite refuses one
    # inside a compound statement.)
    record = ServiceUser.objects.filter(user=user, trust=user.trust_id).values_list(
        Value(_SERVICE_USER, output_field=text), "pk", Value("", output_field=text)
    )
    return team_roles.order_by().union(trust_roles.order_by(), record.order_by(), all=True)


# Every request runs the same roles statement but for the user, their trust and the day, and
# building the three-part union through the ORM cost more than running it. So it is compiled
# once per database, with stand-in values that each call swaps for the real ones.
_STAND_IN_USER, _STAND_IN_TRUST = -7_000_001, -7_000_002
_STAND_IN_DAY = datetime.date(1900, 1, 2)
_compiled_role_sql: dict[str, tuple[str, tuple[object, ...]]] = {}


def _role_rows(user: User) -> list[tuple[str, int, str]]:
    connection = connections[router.db_for_read(Membership)]
    compiled = _compiled_role_sql.get(connection.alias)
    if compiled is None:
        stand_in = User(pk=_STAND_IN_USER, trust_id=_STAND_IN_TRUST)
        sql, params = _role_queryset(stand_in, on=_STAND_IN_DAY).query.sql_with_params()
        compiled = _compiled_role_sql[connection.alias] = (sql, tuple(params))
    sql, params = compiled
    ops = connection.ops
    real = {
        _STAND_IN_USER: user.pk,
        _STAND_IN_TRUST: user.trust_id,
        # A backend may pass dates on as they are or as text: swap either form.
        _STAND_IN_DAY: ops.adapt_datefield_value(trust_today()),
        ops.adapt_datefield_value(_STAND_IN_DAY): ops.adapt_datefield_value(trust_today()),
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, [real.get(param, param) for param in params])  # type: ignore[call-overload]
        return cursor.fetchall()


def roles_of(user: User | object) -> Roles:
    """The user's roles today, read with one query and kept on the user for the request.

    Only memberships and grants in force today count, and only those in the user's own trust.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_ROLES
    assert isinstance(user, User)
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.trust_id is None:  # a superuser or an account not yet placed in a trust
        setattr(user, _CACHE_ATTR, NO_ROLES)
        return NO_ROLES
    by_role: dict[str, set[int]] = {role: set() for role in TeamRole.values}
    trust_roles: set[str] = set()
    service_user_id: int | None = None
    for kind, row_id, role in _role_rows(user):
        if kind == _TEAM_ROLE:
            by_role[role].add(row_id)
        elif kind == _TRUST_ROLE:
            trust_roles.add(role)
        else:
            service_user_id = row_id
    roles = Roles(
        trust_id=user.trust_id,
        user_id=user.pk,
        coordinates_in=frozenset(by_role[TeamRole.CARE_COORDINATOR]),
        leads=frozenset(by_role[TeamRole.TEAM_LEADER]),
        peer_in=frozenset(by_role[TeamRole.PEER_SUPPORT_WORKER]),
        trust_roles=frozenset(trust_roles),
        service_user_id=service_user_id,
    )
    setattr(user, _CACHE_ATTR, roles)
    return roles


# --- service users: the care-relationship rule, written once -----------------------------
#
# Who works with a person and may see their record:
#   a care coordinator: people in a team they coordinate in whose care coordinator today
#     (an open care-coordinator relationship) is them;
#   a team leader: the people in their teams;
#   a peer support worker: the people in their teams assigned to them through an open
#     peer-support relationship today (see `_peer_condition`);
#   an administrator: their trust's directory, where the caller asks for the directory;
#   a service user: themselves;
#   QA managers, HR and network coordinators: nobody; never anyone in another trust.
# Every app's permissions compose `people_condition`, `can_see_person` and `access_person`.

_NOBODY = Q(pk__in=[])


def _coordinates(roles: Roles, prefix: str) -> Q:
    today_theirs = CareRelationship.objects.in_force().filter(
        person=OuterRef(f"{prefix}pk"),
        staff_id=roles.user_id,
        kind=CareRelationshipKind.CARE_COORDINATOR,
    )
    return Q(**{f"{prefix}team_id__in": roles.coordinates_in}) & Q(Exists(today_theirs))


def _assigned_today(roles: Roles, person: OuterRef | int) -> QuerySet[CareRelationship]:
    return CareRelationship.objects.in_force().filter(
        person=person, staff_id=roles.user_id, kind=CareRelationshipKind.PEER_SUPPORT
    )


def _peer_condition(roles: Roles, prefix: str) -> Q:
    """The people a peer support worker works with: those in a team they are a peer in today
    whose open peer-support relationship today is with them (not the rest of the team)."""
    return Q(**{f"{prefix}team_id__in": roles.peer_in}) & Q(
        Exists(_assigned_today(roles, OuterRef(f"{prefix}pk")))
    )


def _peer_sees(roles: Roles, person: ServiceUser) -> bool:
    return person.team_id in roles.peer_in and _assigned_today(roles, person.pk).exists()


def people_condition(
    user: User | object, *, change: bool = False, directory: bool = False, prefix: str = ""
) -> Q:
    """A filter for the people this user works with, to compose into any queryset.

    `change`: only those who may change the record (their care coordinator, their team's
    leaders). `directory`: administrators see their trust's whole directory. `prefix` reaches
    the person through a relation, e.g. "service_user__" from a plan.
    """
    roles = roles_of(user)
    if roles.trust_id is None:
        return _NOBODY
    if directory and not change and roles.is_administrator:
        return Q(**{f"{prefix}trust_id": roles.trust_id})
    condition = _NOBODY
    if roles.coordinates_in:
        condition |= _coordinates(roles, prefix)
    if roles.leads:
        condition |= Q(**{f"{prefix}team_id__in": roles.leads})
    if not change and roles.peer_in:
        condition |= _peer_condition(roles, prefix)
    if not change and roles.service_user_id is not None:
        condition |= Q(**{f"{prefix}pk": roles.service_user_id})
    return condition & Q(**{f"{prefix}trust_id": roles.trust_id})


def can_see_person(
    user: User | object, person: ServiceUser, *, change: bool = False, directory: bool = False
) -> bool:
    """The object check that agrees with `people_condition` for one person."""
    roles = roles_of(user)
    if roles.trust_id is None or person.trust_id != roles.trust_id:
        return False
    if directory and not change and roles.is_administrator:
        return True
    if not change and (person.pk == roles.service_user_id or _peer_sees(roles, person)):
        return True
    if person.team_id in roles.leads:
        return True
    if person.team_id not in roles.coordinates_in:
        return False
    if hasattr(person, COORDINATOR_ID_TODAY):  # read with the person, in the same query
        return getattr(person, COORDINATOR_ID_TODAY) == roles.user_id
    coordinator = person.care_coordinator
    return coordinator is not None and coordinator.pk == roles.user_id


def access_person(
    user: User | object,
    public_id: UUID | str | object,
    *,
    role_may: bool,
    change: bool = False,
    directory: bool = False,
) -> ServiceUser:
    """The person asked for, if this user may see them.

    403 (PermissionDenied) when the role may never use the page (`role_may` is the caller's
    role check); 404 for a person this user may not see, exactly like one who does not exist.
    """
    if not role_may:
        raise PermissionDenied
    try:
        person = (
            ServiceUser.objects.select_related("team", "trust")
            .annotate(**{COORDINATOR_ID_TODAY: coordinator_id_today()})
            .filter(public_id=str(public_id))
            .first()
        )
    except ValidationError:  # not a UUID at all
        person = None
    if person is None or not can_see_person(user, person, change=change, directory=directory):
        raise Http404
    return person


def service_users_visible_to(user: User | object) -> QuerySet[ServiceUser]:
    """The service users whose directory records this user may read."""
    return ServiceUser.objects.filter(people_condition(user, directory=True))


def may_read_service_user_records(user: User | object) -> bool:
    """Whether the role may ever open a person's record (QA, HR, network staff may not)."""
    roles = roles_of(user)
    return roles.is_clinical or roles.is_administrator or roles.is_service_user


def can_view_service_user(user: User | object, service_user: ServiceUser) -> bool:
    return can_see_person(user, service_user, directory=True)


def get_service_user_for(user: User | object, public_id: UUID | str) -> ServiceUser:
    """The service user with this id if the user may read them; 403 or 404 otherwise."""
    return access_person(
        user, public_id, role_may=may_read_service_user_records(user), directory=True
    )


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


def can_grant_membership(user: User | object, team: Team, role: str) -> bool:
    """Administrators grant any team role in their trust; HR grants the peer support role,
    which filling a peer post brings."""
    roles = roles_of(user)
    if roles.trust_id is None or team.trust_id != roles.trust_id:
        return False
    if roles.is_administrator:
        return True
    return TrustRole.HR in roles.trust_roles and role == TeamRole.PEER_SUPPORT_WORKER


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
