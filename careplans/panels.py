"""Panels that apps above careplans add under each goal of the plan page.

The plan page must not import the apps built on top of it (referrals to partner networks start
from a goal, so `networks` sits above `careplans`). Instead an app registers a panel when it
loads (in its `AppConfig.ready`): a function given the viewer, the person and the page's goals,
which reads what it needs for all of them at once (a bounded number of queries, whatever the
number of goals) and returns each goal's HTML. The page shows whatever panels are registered.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.safestring import SafeString

from directory.models import ServiceUser, User

from .models import Goal

GoalPanel = Callable[[User, ServiceUser, Sequence[Goal], bool], dict[int, SafeString]]

_GOAL_PANELS: list[GoalPanel] = []


def register_goal_panel(panel: GoalPanel) -> None:
    """Show `panel` under every goal; registering the same panel twice shows it once."""
    if panel not in _GOAL_PANELS:
        _GOAL_PANELS.append(panel)


def goal_panels(
    user: User, person: ServiceUser, goals: Sequence[Goal], *, interactive: bool
) -> dict[int, list[SafeString]]:
    """Each goal's panels, by goal id, in the order the apps registered them. `interactive` is
    false on paper (the print page), where panels leave out links and forms."""
    shown: dict[int, list[SafeString]] = {goal.pk: [] for goal in goals}
    if not goals:
        return shown
    for panel in _GOAL_PANELS:
        for goal_pk, html in panel(user, person, goals, interactive).items():
            shown.setdefault(goal_pk, []).append(html)
    return shown
