"""Fictional recovery plans for the demo: most people get one, in every state, some overdue.

Idempotent: people who already have a plan are left alone. Plans are written with
bulk_create (a few queries for hundreds of plans) except the service-user persona's, which
goes through the services so that it has real agreed versions to read back and compare.
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from common.dates import add_months
from directory.audit import AuditContext
from directory.choices import CareRelationshipKind
from directory.demo import DemoDirectory
from directory.models import CareRelationship, ServiceUser

from . import services
from .choices import AgreementMethod, GoalStatus, LifeArea, PlanStatus, StepWho
from .models import CrisisContact, Goal, GoalStep, PlanVersion, RecoveryPlan
from .versions import plan_snapshot, plan_with_parts

SEEDING = AuditContext.for_system("demo data")
WITHOUT_PLAN_EVERY = 7  # one person in seven has no plan yet

MATTERS = [
    "My kids, and being a dad they can rely on.",
    "Getting out into the hills at the weekend.",
    "My faith and the people at church.",
    "Music: playing guitar with my friends.",
    "My cat, Pickle, and keeping my flat nice.",
]
STRENGTHS = [
    "I don't give up. I'm good with my hands.",
    "People say I'm a good listener.",
    "I can cook for a crowd and I'm organised.",
    "I'm funny, and I know a lot about football.",
]
HOPES = [
    "To get back to work, even part time.",
    "To have my own place again.",
    "To feel less on my own.",
    "To finish my college course.",
]
GOALS = [
    (LifeArea.WORK, "Volunteer two mornings a week at the food bank", "It gives the week a shape"),
    (LifeArea.PHYSICAL_HEALTH, "Walk to the park and back every day", "I sleep better when I walk"),
    (LifeArea.RELATIONSHIPS, "See my sister once a fortnight", "We used to be close"),
    (LifeArea.MONEY, "Sort out my council tax arrears", "The letters worry me"),
    (LifeArea.LEARNING, "Do the cookery course at the recovery college", "I want to learn"),
    (LifeArea.LIVING_SKILLS, "Keep on top of the washing up", "A tidy kitchen helps my mood"),
    (LifeArea.MENTAL_WELLBEING, "Notice when my sleep starts to slip", "It is my first sign"),
]
STEPS = [
    ("Phone the volunteer coordinator", StepWho.ME),
    ("Look up the bus times together", StepWho.PEER_SUPPORT_WORKER),
    ("Write to the council about a payment plan", StepWho.CARE_COORDINATOR),
    ("Come along to the first session", StepWho.FAMILY_OR_FRIEND),
    ("Book a place on the course", StepWho.PARTNER_ORGANISATION),
]
CONTACTS = [
    ("County crisis line", "Crisis team, 24 hours", "0800 952 0000", "Any time I feel unsafe"),
    ("Priya", "Sister", "01632 960 111", "If I stop answering my phone"),
    ("Dev", "Friend", "01632 960 222", "If I have not been out for three days"),
]


@transaction.atomic
def seed_careplans(directory: DemoDirectory) -> None:
    rng = random.Random(20261129)
    today = timezone.localdate()
    persona_person = ServiceUser.objects.filter(user=directory.personas["serviceuser"]).first()
    if (
        persona_person is not None
        and not RecoveryPlan.objects.filter(service_user=persona_person).exists()
    ):
        _persona_plan(directory, persona_person, today)

    people = list(
        CareRelationship.objects.in_force()
        .filter(kind=CareRelationshipKind.CARE_COORDINATOR, person__recovery_plan__isnull=True)
        .order_by("person_id")
        .values_list("person_id", "staff_id")
    )
    plans: list[RecoveryPlan] = []
    for index, (person_id, coordinator_id) in enumerate(people):
        if person_id % WITHOUT_PLAN_EVERY == 0:
            continue
        state = index % 10
        status, review_due = PlanStatus.DRAFT, None
        if state in (1, 2, 3, 4):  # agreed, review some months away
            status, review_due = PlanStatus.AGREED, today + datetime.timedelta(days=40 + 30 * state)
        elif state in (5, 6):  # agreed, review overdue
            status, review_due = PlanStatus.AGREED, today - datetime.timedelta(days=15 * state)
        elif state == 7:  # agreed, review within 30 days
            status, review_due = PlanStatus.AGREED, today + datetime.timedelta(days=12)
        elif state == 8:  # changed since it was agreed
            status, review_due = PlanStatus.DRAFT, today + datetime.timedelta(days=100)
        elif state == 9 and index % 20 == 9:
            status, review_due = PlanStatus.CLOSED, None
        plans.append(
            RecoveryPlan(
                service_user_id=person_id,
                created_by_id=coordinator_id,
                status=status,
                review_due_on=review_due,
                what_matters=rng.choice(MATTERS),
                strengths=rng.choice(STRENGTHS),
                hopes=rng.choice(HOPES),
                stay_well="Walking, seeing friends, regular meals.",
                early_signs="Sleeping badly, not answering the phone.",
            )
        )
    RecoveryPlan.objects.bulk_create(plans)
    goals: list[Goal] = []
    contacts: list[CrisisContact] = []
    for plan in plans:
        for position, (area, text, why) in enumerate(rng.sample(GOALS, rng.randint(1, 3)), 1):
            goals.append(
                Goal(
                    plan=plan,
                    position=position,
                    life_area=area,
                    description=text,
                    why_it_matters=why,
                    status=rng.choice(GoalStatus.values),
                    progress=rng.choice([None, *range(1, 11)]),
                )
            )
        for position, (name, relationship, phone, when) in enumerate(CONTACTS[:2], 1):
            contacts.append(
                CrisisContact(
                    plan=plan,
                    position=position,
                    name=name,
                    relationship=relationship,
                    phone=phone,
                    when_to_call=when,
                )
            )
    Goal.objects.bulk_create(goals)
    CrisisContact.objects.bulk_create(contacts)
    GoalStep.objects.bulk_create(
        GoalStep(goal=goal, position=1, what=STEPS[n % len(STEPS)][0], who=STEPS[n % len(STEPS)][1])
        for n, goal in enumerate(goals)
    )
    # Agreed plans (and those changed since) have a first version, frozen as they stand.
    agreed_ids = [
        p.pk for p in plans if p.review_due_on is not None and p.status != PlanStatus.CLOSED
    ]
    versions = []
    for plan in plan_with_parts(RecoveryPlan.objects.filter(pk__in=agreed_ids)):
        interval = 12 if plan.review_due_on > today else 14
        agreed_on = min(add_months(plan.review_due_on, -interval), today)
        versions.append(
            PlanVersion(
                plan=plan,
                number=1,
                snapshot=plan_snapshot(plan),
                agreed_on=agreed_on,
                agreed_by_id=plan.created_by_id,
                method=AgreementMethod.IN_PERSON,
            )
        )
    PlanVersion.objects.bulk_create(versions)


def _persona_plan(directory: DemoDirectory, person: ServiceUser, today: datetime.date) -> None:
    """The service-user persona's plan: written, agreed online, changed, agreed again."""
    coordinator = directory.personas["coordinator"]
    me = directory.personas["serviceuser"]
    plan = services.plan_create(actor=coordinator, service_user=person, audit=SEEDING)
    services.plan_part_update(
        actor=coordinator,
        plan=plan,
        part="about",
        revision=1,
        values={
            "what_matters": "My son, Leo, and my allotment.",
            "strengths": "I am patient and I am a good cook.",
            "hopes": "To walk the fells again.",
        },
        audit=SEEDING,
    )
    services.plan_part_update(
        actor=coordinator,
        plan=plan,
        part="keeping_well",
        revision=1,
        values={
            "stay_well": "Time at the allotment, cooking for Leo, a walk every day.",
            "set_backs": "Winter, money worries, the anniversary of Mum's death in March.",
            "early_signs": "I stop sleeping, stop answering the phone, stop eating properly.",
            "early_signs_actions": "I will tell Priya. Priya will call my care coordinator.",
        },
        audit=SEEDING,
    )
    services.plan_part_update(
        actor=coordinator,
        plan=plan,
        part="crisis",
        revision=1,
        values={
            "crisis_helps": "A quiet room, someone I know, time to talk.",
            "crisis_unhelpful": "Lots of people asking questions at once.",
            "practical_arrangements": "Priya looks after Leo. My neighbour feeds the cat.",
            "treatment_preferences": "I would rather stay at home with the crisis team.",
        },
        audit=SEEDING,
    )
    for name, relationship, phone, when in CONTACTS:
        services.crisis_contact_add(
            actor=coordinator,
            plan=plan,
            values={
                "name": name,
                "relationship": relationship,
                "phone": phone,
                "when_to_call": when,
            },
            audit=SEEDING,
        )
    for area, text, why in GOALS[:3]:
        goal = services.goal_add(
            actor=coordinator,
            plan=plan,
            values={
                "life_area": area,
                "description": text,
                "why_it_matters": why,
                "status": GoalStatus.IN_PROGRESS,
                "target_date": today + datetime.timedelta(days=120),
            },
            audit=SEEDING,
        )
        services.step_add(
            actor=coordinator,
            goal=goal,
            values={"what": STEPS[0][0], "who": StepWho.ME, "by_when": today},
            audit=SEEDING,
        )
    services.supporter_add(
        actor=coordinator,
        plan=plan,
        values={
            "name": "Priya",
            "kind": "family",
            "relationship": "Sister",
            "contact": "01632 960 111",
            "shared_parts": ["crisis", "keeping_well"],
            "consent_recorded_on": today,
            "told_of_carer_assessment": True,
        },
        audit=SEEDING,
    )
    plan.refresh_from_db()
    services.plan_share(actor=coordinator, plan=plan, revision=plan.revision, audit=SEEDING)
    services.plan_agree(actor=me, plan=plan, revision=plan.revision, audit=SEEDING)
    plan.refresh_from_db()
    services.plan_part_update(
        actor=coordinator,
        plan=plan,
        part="about",
        revision=plan.about_revision,
        values={
            "what_matters": "My son, Leo, my allotment and my sister Priya.",
            "strengths": "I am patient and I am a good cook.",
            "hopes": "To walk the high fells with Leo this summer.",
        },
        audit=SEEDING,
    )
    plan.refresh_from_db()
    services.plan_agree(
        actor=coordinator,
        plan=plan,
        revision=plan.revision,
        method=AgreementMethod.IN_PERSON,
        note="Agreed at the clinic with Priya there.",
        audit=SEEDING,
    )
