"""A coordinator's home is "Needs your attention": one list of what to do for their own people,
each line a link to where it is done; a team leader's is the same list for the whole team."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse

from careplans.choices import PlanStatus
from careplans.models import PlanComment
from careplans.services import comment_answer
from directory.audit import AuditContext
from directory.models import AccessEvent
from tests.careplans.factories import plan_for
from tests.factories import ServiceUserFactory
from tests.surveys.factories import sent_response

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 15)  # after the world is made, so its roles are in force
NOON = datetime.datetime(2027, 3, 15, 12, tzinfo=datetime.UTC)


@pytest.fixture
def on_today():
    with time_machine.travel(NOON, tick=False):
        yield


def _groups(response) -> dict[str, list[str]]:
    """Heading key -> the names listed under it."""
    return {
        group.state.key: [line.person.display_name for line in group.lines]
        for group in response.context["attention"]
    }


def _settled(person, *, review_due: datetime.date | None = None):
    """A person with nothing to do: an agreed plan reviewed far ahead, a recent check-in."""
    plan = plan_for(person)
    plan.status = PlanStatus.AGREED
    plan.review_due_on = review_due or TODAY + datetime.timedelta(days=200)
    plan.save()
    sent_response(person, on=TODAY - datetime.timedelta(days=10))
    return plan


def test_a_coordinators_list_names_only_their_own_people(world, client_for, on_today):
    response = client_for(world.user("care_coordinator")).get(reverse("home"))
    body = response.content.decode()

    assert "Needs your attention" in body
    assert _groups(response) == {
        "no_plan": [world.person.display_name],
        "checkin_due": [world.person.display_name],
    }
    assert world.teammate_person.family_name not in body  # a teammate's person
    assert world.other_team_person.family_name not in body  # another team's person
    assert world.foreign_person.family_name not in body
    assert reverse("careplans:plan_start", args=[world.person.public_id]) in body
    assert reverse("surveys:journey", args=[world.person.public_id]) in body


def test_the_people_listed_are_recorded_in_the_access_audit(world, client_for, on_today):
    client_for(world.user("care_coordinator")).get(reverse("home"))

    read = AccessEvent.objects.filter(resource="needs attention entry", via="home")
    assert set(read.values_list("service_user", "actor")) == {
        (world.person.pk, world.user("care_coordinator").pk)
    }


def test_a_team_leaders_list_covers_the_team_and_who_is_not_allocated(world, client_for, on_today):
    unallocated = ServiceUserFactory.create(team=world.team, family_name="Nobodysperson")
    _settled(unallocated)

    response = client_for(world.user("team_leader")).get(reverse("home"))

    assert "Needs your team's attention" in response.content.decode()
    groups = _groups(response)
    assert groups["not_allocated"] == [unallocated.display_name]
    assert set(groups["no_plan"]) == {
        world.person.display_name,
        world.teammate_person.display_name,
    }


def test_a_comment_waits_until_somebody_answers_it(world, client_for, on_today):
    plan = _settled(world.person)
    PlanComment.objects.create(
        plan=plan, part="about", author=world.person.user, text="Can we add my sister?"
    )
    client = client_for(world.user("care_coordinator"))

    response = client.get(reverse("home"))
    assert _groups(response) == {"comments": [world.person.display_name]}
    assert "1 comment with no reply, the first today" in response.content.decode()
    assert reverse("careplans:plan", args=[world.person.public_id]) in response.content.decode()

    # Another comment is not an answer: the coordinator replies to this one.
    PlanComment.objects.create(
        plan=plan, part="about", author=world.user("care_coordinator"), text="Yes, next visit."
    )
    assert _groups(client.get(reverse("home"))) == {"comments": [world.person.display_name]}
    comment_answer(
        actor=world.user("care_coordinator"),
        comment=PlanComment.objects.get(text="Can we add my sister?"),
        reply="Yes, at the next visit.",
        audit=AuditContext(actor=world.user("care_coordinator"), via="test"),
    )
    assert _groups(client.get(reverse("home"))) == {}


def test_a_plan_waiting_for_agreement_says_for_how_long(world, client_for):
    with time_machine.travel(NOON - datetime.timedelta(days=12), tick=False):
        plan = _settled(world.person)
        plan.status = PlanStatus.DRAFT
        plan.save()
    with time_machine.travel(NOON, tick=False):
        response = client_for(world.user("care_coordinator")).get(reverse("home"))

    assert _groups(response) == {"not_agreed": [world.person.display_name]}
    assert (
        "Not agreed, and not yet shared with them; last changed 12 days ago"
        in response.content.decode()
    )

    # Shared with the person three days ago, and unchanged since: it waits for them.
    plan.refresh_from_db()
    plan.shared_revision = plan.revision
    plan.shared_at = NOON - datetime.timedelta(days=3)
    plan.save(update_fields=["shared_revision", "shared_at"])
    with time_machine.travel(NOON, tick=False):
        response = client_for(world.user("care_coordinator")).get(reverse("home"))
    assert _groups(response) == {"not_agreed": [world.person.display_name]}
    assert "Waiting for their agreement, shared 3 days ago" in response.content.decode()


@pytest.mark.parametrize(
    ("days", "expected", "words"),
    [
        (-1, "review_overdue", "(1 day ago)"),
        (0, "review_due", "Review due today"),
        (1, "review_due", "(in 1 day)"),
        (28, "review_due", "(in 28 days)"),
        (29, None, None),
    ],
)
def test_reviews_overdue_or_due_within_four_weeks(
    world, client_for, on_today, days, expected, words
):
    _settled(world.person, review_due=TODAY + datetime.timedelta(days=days))

    response = client_for(world.user("care_coordinator")).get(reverse("home"))

    assert _groups(response) == ({expected: [world.person.display_name]} if expected else {})
    if words:
        assert words in response.content.decode()
        assert reverse("careplans:review", args=[world.person.public_id]) in (
            response.content.decode()
        )


@pytest.mark.parametrize(
    ("last_checkin_days_ago", "expected"),
    [
        (10, None),  # done: next due in three months
        (92 + 0, "checkin_due"),  # due since a day or two
        (92 + 40, "checkin_overdue"),  # more than 28 days past due
    ],
)
def test_check_ins_due_or_overdue(world, client_for, on_today, last_checkin_days_ago, expected):
    plan = plan_for(world.person)
    plan.status = PlanStatus.AGREED
    plan.review_due_on = TODAY + datetime.timedelta(days=200)
    plan.save()
    sent_response(world.person, on=TODAY - datetime.timedelta(days=last_checkin_days_ago))

    groups = _groups(client_for(world.user("care_coordinator")).get(reverse("home")))

    assert groups == ({expected: [world.person.display_name]} if expected else {})


def test_nothing_to_do_says_so(world, client_for, on_today):
    _settled(world.person)

    body = client_for(world.user("care_coordinator")).get(reverse("home")).content.decode()

    assert "Nothing needs your attention today" in body


def test_a_peer_support_worker_gets_no_list(world, client_for, on_today):
    response = client_for(world.user("peer_support_worker")).get(reverse("home"))

    assert "attention" not in response.context
    assert "Needs your" not in response.content.decode()


def _grow(world, n: int) -> None:
    coordinator = world.user("care_coordinator")
    for i in range(n):
        person = ServiceUserFactory.create(team=world.team, care_coordinator=coordinator)
        plan = plan_for(person)
        plan.status = PlanStatus.DRAFT if i % 2 else PlanStatus.AGREED
        plan.review_due_on = TODAY + datetime.timedelta(days=i - 3)
        plan.save()
        PlanComment.objects.create(plan=plan, part="goals", author=coordinator, text="Noted")
        sent_response(person, on=TODAY - datetime.timedelta(days=30 * i))
        ServiceUserFactory.create(team=world.team)  # not allocated: the leader's list


@pytest.mark.parametrize("role", ["care_coordinator", "team_leader"])
def test_the_list_costs_the_same_queries_at_any_size(
    world, client_for, on_today, django_assert_max_num_queries, role
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.user(role))
    _grow(world, 2)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    _grow(world, 20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("home"))
    assert sum(group.count for group in response.context["attention"]) > 20
