"""Who may see and give check-in answers.

A check-in is a person's own account of how they feel: they see their own, and so do the
clinicians who work with them (their care coordinator, their team's leaders and peer support
workers). Administrators, QA managers, HR and network coordinators never see a person's answers;
trust-wide figures come from rollups in a later part of the product.
"""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from directory.choices import TrustRole
from directory.models import ServiceUser, Team, User
from directory.permissions import access_person, can_see_person, people_condition, roles_of

from .choices import ResponseStatus
from .models import Response


def may_read_checkins(user: User | object) -> bool:
    """Whether the role may ever open a person's check-ins."""
    roles = roles_of(user)
    return roles.is_clinical or roles.is_service_user


def checkin_people_visible_to(user: User | object) -> QuerySet[ServiceUser]:
    """The people whose check-ins this user may read (never across trusts)."""
    return ServiceUser.objects.filter(people_condition(user))


def can_view_checkins(user: User | object, person: ServiceUser) -> bool:
    return can_see_person(user, person)


def get_person_for_checkins(user: User | object, public_id: UUID | str) -> ServiceUser:
    """The person whose check-ins the user asks for: 403 if the role never may, 404 if hidden."""
    return access_person(user, public_id, role_may=may_read_checkins(user))


def responses_visible_to(user: User | object) -> QuerySet[Response]:
    """Sent responses of the people this user may read check-ins of."""
    return Response.objects.filter(
        people_condition(user, prefix="service_user__"), status=ResponseStatus.SUBMITTED
    )


def may_enter_for_others(user: User | object) -> bool:
    return roles_of(user).is_clinical


def can_enter_for(user: User | object, person: ServiceUser) -> bool:
    """Staff may type in a paper or phone check-in for a person they work with."""
    roles = roles_of(user)
    return (
        roles.is_clinical and person.pk != roles.service_user_id and can_view_checkins(user, person)
    )


def may_invite(user: User | object) -> bool:
    roles = roles_of(user)
    return bool(roles.coordinates_in | roles.leads)


def can_invite(user: User | object, person: ServiceUser) -> bool:
    """A person's care coordinator, or a leader of their team, may invite them."""
    return can_see_person(user, person, change=True)


def may_change_team_settings(user: User | object) -> bool:
    roles = roles_of(user)
    return bool(roles.leads) or roles.is_administrator


def can_change_team_settings(user: User | object, team: Team) -> bool:
    roles = roles_of(user)
    if team.trust_id != roles.trust_id:
        return False
    return team.pk in roles.leads or roles.is_administrator


def may_recompute_league(user: User | object) -> bool:
    """Whether the role may ask for the league tables to be recomputed now: QA managers, for
    their own trust (who see only aggregates; a run names no person)."""
    return TrustRole.QA_MANAGER in roles_of(user).trust_roles


def league_trust_id(user: User | object) -> int | None:
    """The trust whose league rollups the user may act on."""
    return roles_of(user).trust_id
