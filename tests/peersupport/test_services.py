"""Rostering through the services: every rule refused with its name and the shifts involved,
nothing half-saved, double submits harmless, and only HR of the shift's trust rostering."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from directory.choices import TrustRole
from peersupport import rules, services
from peersupport.models import Shift
from tests.audit import audit_as
from tests.factories import TeamFactory, trust_staff

from .factories import ShiftFactory, TrainingRecordFactory, at, peer_worker

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


@pytest.fixture
def team():
    return TeamFactory.create(name="North Fells CMHT")


@pytest.fixture
def hr(team):
    return trust_staff(trust=team.trust, role=TrustRole.HR)


@pytest.fixture
def worker(team):
    return peer_worker(team=team)


def assign(hr, shift, worker):
    return services.shift_assign(actor=hr, shift=shift, worker=worker, audit=audit_as(hr))


def test_hr_assigns_an_open_shift(team, hr, worker):
    shift = ShiftFactory.create(team=team)
    done = assign(hr, shift, worker)
    shift.refresh_from_db()
    assert shift.worker == worker and done.warnings == ()


def test_a_double_submit_assigns_once(team, hr, worker):
    shift = ShiftFactory.create(team=team)
    assign(hr, shift, worker)
    assign(hr, shift, worker)
    assert Shift.objects.get(pk=shift.pk).worker == worker


def test_a_shift_goes_to_one_worker_only(team, hr, worker):
    shift = ShiftFactory.create(team=team)
    assign(hr, shift, worker)
    with pytest.raises(ValidationError, match="just been given to someone else"):
        assign(hr, shift, peer_worker(team=team))


def test_ten_hours_fifty_nine_minutes_rest_is_refused_naming_the_rule_and_both_shifts(
    team, hr, worker
):
    evening = ShiftFactory.create(
        team=team,
        worker=worker,
        starts_at=at("2027-01-04", "14:00"),
        ends_at=at("2027-01-04", "19:00"),
    )
    morning = ShiftFactory.create(
        team=team, starts_at=at("2027-01-05", "05:59"), ends_at=at("2027-01-05", "10:00")
    )
    with pytest.raises(services.RosterRuleBroken) as refused:
        assign(hr, morning, worker)
    (breach,) = refused.value.breaches
    assert breach.rule == rules.DAILY_REST_RULE
    assert breach.shifts == (str(morning.public_id), str(evening.public_id))
    assert "10 hours 59 minutes" in breach.message and "Mon 4 Jan 14:00" in breach.message
    morning.refresh_from_db()
    assert morning.worker is None  # nothing half-saved
    # exactly 11 hours passes
    Shift.objects.filter(pk=morning.pk).update(starts_at=at("2027-01-05", "06:00"))
    morning.refresh_from_db()
    assign(hr, morning, worker)


def test_the_required_training_is_checked_against_the_workers_records(team, hr, worker):
    shift = ShiftFactory.create(team=team, required_level="foundation")
    with pytest.raises(services.RosterRuleBroken) as refused:
        assign(hr, shift, worker)
    assert refused.value.breaches[0].rule == rules.TRAINING_RULE
    assert "needs Foundation training" in refused.value.breaches[0].message
    TrainingRecordFactory.create(
        user=worker.user, level="foundation", completed_on=datetime.date(2026, 1, 1)
    )
    assign(hr, shift, worker)


def test_hours_above_the_contract_are_a_warning(team, hr):
    part_time = peer_worker(team=team, contracted_hours=5)
    shift = ShiftFactory.create(
        team=team, starts_at=at("2027-01-04", "09:00"), ends_at=at("2027-01-04", "15:00")
    )
    done = assign(hr, shift, part_time)
    assert [w.rule for w in done.warnings] == [rules.CONTRACTED_HOURS]


@pytest.mark.parametrize("role", [TrustRole.QA_MANAGER, TrustRole.ADMINISTRATOR])
def test_only_hr_rosters(team, worker, role):
    other = trust_staff(trust=team.trust, role=role)
    shift = ShiftFactory.create(team=team)
    with pytest.raises(ValidationError):
        assign(other, shift, worker)
    assert Shift.objects.get(pk=shift.pk).worker is None


def test_hr_of_another_trust_cannot_roster(team, worker):
    elsewhere = trust_staff(trust=TeamFactory.create().trust, role=TrustRole.HR)
    shift = ShiftFactory.create(team=team)
    with pytest.raises(ValidationError):
        assign(elsewhere, shift, worker)
    with pytest.raises(ValidationError):
        services.shift_create(
            actor=elsewhere,
            team=team,
            starts_at=at("2027-01-04", "09:00"),
            ends_at=at("2027-01-04", "12:00"),
            kind="group",
            audit=audit_as(elsewhere),
        )


def test_a_worker_of_another_trust_cannot_be_given_the_shift(team, hr):
    stranger = peer_worker(team=TeamFactory.create())
    shift = ShiftFactory.create(team=team)
    with pytest.raises(ValidationError):
        assign(hr, shift, stranger)


def test_a_long_shift_is_created_only_with_its_break(team, hr):
    def create(breaks):
        return services.shift_create(
            actor=hr,
            team=team,
            starts_at=at("2027-01-04", "09:00"),
            ends_at=at("2027-01-04", "15:01"),
            kind="group",
            break_minutes=breaks,
            audit=audit_as(hr),
        )

    with pytest.raises(ValidationError) as refused:
        create(19)
    assert "break_minutes" in refused.value.message_dict
    assert not Shift.objects.exists()
    assert create(20).break_minutes == 20


def test_unassigning_opens_the_shift_again_and_twice_is_once(team, hr, worker):
    shift = ShiftFactory.create(team=team, worker=worker)
    services.shift_unassign(actor=hr, shift=shift, audit=audit_as(hr))
    services.shift_unassign(actor=hr, shift=shift, audit=audit_as(hr))
    assert Shift.objects.get(pk=shift.pk).worker is None


def test_copying_a_week_keeps_wall_clock_times_over_the_clock_change(team, hr, worker):
    """The week before the clocks go back (25 October 2026) copied into the week after."""
    ShiftFactory.create(
        team=team,
        worker=worker,
        starts_at=at("2026-10-21", "09:00"),
        ends_at=at("2026-10-21", "12:00"),
    )
    ShiftFactory.create(
        team=team, starts_at=at("2026-10-23", "13:00"), ends_at=at("2026-10-23", "16:00")
    )
    ShiftFactory.create(
        team=TeamFactory.create(trust=team.trust), starts_at=at("2026-10-21", "09:00")
    )

    def copy():
        return services.week_copy(
            actor=hr, team=team, monday=datetime.date(2026, 10, 19), audit=audit_as(hr)
        )

    assert copy() == 2
    assert copy() == 0  # copying again adds nothing
    copies = Shift.objects.filter(team=team, starts_at__gte=at("2026-10-26", "00:00")).order_by(
        "starts_at"
    )
    assert [(c.starts_at, c.ends_at, c.worker_id) for c in copies] == [
        (at("2026-10-28", "09:00"), at("2026-10-28", "12:00"), None),
        (at("2026-10-30", "13:00"), at("2026-10-30", "16:00"), None),
    ]


def test_a_peer_takes_an_open_shift_under_the_same_rules(team, worker):
    earlier = ShiftFactory.create(
        team=team,
        worker=worker,
        starts_at=at("2027-01-04", "09:00"),
        ends_at=at("2027-01-04", "15:00"),
    )
    clash = ShiftFactory.create(
        team=team, starts_at=at("2027-01-04", "14:00"), ends_at=at("2027-01-04", "16:00")
    )
    with pytest.raises(services.RosterRuleBroken) as refused:
        services.shift_take(actor=worker.user, shift=clash, audit=audit_as(worker.user))
    assert refused.value.breaches[0].shifts == (str(clash.public_id), str(earlier.public_id))
    later = ShiftFactory.create(
        team=team, starts_at=at("2027-01-05", "09:00"), ends_at=at("2027-01-05", "12:00")
    )
    services.shift_take(actor=worker.user, shift=later, audit=audit_as(worker.user))
    assert Shift.objects.get(pk=later.pk).worker == worker


def test_a_peer_cannot_take_another_trusts_shift(worker):
    shift = ShiftFactory.create()
    with pytest.raises(ValidationError):
        services.shift_take(actor=worker.user, shift=shift, audit=audit_as(worker.user))


def test_a_feed_link_replaces_the_last_and_can_be_switched_off(worker):
    from peersupport.selectors import worker_for_feed

    first = services.feed_link_issue(actor=worker.user, audit=audit_as(worker.user))
    assert worker_for_feed(first) == worker
    second = services.feed_link_issue(actor=worker.user, audit=audit_as(worker.user))
    assert worker_for_feed(first) is None and worker_for_feed(second) == worker
    services.feed_link_revoke(actor=worker.user, audit=audit_as(worker.user))
    assert worker_for_feed(second) is None
