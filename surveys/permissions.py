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
from directory.permissions import (
    access_person,
    can_see_person,
    can_view_team_page,
    may_use_team_pages,
    people_condition,
    roles_of,
)

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
    """A team's check-in cycle is run by those who run the team: the directory's rule."""
    return may_use_team_pages(user)


def can_change_team_settings(user: User | object, team: Team) -> bool:
    return can_view_team_page(user, team)


def may_withdraw(user: User | object) -> bool:
    """Whether the role may ever withdraw a sent check-in: staff who edit people's records."""
    roles = roles_of(user)
    return bool(roles.coordinates_in | roles.leads)


def can_withdraw(user: User | object, person: ServiceUser) -> bool:
    """A person's care coordinator, or a leader of their team, may withdraw a check-in sent for
    them (entered in error, or for the wrong person). The person asks their team: withdrawing
    changes the team's figures, so it is a staff decision with a reason on the record."""
    return person.pk != roles_of(user).service_user_id and can_see_person(user, person, change=True)


# --- league tables: aggregated figures, never a person's answers ----------------------------
#
# The trust's league table, its funnel plots and the benchmark against other trusts: the
# trust's QA managers. A team's page (its figures over time and its place among the trust's
# teams): QA managers for any team of their trust; team leaders and care coordinators for the
# teams they lead or coordinate in today. Peer support workers, HR, network coordinators,
# administrators and service users never (the issue names team leaders and coordinators only;
# these pages are for clinical quality, not for running the directory). Another trust's teams
# are never shown: other trusts appear only as their trust-wide rows on the benchmark page.


def _is_qa_manager(user: User | object) -> bool:
    return TrustRole.QA_MANAGER in roles_of(user).trust_roles


def may_view_league(user: User | object) -> bool:
    """The whole trust's league table, funnels and benchmark: QA managers only."""
    return _is_qa_manager(user)


def may_view_team_league(user: User | object) -> bool:
    """Whether the role may ever open a team's league page."""
    roles = roles_of(user)
    return _is_qa_manager(user) or bool(roles.leads | roles.coordinates_in)


def league_teams_visible_to(user: User | object) -> QuerySet[Team]:
    """The teams whose league page this user may open (never across trusts)."""
    roles = roles_of(user)
    if roles.trust_id is None:
        return Team.objects.none()
    teams = Team.objects.filter(trust_id=roles.trust_id)
    if _is_qa_manager(user):
        return teams
    return teams.filter(pk__in=roles.leads | roles.coordinates_in)


def can_view_team_league(user: User | object, team: Team) -> bool:
    roles = roles_of(user)
    if roles.trust_id is None or team.trust_id != roles.trust_id:
        return False
    return _is_qa_manager(user) or team.pk in (roles.leads | roles.coordinates_in)


def can_record_process_change(user: User | object, team: Team) -> bool:
    """A change to how a team works, which restarts its chart limits: its team leaders and the
    trust's QA managers (coordinators see the page but do not rebase its charts)."""
    roles = roles_of(user)
    if roles.trust_id is None or team.trust_id != roles.trust_id:
        return False
    return _is_qa_manager(user) or team.pk in roles.leads


def may_recompute_league(user: User | object) -> bool:
    """Whether the role may ask for the league tables to be recomputed now: QA managers, for
    their own trust (who see only aggregates; a run names no person)."""
    return TrustRole.QA_MANAGER in roles_of(user).trust_roles


def league_trust_id(user: User | object) -> int | None:
    """The trust whose league rollups the user may act on."""
    return roles_of(user).trust_id
