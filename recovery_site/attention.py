"""What needs doing for the people a clinician works with: the coordinator's and team leader's
"Needs your attention" list, and the states the caseload filters by.

It lives in the composition layer because it gathers facts from every app (plans, comments,
check-ins, care coordinators); each app's selectors answer for the whole caseload in one query,
so the list costs the same few queries whatever the caseload's size.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.urls import reverse

from careplans.selectors import (
    CommentsWaiting,
    PlanNotAgreed,
    PlanSummary,
    comments_waiting_for_reply,
    plan_summaries_for,
    plans_not_agreed,
)
from common.dates import trust_today
from directory.models import COORDINATOR_ID_TODAY, ServiceUser, User, coordinator_id_today
from directory.permissions import roles_of
from directory.selectors import caseload_for
from surveys.selectors import CheckinStatus, checkin_status_for

REVIEW_WINDOW_DAYS = 28  # "reviews due within 4 weeks": what a coordinator can still arrange


@dataclass(frozen=True)
class State:
    """One thing that can need doing for a person, as the caseload filter and the list name it."""

    key: str
    title: str  # the heading on the home page and the filter's option
    action: str  # what the line's link does


STATES = (
    State("comments", "New comments from the people you support", "Read and reply"),
    State(
        "not_agreed", "Plans not agreed yet: to share, or waiting for the person", "Open the plan"
    ),
    State("review_overdue", "Reviews overdue", "Record the review"),
    State("review_due", "Reviews due within 4 weeks", "Record the review"),
    State("checkin_overdue", "Check-ins overdue", "Arrange a check-in"),
    State("checkin_due", "Check-ins due", "Arrange a check-in"),
    State("no_plan", "People with no recovery plan", "Start a plan"),
    State("not_allocated", "People without a care coordinator", "Open their record"),
)
STATE_BY_KEY = {state.key: state for state in STATES}
STATE_CHOICES = [(state.key, state.title) for state in STATES]


@dataclass
class Line:
    """One person's line under a heading: who, what about them, and where to act."""

    person: ServiceUser
    detail: str
    href: str
    sort_key: tuple = ()


@dataclass
class Group:
    state: State
    lines: list[Line] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def caseload_href(self) -> str:
        return f"{reverse('caseload')}?state={self.state.key}"


@dataclass
class CaseloadFacts:
    """Everything the list and the filters need about each person on the caseload."""

    people: list[ServiceUser]
    plans: dict[int, PlanSummary]
    waiting: dict[int, PlanNotAgreed]
    comments: dict[int, CommentsWaiting]
    checkins: dict[int, CheckinStatus]
    today: datetime.date

    def states_of(self, person: ServiceUser) -> set[str]:
        states: set[str] = set()
        plan = self.plans.get(person.pk)
        if person.pk in self.comments:
            states.add("comments")
        if person.pk in self.waiting:
            states.add("not_agreed")
        if plan is None:
            states.add("no_plan")
        elif plan.review_overdue:
            states.add("review_overdue")
        elif (
            plan.review_due_on is not None
            and plan.status != "closed"
            and 0 <= (plan.review_due_on - self.today).days <= REVIEW_WINDOW_DAYS
        ):
            states.add("review_due")
        checkin = self.checkins.get(person.pk)
        if checkin is not None and checkin.state == "overdue":
            states.add("checkin_overdue")
        elif checkin is not None and checkin.state in ("due", "not_started"):
            states.add("checkin_due")
        if getattr(person, COORDINATOR_ID_TODAY) is None:
            states.add("not_allocated")
        return states

    def ids_in(self, state: str) -> set[int]:
        return {person.pk for person in self.people if state in self.states_of(person)}


def _caseload_people(user: User) -> list[ServiceUser]:
    return list(
        caseload_for(user=user)
        .prefetch_related(None)  # the coordinator is read as an id below, not as a user
        .annotate(**{COORDINATOR_ID_TODAY: coordinator_id_today()})
        .only(
            "pk",
            "public_id",
            "given_name",
            "family_name",
            "preferred_name",
            "team_id",
            "trust_id",
        )
    )


def caseload_facts(*, user: User, today: datetime.date | None = None) -> CaseloadFacts:
    """The facts for every person on the user's caseload: five queries, whatever its size."""
    today = today or trust_today()
    people = _caseload_people(user)
    ids = [person.pk for person in people]
    return CaseloadFacts(
        people=people,
        plans=plan_summaries_for(ids, today=today),
        waiting=plans_not_agreed(ids),
        comments=comments_waiting_for_reply(ids),
        checkins=checkin_status_for(people, today=today),
        today=today,
    )


def facts_for_state(*, user: User, state: str, today: datetime.date | None = None) -> CaseloadFacts:
    """The facts one state depends on, for every person on the user's caseload, for the
    caseload's filter (`ids_in(state)`): two queries, the others left empty."""
    today = today or trust_today()
    people = _caseload_people(user)
    ids = [person.pk for person in people]
    facts = CaseloadFacts(
        people=people, plans={}, waiting={}, comments={}, checkins={}, today=today
    )
    if state == "comments":
        facts.comments = comments_waiting_for_reply(ids)
    elif state == "not_agreed":
        facts.waiting = plans_not_agreed(ids)
    elif state in ("review_overdue", "review_due", "no_plan"):
        facts.plans = plan_summaries_for(ids, today=today)
    elif state in ("checkin_overdue", "checkin_due"):
        facts.checkins = checkin_status_for(people, today=today)
    return facts


def shows_attention(user: User) -> bool:
    """Coordinators and team leaders act on their people; others are not asked to."""
    roles = roles_of(user)
    return bool(roles.coordinates_in or roles.leads)


def _days(n: int) -> str:
    return "today" if n == 0 else f"{n} day{'s' if n != 1 else ''}"


def _line(facts: CaseloadFacts, person: ServiceUser, state: str) -> Line:
    public_id = person.public_id
    plan = facts.plans.get(person.pk)
    plan_url = reverse("careplans:plan", args=[public_id])
    if state == "comments":
        waiting = facts.comments[person.pk]
        count = f"{waiting.count} comment{'s' if waiting.count != 1 else ''}"
        age = (facts.today - waiting.since).days
        return Line(
            person, f"{count} with no reply, the first {_ago(age)}", plan_url, (waiting.since,)
        )
    if state == "not_agreed":
        draft = facts.waiting[person.pk]
        if draft.shared is not None:
            age = (facts.today - draft.shared).days
            words = f"Waiting for their agreement, shared {_ago(age)}"
            return Line(person, words, plan_url, (draft.shared,))
        age = (facts.today - draft.changed).days
        words = f"Not agreed, and not yet shared with them; last changed {_ago(age)}"
        return Line(person, words, plan_url, (draft.changed,))
    if state in ("review_overdue", "review_due") and plan is not None and plan.review_due_on:
        due = plan.review_due_on
        days = (due - facts.today).days
        if days < 0:
            detail = f"Review was due {due:%-d %b %Y} ({_days(-days)} ago)"
        elif days == 0:
            detail = "Review due today"
        else:
            detail = f"Review due {due:%-d %b %Y} (in {_days(days)})"
        return Line(person, detail, reverse("careplans:review", args=[public_id]), (due,))
    if state in ("checkin_overdue", "checkin_due"):
        checkin = facts.checkins[person.pk]
        return Line(
            person,
            checkin.label,
            reverse("surveys:journey", args=[public_id]),
            (checkin.due or datetime.date.min,),
        )
    if state == "no_plan":
        return Line(
            person, "No recovery plan yet", reverse("careplans:plan_start", args=[public_id])
        )
    return Line(person, "No care coordinator today", reverse("person", args=[public_id]))


def _ago(days: int) -> str:
    return "today" if days == 0 else f"{_days(days)} ago"


def attention_groups(facts: CaseloadFacts, *, states: Iterable[State] = STATES) -> list[Group]:
    """The list, heading by heading, in the order of `STATES`; only headings with people."""
    groups = {state.key: Group(state) for state in states}
    for person in facts.people:
        for key in facts.states_of(person):
            if key in groups:
                groups[key].lines.append(_line(facts, person, key))
    for group in groups.values():
        group.lines.sort(
            key=lambda line: (*line.sort_key, line.person.family_name, line.person.given_name)
        )
    return [group for group in groups.values() if group.lines]


def states_for(user: User) -> tuple[State, ...]:
    """The headings a user's list has: allocating people is a team leader's work."""
    if roles_of(user).leads:
        return STATES
    return tuple(state for state in STATES if state.key != "not_allocated")
