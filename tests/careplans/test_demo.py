"""The demo plans: varied, some overdue, the persona's complete, and safe to seed twice."""

from __future__ import annotations

from django.utils import timezone

from careplans.choices import PlanStatus
from careplans.demo import seed_careplans
from careplans.models import PlanVersion, RecoveryPlan
from directory.demo import seed_directory


def test_demo_plans_are_varied_and_seeding_twice_changes_nothing(db):
    directory = seed_directory()
    seed_careplans(directory)
    counts = (RecoveryPlan.objects.count(), PlanVersion.objects.count())

    seed_careplans(seed_directory())

    assert (RecoveryPlan.objects.count(), PlanVersion.objects.count()) == counts
    statuses = set(RecoveryPlan.objects.values_list("status", flat=True))
    assert statuses == {PlanStatus.DRAFT, PlanStatus.AGREED, PlanStatus.CLOSED}
    assert RecoveryPlan.objects.filter(review_due_on__lt=timezone.localdate()).exists()
    own = RecoveryPlan.objects.get(service_user__user__username="serviceuser")
    assert own.goals.count() >= 3
    assert own.crisis_contacts.count() >= 2
    assert own.versions.count() == 2
