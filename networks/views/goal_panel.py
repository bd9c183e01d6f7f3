"""Each goal's referrals on the plan page, registered with `careplans.panels` (careplans
cannot import this app, which sits above it)."""

from __future__ import annotations

from collections.abc import Sequence

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from careplans.models import Goal
from directory.models import ServiceUser, User
from directory.permissions import roles_of

from ..permissions import can_refer_for
from ..selectors import referrals_of_goals


def referrals_panel(
    user: User, person: ServiceUser, goals: Sequence[Goal], interactive: bool
) -> dict[int, SafeString]:
    """The referrals of every goal the page shows, read together; a link to find an opportunity
    for whoever may refer the person (on the live page, not on paper)."""
    may_refer = interactive and can_refer_for(user, person)
    own = roles_of(user).service_user_id == person.pk
    found = referrals_of_goals(user, goals)
    panels = {}
    for number, goal in enumerate(goals, start=1):
        referrals = found.get(goal.pk, [])
        if not referrals and not may_refer:
            continue
        html = render_to_string(
            "networks/_goal_referrals.html",
            {
                "goal": goal,
                "number": number,
                "person": person,
                "referrals": referrals,
                "may_refer": may_refer,
                "interactive": interactive,
                "own": own,
            },
        )
        panels[goal.pk] = mark_safe(html)  # noqa: S308 - rendered by the template engine, escaped
    return panels
