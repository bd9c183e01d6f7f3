"""Who may read, write, comment on and agree a recovery plan.

Reading: the person themselves; their care coordinator; the team leaders and peer support
workers of their team (peer support workers read only; narrowed to their assigned people once
assignments exist). Writing: the care coordinator of the person and their team's leaders.
Agreeing online: only the person. QA, HR and network coordinators never read plans (403).
Administrators run the trust's directory, not its clinical care: they get 403 too.
Anyone else in the trust, or anyone in another trust, is told the plan does not exist (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from directory.models import ServiceUser, User
from directory.permissions import access_person, can_see_person, people_condition, roles_of

from .models import RecoveryPlan


def may_read_plans(user: User | object) -> bool:
    """Whether the role may ever open a recovery plan."""
    roles = roles_of(user)
    return roles.is_clinical or roles.is_service_user


def may_write_plans(user: User | object) -> bool:
    """Whether the role may ever change a plan: care coordinators and team leaders."""
    roles = roles_of(user)
    return bool(roles.coordinates_in or roles.leads)


def plan_people_visible_to(user: User | object) -> QuerySet[ServiceUser]:
    """The people whose plans this user may read."""
    return ServiceUser.objects.filter(people_condition(user))


def plans_visible_to(user: User | object) -> QuerySet[RecoveryPlan]:
    return RecoveryPlan.objects.filter(people_condition(user, prefix="service_user__"))


def can_view_plan_of(user: User | object, person: ServiceUser) -> bool:
    return can_see_person(user, person)


def can_edit_plan_of(user: User | object, person: ServiceUser) -> bool:
    return can_see_person(user, person, change=True)


def can_agree_plan_of(user: User | object, person: ServiceUser) -> bool:
    """Only the person agrees their own plan online; staff record agreement given in person."""
    return (
        roles_of(user).service_user_id == person.pk and person.trust_id == roles_of(user).trust_id
    )


def can_comment_on_plan_of(user: User | object, person: ServiceUser) -> bool:
    return can_agree_plan_of(user, person) or can_edit_plan_of(user, person)


def get_plan_person_for(
    user: User | object, public_id: object, *, need: str = "read"
) -> ServiceUser:
    """The person whose plan the user asks for, if allowed: 403 for a role that may never do
    this, 404 for a person this user may not see (exactly like one who does not exist).

    `need` is "read", "edit" (coordinators and team leaders), "agree" (the person) or "comment".
    """
    roles = roles_of(user)
    role_may = {
        "read": may_read_plans(user),
        "edit": may_write_plans(user),
        "agree": roles.is_service_user,
        "comment": roles.is_service_user or may_write_plans(user),
    }[need]
    person = access_person(user, public_id, role_may=role_may)
    allowed = {
        "read": True,
        "edit": can_edit_plan_of(user, person),
        "agree": can_agree_plan_of(user, person),
        "comment": can_comment_on_plan_of(user, person),
    }[need]
    if not allowed:
        # The plan is visible to them, but this is not theirs to do (a peer support worker
        # asking to edit, a coordinator asking to agree on the person's behalf).
        raise PermissionDenied
    return person
