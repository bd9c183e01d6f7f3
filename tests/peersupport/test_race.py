"""Two HR users assigning one worker to clashing shifts at the same moment: the worker's row
is locked while the rules are checked, so exactly one assignment succeeds.

The first assignment is made and held uncommitted until the second is seen waiting for the
lock (or, were there no lock, has finished), so the race happens every time."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from directory.choices import TrustRole
from peersupport import services
from peersupport.models import Shift
from tests.audit import audit_as
from tests.factories import TeamFactory, trust_staff

from .factories import ShiftFactory, at, peer_worker


def _someone_waits_for_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE wait_event_type = 'Lock' AND datname = current_database()"
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_clashing_assignments_at_the_same_moment_do_not_both_succeed():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    team = TeamFactory.create()
    first_hr = trust_staff(trust=team.trust, role=TrustRole.HR)
    second_hr = trust_staff(trust=team.trust, role=TrustRole.HR)
    worker = peer_worker(team=team)
    morning = ShiftFactory.create(
        team=team, starts_at=at("2027-01-04", "09:00"), ends_at=at("2027-01-04", "13:00")
    )
    overlapping = ShiftFactory.create(
        team=team, starts_at=at("2027-01-04", "12:00"), ends_at=at("2027-01-04", "15:00")
    )
    first_made, second_done = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def first():
        try:
            with transaction.atomic():
                services.shift_assign(
                    actor=first_hr, shift=morning, worker=worker, audit=audit_as(first_hr)
                )
                outcomes["first"] = "assigned"
                first_made.set()
                for _ in range(3000):  # at most 30 s
                    if second_done.wait(0.01) or _someone_waits_for_a_lock():
                        break
        finally:
            first_made.set()
            connection.close()

    def second():
        try:
            first_made.wait(30)
            services.shift_assign(
                actor=second_hr, shift=overlapping, worker=worker, audit=audit_as(second_hr)
            )
            outcomes["second"] = "assigned"
        except services.RosterRuleBroken as exc:
            outcomes["second"] = exc.breaches[0].rule
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert outcomes == {"first": "assigned", "second": "overlap"}
    assert list(Shift.objects.filter(worker=worker)) == [morning]
