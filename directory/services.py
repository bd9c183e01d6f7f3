"""Writes in the directory, each one transaction, each naming the person who acts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .audit import AuditContext
from .choices import AccessAction
from .models import AccessEvent, ServiceUser, Team, User
from .nhs_number import normalise_nhs_number
from .permissions import can_add_service_user, roles_of, teams_for_new_service_user


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
        and not care_coordinator.memberships.filter(team=team, role="care_coordinator").exists()
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
        care_coordinator=care_coordinator,
    )
    # Uniqueness is the database's to enforce (below); a model-level check could race and would
    # answer with a message for no field in particular.
    service_user.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            service_user.save()
    except IntegrityError as exc:  # the same person added at the same moment by someone else
        raise ValidationError(duplicate) from exc
    access_record(
        audit=audit,
        service_user=service_user,
        action=AccessAction.CREATE,
        resource="service user record",
    )
    return service_user
