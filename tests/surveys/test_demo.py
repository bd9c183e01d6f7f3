"""Demo check-ins: 1 to 8 per person, trends that differ by team, safe to run again."""

from __future__ import annotations

from django.db.models import Count, Max, Min

from directory.demo import seed_directory
from surveys.demo import seed_surveys
from surveys.models import Answer, Response


def test_demo_check_ins(db):
    directory = seed_directory()
    added = seed_surveys(directory)
    assert added == Response.objects.count() > 0
    per_person = Response.objects.values("service_user").annotate(n=Count("id"))
    assert per_person.aggregate(low=Min("n"), high=Max("n")) == {"low": 1, "high": 8}
    own = Response.objects.filter(service_user__user=directory.personas["serviceuser"])
    assert own.count() >= 4
    scores = list(own.order_by("completed_on").values_list("hope_score", flat=True))
    first, last = scores[0], scores[-1]
    assert first is not None and last is not None
    assert last > first, "the persona's journey rises"
    assert Answer.objects.filter(response__in=own).count() == own.count() * 12

    assert seed_surveys(directory) == 0, "a second run adds nothing"
