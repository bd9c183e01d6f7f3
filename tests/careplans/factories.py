"""Factories for recovery plans."""

from __future__ import annotations

import factory

from careplans.choices import GoalStatus, LifeArea, StepWho
from careplans.models import CrisisContact, Goal, GoalStep, RecoveryPlan, Supporter
from directory.models import ServiceUser
from tests.factories import ServiceUserFactory, UserFactory


class RecoveryPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecoveryPlan

    service_user = factory.SubFactory(ServiceUserFactory)
    created_by = factory.SubFactory(
        UserFactory, trust=factory.SelfAttribute("..service_user.trust")
    )
    what_matters = "My children and my allotment."
    strengths = "I am patient and I can cook."
    hopes = "To go back to work part time."


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(RecoveryPlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    life_area = LifeArea.WORK
    description = factory.Sequence(lambda n: f"Goal number {n} in my own words")
    why_it_matters = "It gives the week a shape."
    status = GoalStatus.IN_PROGRESS


class GoalStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalStep

    goal = factory.SubFactory(GoalFactory)
    position = factory.Sequence(lambda n: n + 1)
    what = "Phone the volunteer centre"
    who = StepWho.ME


class CrisisContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CrisisContact

    plan = factory.SubFactory(RecoveryPlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = "Priya"
    relationship = "Sister"
    phone = "01632 960 001"
    when_to_call = "If I stop answering the phone."


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    plan = factory.SubFactory(RecoveryPlanFactory)
    name = "Dev"
    kind = "family"
    relationship = "Brother"


def plan_for(person: ServiceUser, **kwargs) -> RecoveryPlan:
    """The person's plan, made on first use (matrix rows call this for every role)."""
    existing = RecoveryPlan.objects.filter(service_user=person).first()
    if existing is not None:
        return existing
    creator = person.care_coordinator or UserFactory.create(trust=person.trust)
    return RecoveryPlanFactory.create(service_user=person, created_by=creator, **kwargs)


def goal_of(person: ServiceUser) -> Goal:
    plan = plan_for(person)
    return plan.goals.first() or GoalFactory.create(plan=plan)


def step_of(person: ServiceUser) -> GoalStep:
    goal = goal_of(person)
    return goal.steps.first() or GoalStepFactory.create(goal=goal)


def contact_of(person: ServiceUser) -> CrisisContact:
    plan = plan_for(person)
    return plan.crisis_contacts.first() or CrisisContactFactory.create(plan=plan)


def supporter_of(person: ServiceUser) -> Supporter:
    plan = plan_for(person)
    return plan.supporters.first() or SupporterFactory.create(plan=plan)


def comment_of(person: ServiceUser):
    """A comment of the person on their plan, waiting for an answer."""
    from careplans.models import PlanComment

    plan = plan_for(person)
    author = person.user or UserFactory.create(trust=person.trust)
    return plan.comments.first() or PlanComment.objects.create(
        plan=plan, part="goals", author=author, text="Could we add swimming?"
    )


def version_of(person: ServiceUser):
    """An agreed version of the person's plan (made directly: the matrix only reads it)."""
    import datetime

    from careplans.models import PlanVersion
    from careplans.versions import plan_snapshot

    plan = plan_for(person)
    return plan.versions.first() or PlanVersion.objects.create(
        plan=plan,
        number=1,
        snapshot=plan_snapshot(plan),
        agreed_on=datetime.date(2026, 1, 5),
        agreed_by=plan.created_by,
        method="in_person",
    )


def shared_for_agreement(plan: RecoveryPlan) -> RecoveryPlan:
    """Mark the plan shared with the person at its current revision (as `plan_share` does)."""
    from django.db.models import F
    from django.utils import timezone

    RecoveryPlan.objects.filter(pk=plan.pk).update(
        shared_revision=F("revision"), shared_at=timezone.now()
    )
    plan.refresh_from_db()
    return plan
