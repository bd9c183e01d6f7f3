"""Writes in the directory, each one transaction, each naming the person who acts."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest

from .choices import AccessAction
from .models import AccessEvent, ServiceUser, Team, User
from .nhs_number import normalise_nhs_number
from .permissions import can_add_service_user, roles_of, teams_for_new_service_user


def _where(request: HttpRequest | None, via: str) -> tuple[str, str]:
    if request is None:
        return via, ""
    match = getattr(request, "resolver_match", None)
    name = via or (match.view_name if match else "")
    return name, request.get_full_path()[:500]


def access_record(
    *,
    actor: User | None,
    service_user: ServiceUser,
    action: str = AccessAction.READ,
    resource: str,
    request: HttpRequest | None = None,
    via: str = "",
    actor_description: str = "",
) -> AccessEvent:
    """Write one line to the access audit. Every read or change of a person's record calls this.

    Where nobody is signed in (the person answering through their own one-time link), say who
    acted in `actor_description` instead.
    """
    if actor is None and not actor_description:
        raise ValueError("The access audit needs a signed-in actor or a description of who acted.")
    name, path = _where(request, via)
    return AccessEvent.objects.create(
        actor=actor,
        actor_description=actor_description,
        service_user=service_user,
        action=action,
        resource=resource,
        via=name,
        path=path,
    )


def access_records(
    *,
    actor: User,
    service_users: Iterable[ServiceUser],
    resource: str,
    request: HttpRequest | None = None,
    via: str = "",
) -> None:
    """Audit a list that shows several people at once, in one insert."""
    name, path = _where(request, via)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            actor=actor,
            service_user=person,
            action=AccessAction.READ,
            resource=resource,
            via=name,
            path=path,
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
    request: HttpRequest | None = None,
    via: str = "",
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
        actor=actor,
        service_user=service_user,
        action=AccessAction.CREATE,
        resource="service user record",
        request=request,
        via=via,
    )
    return service_user
