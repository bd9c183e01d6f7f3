"""Writes in the directory, each one transaction, each naming the person who acts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from common.dates import trust_today

from .audit import AuditContext
from .choices import AccessAction, CareRelationshipKind
from .models import (
    COORDINATOR_PREFETCH,
    AccessEvent,
    CareRelationship,
    Membership,
    ServiceUser,
    Team,
    TeamEpisode,
    User,
)
from .nhs_number import normalise_nhs_number
from .permissions import (
    can_add_service_user,
    can_grant_membership,
    can_see_person,
    roles_of,
    teams_for_new_service_user,
)
from .selectors import care_coordinators_in


def access_record(
    *,
    audit: AuditContext,
    service_user: ServiceUser,
    action: str = AccessAction.READ,
    resource: str,
) -> AccessEvent:
    """Write one line to the access audit. Every read or change of a person's record calls this.

    The context says who acted: a signed-in user, the person through their own one-time link,
    or the system for a named task.
    """
    if not audit.names_somebody:
        raise ValueError("The access audit needs a signed-in actor or a description of who acted.")
    return AccessEvent.objects.create(
        actor=audit.actor,
        actor_description=audit.actor_description,
        by_system=audit.by_system,
        service_user=service_user,
        action=action,
        resource=resource,
        via=audit.via,
        path=audit.path,
        client_address=audit.client_address,
    )


def staff_access_record(
    *,
    audit: AuditContext,
    staff_member: User,
    action: str,
    resource: str,
) -> AccessEvent:
    """Write one line to the access audit for a role granted to, changed for or ended for a
    staff member: a role is what opens people's records, so who granted it is kept with them."""
    if not audit.names_somebody:
        raise ValueError("The access audit needs a signed-in actor or a description of who acted.")
    return AccessEvent.objects.create(
        actor=audit.actor,
        actor_description=audit.actor_description,
        by_system=audit.by_system,
        staff_member=staff_member,
        action=action,
        resource=resource[:100],
        via=audit.via,
        path=audit.path,
        client_address=audit.client_address,
    )


def access_records(
    *,
    audit: AuditContext,
    service_users: Iterable[ServiceUser],
    resource: str,
) -> None:
    """Audit a list that shows several people at once, in one insert."""
    if not audit.names_somebody:
        raise ValueError("The access audit needs a signed-in actor or a description of who acted.")
    AccessEvent.objects.bulk_create(
        AccessEvent(
            actor=audit.actor,
            actor_description=audit.actor_description,
            by_system=audit.by_system,
            service_user=person,
            action=AccessAction.READ,
            resource=resource,
            via=audit.via,
            path=audit.path,
            client_address=audit.client_address,
        )
        for person in service_users
    )


@transaction.atomic
def service_user_create(
    *,
    actor: User,
    nhs_number: str,
    given_name: str,
    family_name: str,
    date_of_birth: datetime.date,
    team: Team,
    preferred_name: str = "",
    care_coordinator: User | None = None,
    audit: AuditContext,
) -> ServiceUser:
    """Add a person to a team's caseload. The acting user must be allowed to add to that team.

    Raises ValidationError (by field) for a bad NHS number, a team the actor may not use, a
    coordinator outside the team, or a person the trust already holds.
    """
    if not can_add_service_user(actor):
        raise ValidationError("You cannot add people to a caseload.")
    if not teams_for_new_service_user(actor).filter(pk=team.pk).exists():
        raise ValidationError({"team": "Choose one of your teams."})
    if care_coordinator is None and team.pk in roles_of(actor).coordinates_in:
        care_coordinator = actor
    if (
        care_coordinator is not None
        and not care_coordinators_in(team=team).filter(pk=care_coordinator.pk).exists()
    ):
        raise ValidationError({"care_coordinator": "Choose a care coordinator in this team."})
    nhs_number = normalise_nhs_number(nhs_number)
    duplicate = {"nhs_number": "This trust already has a record with this NHS number."}
    if ServiceUser.objects.filter(trust_id=team.trust_id, nhs_number=nhs_number).exists():
        raise ValidationError(duplicate)
    service_user = ServiceUser(
        trust_id=team.trust_id,
        nhs_number=nhs_number,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        preferred_name=preferred_name.strip(),
        date_of_birth=date_of_birth,
        team=team,
    )
    # Uniqueness is the database's to enforce (below); a model-level check could race and would
    # answer with a message for no field in particular.
    service_user.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            service_user.save()
    except IntegrityError as exc:  # the same person added at the same moment by someone else
        raise ValidationError(duplicate) from exc
    TeamEpisode.objects.create(person=service_user, team=team)
    if care_coordinator is not None:
        CareRelationship.objects.create(
            person=service_user, staff=care_coordinator, kind=CareRelationshipKind.CARE_COORDINATOR
        )
    access_record(
        audit=audit,
        service_user=service_user,
        action=AccessAction.CREATE,
        resource="service user record",
    )
    return service_user


def _replace_coordinator(
    person: ServiceUser, care_coordinator: User | None, *, on: datetime.date
) -> CareRelationship | None:
    """End the open care-coordinator relationship and start one with `care_coordinator` (if
    any) on the same day, so the two never overlap. Unchanged when it is the same person."""
    current = (
        CareRelationship.objects.select_for_update()
        .filter(person=person, kind=CareRelationshipKind.CARE_COORDINATOR, ended_on__isnull=True)
        .first()
    )
    wanted = care_coordinator.pk if care_coordinator is not None else None
    if (current.staff_id if current is not None else None) == wanted:
        return current
    if current is not None:
        current.ended_on = max(on, current.started_on)
        current.full_clean()
        current.save(update_fields=["ended_on"])
    started = None
    if care_coordinator is not None:
        started = CareRelationship(
            person=person,
            staff=care_coordinator,
            kind=CareRelationshipKind.CARE_COORDINATOR,
            started_on=on,
        )
        started.full_clean()
        started.save()
    person.__dict__.pop(COORDINATOR_PREFETCH, None)  # read it again next time
    return started


@transaction.atomic
def care_coordinator_change(
    *,
    actor: User,
    service_user: ServiceUser,
    care_coordinator: User | None,
    audit: AuditContext,
) -> CareRelationship | None:
    """End the person's care-coordinator relationship and start one with someone else (or
    none), from today. The new coordinator must coordinate in the person's team; the actor must
    be allowed to change the person's record."""
    if not can_see_person(actor, service_user, change=True):
        raise ValidationError("You cannot change this person's care coordinator.")
    if (
        care_coordinator is not None
        and not care_coordinators_in(team=service_user.team).filter(pk=care_coordinator.pk).exists()
    ):
        raise ValidationError({"care_coordinator": "Choose a care coordinator in this team."})
    relationship = _replace_coordinator(service_user, care_coordinator, on=trust_today())
    access_record(
        audit=audit,
        service_user=service_user,
        action=AccessAction.CHANGE,
        resource="care coordinator",
    )
    return relationship


@transaction.atomic
def service_user_move_team(
    *,
    actor: User,
    service_user: ServiceUser,
    team: Team,
    care_coordinator: User | None = None,
    audit: AuditContext,
) -> ServiceUser:
    """Move a person to another team of the same trust from today: their team episode closes
    and a new one opens, and their care coordinator changes to `care_coordinator` (or to
    nobody: a coordinator of the old team does not follow the person)."""
    roles = roles_of(actor)
    if not (roles.is_administrator or can_see_person(actor, service_user, change=True)):
        raise ValidationError("You cannot move this person to another team.")
    if team.trust_id != service_user.trust_id:
        raise ValidationError({"team": "Choose a team in the person's trust."})
    if (
        care_coordinator is not None
        and not care_coordinators_in(team=team).filter(pk=care_coordinator.pk).exists()
    ):
        raise ValidationError({"care_coordinator": "Choose a care coordinator in this team."})
    locked = ServiceUser.objects.select_for_update().get(pk=service_user.pk)
    if locked.team_id == team.pk:
        return locked
    today = trust_today()
    for episode in TeamEpisode.objects.select_for_update().filter(
        person=locked, ended_on__isnull=True
    ):
        episode.ended_on = max(today, episode.started_on)
        episode.save(update_fields=["ended_on"])
    TeamEpisode.objects.create(person=locked, team=team, started_on=today)
    locked.team = team
    locked.save(update_fields=["team"])
    _replace_coordinator(locked, care_coordinator, on=today)
    access_record(
        audit=audit,
        service_user=locked,
        action=AccessAction.CHANGE,
        resource="team",
    )
    return locked


@transaction.atomic
def membership_grant(
    *,
    actor: User,
    user: User,
    team: Team,
    role: str,
    started_on: datetime.date | None = None,
    audit: AuditContext,
) -> Membership:
    """Give `user` a role in `team` from `started_on` (today unless given), recorded in the
    access audit against them. An open membership of the same role is kept as it is."""
    if not can_grant_membership(actor, team, role):
        raise ValidationError("You cannot give this role in this team.")
    if user.trust_id != team.trust_id:
        raise ValidationError("Choose someone in the team's trust.")
    open_one = Membership.objects.filter(
        user=user, team=team, role=role, ended_on__isnull=True
    ).first()
    if open_one is not None:
        return open_one
    membership = Membership(user=user, team=team, role=role, started_on=started_on or trust_today())
    membership.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:  # granted at the same moment by someone else
        return Membership.objects.get(user=user, team=team, role=role, ended_on__isnull=True)
    staff_access_record(
        audit=audit,
        staff_member=user,
        action=AccessAction.CREATE,
        resource=f"{membership.get_role_display()} in {team.name}",
    )
    return membership
