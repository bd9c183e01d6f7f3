"""Every working-time rule at its boundary, without the database: exactly the limit passes and
a minute past it is refused, including over the nights the clocks change (Europe/London)."""

from __future__ import annotations

import datetime
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from peersupport import rules
from peersupport.rules import Held, Span, Terms, check_assignment

LONDON = ZoneInfo("Europe/London")
H = datetime.timedelta(hours=1)
M = datetime.timedelta(minutes=1)
ALEX = Terms(name="Alex Peer", contracted_hours=48, opted_out=False)
OPTED_OUT = Terms(name="Alex Peer", contracted_hours=48, opted_out=True)


def at(day: str, clock: str) -> datetime.datetime:
    """A wall-clock time in London."""
    return datetime.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LONDON)


def span(key: str, start: datetime.datetime, end: datetime.datetime, **kwargs) -> Span:
    return Span(key=key, label=f"shift {key}", starts_at=start, ends_at=end, **kwargs)


def rules_broken(shift: Span, others=(), terms: Terms = ALEX) -> set[str]:
    return {f.rule for f in check_assignment(shift, others, terms, zone=LONDON).breaches}


def test_a_span_needs_its_zone_and_to_end_after_it_starts():
    with pytest.raises(ValueError):
        Span("a", "a", datetime.datetime(2027, 1, 4, 9), datetime.datetime(2027, 1, 4, 17))
    with pytest.raises(ValueError):
        span("a", at("2027-01-04", "09:00"), at("2027-01-04", "09:00"))


# --- overlap --------------------------------------------------------------------------------


def test_back_to_back_shifts_do_not_overlap_but_a_minute_more_does():
    first = span("first", at("2027-01-04", "09:00"), at("2027-01-04", "13:00"))
    touching = span("next", at("2027-01-04", "13:00"), at("2027-01-04", "15:00"))
    one_minute_in = span("next", at("2027-01-04", "12:59"), at("2027-01-04", "15:00"))
    assert rules.OVERLAP not in rules_broken(touching, [first])
    outcome = check_assignment(one_minute_in, [first], ALEX, zone=LONDON)
    overlap = [f for f in outcome.breaches if f.rule == rules.OVERLAP]
    assert overlap and overlap[0].shifts == ("next", "first")
    assert "shift next overlaps shift first" in overlap[0].message


# --- 11 hours' rest -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_start", "allowed"),
    [("06:00", True), ("05:59", False)],
    ids=["exactly 11 hours", "10 hours 59 minutes"],
)
def test_eleven_hours_rest_between_shifts(next_start, allowed):
    evening = span("evening", at("2027-01-04", "14:00"), at("2027-01-04", "19:00"))
    morning = span("morning", at("2027-01-05", next_start), at("2027-01-05", "10:00"))
    # either way round: the new shift after, or before, the rostered one
    assert (rules.DAILY_REST_RULE not in rules_broken(morning, [evening])) is allowed
    assert (rules.DAILY_REST_RULE not in rules_broken(evening, [morning])) is allowed


def test_the_rest_message_names_both_shifts_and_the_rest():
    evening = span("evening", at("2027-01-04", "14:00"), at("2027-01-04", "19:00"))
    morning = span("morning", at("2027-01-05", "05:59"), at("2027-01-05", "10:00"))
    (finding,) = check_assignment(morning, [evening], ALEX, zone=LONDON).breaches
    assert finding.shifts == ("morning", "evening")
    assert finding.message == (
        "Alex Peer would rest only 10 hours 59 minutes between shift evening and shift "
        "morning: at least 11 consecutive hours are needed."
    )


@pytest.mark.parametrize(
    ("evening_end", "morning_start", "allowed"),
    [
        # The clocks go back at 02:00 on 25 October 2026: the wall clock shows 10 hours,
        # 11 really pass.
        (at("2026-10-24", "20:00"), at("2026-10-25", "06:00"), True),
        (at("2026-10-24", "20:00"), at("2026-10-25", "05:59"), False),
        # They go forward at 01:00 on 28 March 2027: 12 hours on the wall clock, 11 real.
        (at("2027-03-27", "20:00"), at("2027-03-28", "08:00"), True),
        (at("2027-03-27", "20:00"), at("2027-03-28", "07:59"), False),
    ],
    ids=["back, 11 real hours", "back, 10h59", "forward, 11 real hours", "forward, 10h59"],
)
def test_rest_counts_real_hours_across_the_clock_change(evening_end, morning_start, allowed):
    evening = span("evening", evening_end - 5 * H, evening_end)
    morning = span("morning", morning_start, morning_start + 4 * H)
    assert (rules.DAILY_REST_RULE not in rules_broken(morning, [evening])) is allowed


# --- the break ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "break_minutes", "allowed"),
    [(6 * H, 0, True), (6 * H + M, 19, False), (6 * H + M, 20, True), (10 * H, 19, False)],
)
def test_shifts_over_six_hours_need_a_twenty_minute_break(length, break_minutes, allowed):
    start = at("2027-01-04", "09:00")
    shift = span("long", start, start + length, break_minutes=break_minutes)
    assert (rules.BREAK_RULE not in rules_broken(shift)) is allowed


def test_a_night_shift_over_the_clocks_going_back_is_an_hour_longer():
    """22:00 to 04:00 is 6 hours on most nights and 7 on the night the clocks go back."""
    ordinary = span("night", at("2026-10-17", "22:00"), at("2026-10-18", "04:00"))
    clocks_back = span("night", at("2026-10-24", "22:00"), at("2026-10-25", "04:00"))
    assert clocks_back.duration == 7 * H
    assert rules.BREAK_RULE not in rules_broken(ordinary)
    assert rules.BREAK_RULE in rules_broken(clocks_back)


# --- 24 hours' rest each week ---------------------------------------------------------------


def _week_of_twelve_hour_shifts(thursday_start: str) -> tuple[Span, list[Span]]:
    """A week (Monday 4 January 2027) of 12-hour shifts 11 hours apart, except before
    Thursday's, which starts at `thursday_start`: the week's longest rest is the one before it."""
    days = [
        ("2027-01-04", "09:00"),
        ("2027-01-05", "08:00"),
        ("2027-01-06", "07:00"),
        ("2027-01-08", "18:00"),
        ("2027-01-09", "17:00"),
        ("2027-01-10", "16:00"),
    ]
    rostered = [
        span(f"day{n}", at(day, clock), at(day, clock) + 12 * H, break_minutes=30)
        for n, (day, clock) in enumerate(days)
    ]
    start = at("2027-01-07", thursday_start)
    return span("thursday", start, start + 12 * H, break_minutes=30), rostered


@pytest.mark.parametrize(
    ("thursday_start", "allowed"), [("19:00", True), ("18:59", False)], ids=["24h", "23h59"]
)
def test_twenty_four_hours_rest_each_week(thursday_start, allowed):
    thursday, rostered = _week_of_twelve_hour_shifts(thursday_start)
    broken = rules_broken(thursday, rostered, OPTED_OUT)
    assert (rules.WEEKLY_REST_RULE not in broken) is allowed
    assert rules.DAILY_REST_RULE not in broken


def test_the_weekly_rest_message_names_the_week_and_the_rest():
    thursday, rostered = _week_of_twelve_hour_shifts("18:59")
    outcome = check_assignment(thursday, rostered, OPTED_OUT, zone=LONDON)
    (finding,) = [f for f in outcome.breaches if f.rule == rules.WEEKLY_REST_RULE]
    assert "week of 4 January 2027 would be 23 hours 59 minutes" in finding.message
    assert finding.shifts[0] == "thursday" and len(finding.shifts) == 7


def test_a_day_off_at_the_end_of_the_week_is_rest_enough():
    """Monday to Saturday, 9 to 5: Saturday evening to Monday midnight is 31 hours."""
    week = [
        span(
            f"d{n}",
            at(f"2027-01-{4 + n:02d}", "09:00"),
            at(f"2027-01-{4 + n:02d}", "17:00"),
            break_minutes=30,
        )
        for n in range(6)
    ]
    assert rules.WEEKLY_REST_RULE not in rules_broken(week[-1], week[:-1], OPTED_OUT)


def test_the_week_the_clocks_go_forward_is_167_hours_long():
    start = rules.week_starting(at("2027-03-24", "12:00"), LONDON)
    assert rules.next_week(start, LONDON) - start == 167 * H
    start = rules.week_starting(at("2026-10-21", "12:00"), LONDON)
    assert rules.next_week(start, LONDON) - start == 169 * H


# --- 48 hours in any 7 days -----------------------------------------------------------------


def _seven_six_hour_shifts(first: datetime.datetime) -> list[Span]:
    """Seven shifts of 6 hours, 11 hours apart: 42 hours' work within 113 hours."""
    return [span(f"s{n}", first + n * 17 * H, first + n * 17 * H + 6 * H) for n in range(7)]


@pytest.mark.parametrize(
    ("length", "allowed"),
    [(6 * H + 20 * M, True), (6 * H + 21 * M, False)],
    ids=["48 hours", "48 hours 1 minute"],
)
def test_at_most_48_hours_in_any_seven_days(length, allowed):
    # From a Thursday, so the seven days cross into the next calendar week.
    rostered = _seven_six_hour_shifts(at("2027-01-07", "06:00"))
    last = rostered[-1].ends_at + 11 * H
    shift = span("eighth", last, last + length, break_minutes=20)
    assert (rules.WEEKLY_LIMIT_RULE not in rules_broken(shift, rostered)) is allowed


def test_an_opt_out_turns_the_48_hour_limit_into_a_warning():
    rostered = _seven_six_hour_shifts(at("2027-01-07", "06:00"))
    last = rostered[-1].ends_at + 11 * H
    shift = span("eighth", last, last + 8 * H, break_minutes=20)
    outcome = check_assignment(shift, rostered, OPTED_OUT, zone=LONDON)
    assert outcome.allowed
    assert rules.WEEKLY_LIMIT_RULE in {f.rule for f in outcome.warnings}
    refused = check_assignment(shift, rostered, ALEX, zone=LONDON)
    (limit,) = [f for f in refused.breaches if f.rule == rules.WEEKLY_LIMIT_RULE]
    assert "would work 49 hours 40 minutes in 7 days" in limit.message
    assert set(limit.shifts) == {"eighth", *(s.key for s in rostered)}


def test_a_shift_cut_by_the_seven_days_counts_the_part_inside():
    """Work more than 7 days before the new shift ends does not count towards it."""
    start = at("2027-01-04", "08:00")
    early = span("early", start, start + 8 * H, break_minutes=0)  # ignored break rule here
    shift = span("late", start + 7 * 24 * H, start + 7 * 24 * H + 6 * H)
    total, _, _ = rules.busiest_week(shift, [early])
    assert total == Fraction(8 * 3600)  # either all of one or the other, never both


# --- contracted hours -----------------------------------------------------------------------


def test_above_contracted_hours_is_a_warning_not_a_refusal():
    part_time = Terms(name="Alex Peer", contracted_hours=Fraction(45, 2))
    monday = span("mon", at("2027-01-04", "09:00"), at("2027-01-04", "15:00"))
    tuesday = span("tue", at("2027-01-05", "09:00"), at("2027-01-05", "15:00"))
    wednesday = span("wed", at("2027-01-06", "09:00"), at("2027-01-06", "15:00"))
    exactly = span("thu", at("2027-01-07", "09:00"), at("2027-01-07", "13:30"))
    over = span("thu", at("2027-01-07", "09:00"), at("2027-01-07", "13:31"))
    within = check_assignment(exactly, [monday, tuesday, wednesday], part_time, zone=LONDON)
    assert within.allowed and not within.warnings
    above = check_assignment(over, [monday, tuesday, wednesday], part_time, zone=LONDON)
    assert above.allowed
    (warning,) = above.warnings
    assert warning.rule == rules.CONTRACTED_HOURS
    assert "22 hours 31 minutes" in warning.message and "22 hours 30 minutes" in warning.message


# --- training -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("held", "allowed"),
    [
        ((), False),
        ((Held("foundation", datetime.date(2027, 1, 4)),), True),  # completed that very day
        ((Held("foundation", datetime.date(2027, 1, 5)),), False),  # the day after
        ((Held("foundation", datetime.date(2025, 1, 4), datetime.date(2027, 1, 5)),), True),
        ((Held("foundation", datetime.date(2025, 1, 4), datetime.date(2027, 1, 4)),), False),
        ((Held("induction", datetime.date(2025, 1, 4)),), False),  # another level
    ],
    ids=[
        "none",
        "completed that day",
        "completed a day late",
        "expires next day",
        "expired",
        "other",
    ],
)
def test_the_worker_holds_the_required_training_on_the_day(held, allowed):
    terms = Terms(name="Alex Peer", contracted_hours=48, training=held)
    shift = span(
        "group",
        at("2027-01-04", "10:00"),
        at("2027-01-04", "12:00"),
        required_level="foundation",
        required_level_label="Foundation",
    )
    outcome = check_assignment(shift, [], terms, zone=LONDON)
    assert outcome.allowed is allowed
    if not allowed:
        assert "needs Foundation training" in outcome.breaches[0].message


def test_the_day_of_a_late_evening_shift_is_the_local_day():
    """23:30 on 30 June is 22:30 UTC: the same day, in summer too."""
    terms = Terms(
        name="Alex Peer",
        contracted_hours=48,
        training=(Held("foundation", datetime.date(2026, 1, 1), datetime.date(2026, 7, 1)),),
    )
    late = span(
        "late", at("2026-06-30", "23:30"), at("2026-07-01", "01:00"), required_level="foundation"
    )
    after_midnight = span(
        "night", at("2026-07-01", "00:30"), at("2026-07-01", "02:00"), required_level="foundation"
    )
    assert check_assignment(late, [], terms, zone=LONDON).allowed
    assert not check_assignment(after_midnight, [], terms, zone=LONDON).allowed
