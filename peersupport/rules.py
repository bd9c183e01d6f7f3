"""The working-time rules every shift assignment is checked against, as pure functions.

They take small dataclasses and know nothing of the database, so each rule is tested at its
boundary without one. Times are moments: every span is turned to UTC on the way in, because
subtracting two datetimes that share a zone compares wall clocks, and the night the clocks go
back lasts an hour longer than its wall clock says.

The rules (Working Time Regulations 1998, as the trust applies them to rotas):
- a worker is never on two shifts at once;
- at least 11 consecutive hours' rest between shifts;
- at least 24 hours' uninterrupted rest in each week (Monday 00:00 to Monday 00:00, the
  regulations' default seven-day period, in the trust's zone);
- at most 48 hours' work in any 7 days, unless the worker has opted out in writing; above the
  contracted hours in a week is a warning, not a refusal;
- a shift over 6 hours includes a break of at least 20 minutes;
- the worker holds the shift's required training on the day it starts.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from zoneinfo import ZoneInfo

UTC = datetime.UTC

DAILY_REST = datetime.timedelta(hours=11)
WEEKLY_REST = datetime.timedelta(hours=24)
WEEKLY_LIMIT = datetime.timedelta(hours=48)
LIMIT_WINDOW = datetime.timedelta(days=7)
BREAK_AFTER = datetime.timedelta(hours=6)
MINIMUM_BREAK_MINUTES = 20

# Rule codes, as the API names them.
OVERLAP = "overlap"
DAILY_REST_RULE = "daily_rest"
WEEKLY_REST_RULE = "weekly_rest"
WEEKLY_LIMIT_RULE = "weekly_limit"
BREAK_RULE = "break"
TRAINING_RULE = "training"
CONTRACTED_HOURS = "contracted_hours"

RULE_NAMES = {
    OVERLAP: "No overlapping shifts",
    DAILY_REST_RULE: "11 hours' rest between shifts",
    WEEKLY_REST_RULE: "24 hours' uninterrupted rest each week",
    WEEKLY_LIMIT_RULE: "At most 48 hours in any 7 days",
    BREAK_RULE: "A 20-minute break in shifts over 6 hours",
    TRAINING_RULE: "The shift's required training",
    CONTRACTED_HOURS: "Above contracted hours",
}


@dataclass(frozen=True)
class Span:
    """One shift as the rules see it. `key` identifies it; `label` names it in messages."""

    key: str
    label: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    break_minutes: int = 0
    required_level: str = ""
    required_level_label: str = ""

    def __post_init__(self) -> None:
        for name in ("starts_at", "ends_at"):
            moment = getattr(self, name)
            if moment.utcoffset() is None:
                raise ValueError(f"{name} must carry its time zone")
            object.__setattr__(self, name, moment.astimezone(UTC))
        if self.ends_at <= self.starts_at:
            raise ValueError("A shift ends after it starts.")

    @property
    def duration(self) -> datetime.timedelta:
        return self.ends_at - self.starts_at

    @property
    def worked(self) -> datetime.timedelta:
        """Working time: the shift less its break (never below nothing)."""
        return max(self.duration - datetime.timedelta(minutes=self.break_minutes), ZERO)

    def overlaps(self, other: Span) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


ZERO = datetime.timedelta(0)


@dataclass(frozen=True)
class Held:
    """A level of training held from `completed_on` until the day before `expires_on`."""

    level: str
    completed_on: datetime.date
    expires_on: datetime.date | None = None

    def counts_on(self, day: datetime.date) -> bool:
        return self.completed_on <= day and (self.expires_on is None or day < self.expires_on)


@dataclass(frozen=True)
class Terms:
    """What the rules need to know about the worker."""

    name: str
    contracted_hours: Fraction | int
    opted_out: bool = False
    training: tuple[Held, ...] = ()


@dataclass(frozen=True)
class Finding:
    """One rule a proposed assignment breaks (or, for a warning, goes beyond)."""

    rule: str
    message: str
    shifts: tuple[str, ...] = ()  # keys of the shifts involved, the proposed one first

    @property
    def rule_name(self) -> str:
        return RULE_NAMES[self.rule]


@dataclass(frozen=True)
class Outcome:
    breaches: tuple[Finding, ...] = ()
    warnings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def allowed(self) -> bool:
        return not self.breaches


def hours(span: datetime.timedelta | Fraction) -> str:
    """A length as people say it: "11 hours", "10 hours 59 minutes"."""
    seconds = span.total_seconds() if isinstance(span, datetime.timedelta) else float(span)
    minutes = round(seconds / 60)
    whole, rest = divmod(minutes, 60)
    parts = []
    if whole:
        parts.append(f"{whole} hour{'s' if whole != 1 else ''}")
    if rest or not whole:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


def check_assignment(
    shift: Span, others: Iterable[Span], terms: Terms, *, zone: ZoneInfo
) -> Outcome:
    """Every rule for giving `shift` to a worker who already has `others`."""
    rostered = sorted(
        (other for other in others if other.key != shift.key), key=lambda s: s.starts_at
    )
    breaches = [
        *check_break(shift),
        *check_training(shift, terms, zone=zone),
        *check_overlap(shift, rostered, terms),
    ]
    clear = [other for other in rostered if not other.overlaps(shift)]
    breaches += check_daily_rest(shift, clear, terms)
    breaches += check_weekly_rest(shift, clear, terms, zone=zone)
    limit = check_weekly_limit(shift, clear, terms)
    if terms.opted_out:
        warnings = list(limit)
    else:
        breaches += limit
        warnings = []
    warnings += check_contracted_hours(shift, clear, terms, zone=zone)
    return Outcome(breaches=tuple(breaches), warnings=tuple(warnings))


def check_break(shift: Span) -> list[Finding]:
    if shift.duration > BREAK_AFTER and shift.break_minutes < MINIMUM_BREAK_MINUTES:
        return [
            Finding(
                BREAK_RULE,
                f"{shift.label} lasts {hours(shift.duration)} but has a break of "
                f"{shift.break_minutes} minutes: shifts over 6 hours need a break of at least "
                f"{MINIMUM_BREAK_MINUTES} minutes.",
                (shift.key,),
            )
        ]
    return []


def check_training(shift: Span, terms: Terms, *, zone: ZoneInfo) -> list[Finding]:
    if not shift.required_level:
        return []
    day = shift.starts_at.astimezone(zone).date()
    if any(h.level == shift.required_level and h.counts_on(day) for h in terms.training):
        return []
    expired = any(h.level == shift.required_level and h.completed_on <= day for h in terms.training)
    label = shift.required_level_label or shift.required_level
    held = "has expired for" if expired else "is not held by"
    return [
        Finding(
            TRAINING_RULE,
            f"{shift.label} needs {label} training, which {held} {terms.name} on {day:%-d %B %Y}.",
            (shift.key,),
        )
    ]


def check_overlap(shift: Span, rostered: Sequence[Span], terms: Terms) -> list[Finding]:
    return [
        Finding(
            OVERLAP,
            f"{shift.label} overlaps {other.label}, which {terms.name} is already rostered to.",
            (shift.key, other.key),
        )
        for other in rostered
        if other.overlaps(shift)
    ]


def check_daily_rest(shift: Span, rostered: Sequence[Span], terms: Terms) -> list[Finding]:
    findings = []
    for other in rostered:
        if other.ends_at <= shift.starts_at:
            gap, first, second = shift.starts_at - other.ends_at, other, shift
        else:
            gap, first, second = other.starts_at - shift.ends_at, shift, other
        if gap < DAILY_REST:
            findings.append(
                Finding(
                    DAILY_REST_RULE,
                    f"{terms.name} would rest only {hours(gap)} between {first.label} and "
                    f"{second.label}: at least 11 consecutive hours are needed.",
                    (shift.key, other.key),
                )
            )
    return findings


def week_starting(moment: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    """Monday 00:00 in the trust's zone of the week `moment` falls in, as a moment."""
    local = moment.astimezone(zone)
    monday = local.date() - datetime.timedelta(days=local.weekday())
    return datetime.datetime.combine(monday, datetime.time(), tzinfo=zone).astimezone(UTC)


def next_week(start: datetime.datetime, zone: ZoneInfo) -> datetime.datetime:
    """The Monday 00:00 after the week starting `start` (167, 168 or 169 hours later)."""
    monday = start.astimezone(zone).date() + datetime.timedelta(days=7)
    return datetime.datetime.combine(monday, datetime.time(), tzinfo=zone).astimezone(UTC)


def longest_rest(
    spans: Sequence[Span], start: datetime.datetime, end: datetime.datetime
) -> datetime.timedelta:
    """The longest stretch between `start` and `end` covered by none of `spans`."""
    longest, free_from = ZERO, start
    for span in sorted(spans, key=lambda s: s.starts_at):
        if span.ends_at <= start or span.starts_at >= end:
            continue
        longest = max(longest, span.starts_at - free_from)
        free_from = max(free_from, span.ends_at)
    return max(longest, end - free_from)


def check_weekly_rest(
    shift: Span, rostered: Sequence[Span], terms: Terms, *, zone: ZoneInfo
) -> list[Finding]:
    findings = []
    week = week_starting(shift.starts_at, zone)
    while week < shift.ends_at:
        week_end = next_week(week, zone)
        in_week = [s for s in (shift, *rostered) if s.starts_at < week_end and s.ends_at > week]
        rest = longest_rest(in_week, week, week_end)
        if rest < WEEKLY_REST:
            monday = week.astimezone(zone).date()
            findings.append(
                Finding(
                    WEEKLY_REST_RULE,
                    f"With {shift.label}, {terms.name}'s longest rest in the week of "
                    f"{monday:%-d %B %Y} would be {hours(rest)}: at least 24 hours' "
                    f"uninterrupted rest are needed each week.",
                    (shift.key, *(s.key for s in in_week if s.key != shift.key)),
                )
            )
        week = week_end
    return findings


def _worked_within(span: Span, start: datetime.datetime, end: datetime.datetime) -> Fraction:
    """Seconds of working time `span` puts between `start` and `end`; a shift cut by the
    window counts its working time in proportion."""
    inside = min(span.ends_at, end) - max(span.starts_at, start)
    if inside <= ZERO:
        return Fraction(0)
    seconds = Fraction(int(span.worked.total_seconds()))
    return seconds * Fraction(int(inside.total_seconds()), int(span.duration.total_seconds()))


def busiest_week(
    shift: Span, rostered: Sequence[Span]
) -> tuple[Fraction, datetime.datetime, list[Span]]:
    """The most working time in any 7 days that include `shift`, where that window starts,
    and the shifts in it. The busiest window starts as a shift starts or ends as one ends, so
    only those windows are tried."""
    spans = [shift, *rostered]
    starts = {s.starts_at for s in spans} | {s.ends_at - LIMIT_WINDOW for s in spans}
    best: tuple[Fraction, datetime.datetime, list[Span]] = (Fraction(0), shift.starts_at, [])
    for start in sorted(starts):
        end = start + LIMIT_WINDOW
        if not (start < shift.ends_at and shift.starts_at < end):
            continue
        total = sum((_worked_within(s, start, end) for s in spans), Fraction(0))
        if total > best[0]:
            inside = [s for s in spans if s.starts_at < end and s.ends_at > start]
            best = (total, start, inside)
    return best


def check_weekly_limit(shift: Span, rostered: Sequence[Span], terms: Terms) -> list[Finding]:
    total, _start, inside = busiest_week(shift, rostered)
    limit = Fraction(int(WEEKLY_LIMIT.total_seconds()))
    if total <= limit:
        return []
    opted = " (the worker has opted out of the limit)" if terms.opted_out else ""
    return [
        Finding(
            WEEKLY_LIMIT_RULE,
            f"With {shift.label}, {terms.name} would work {hours(total)} in 7 days: at most "
            f"48 hours are allowed without a written opt-out{opted}.",
            (shift.key, *(s.key for s in inside if s.key != shift.key)),
        )
    ]


def check_contracted_hours(
    shift: Span, rostered: Sequence[Span], terms: Terms, *, zone: ZoneInfo
) -> list[Finding]:
    week = week_starting(shift.starts_at, zone)
    week_end = next_week(week, zone)
    in_week = [s for s in (shift, *rostered) if week <= s.starts_at < week_end]
    total = sum((Fraction(int(s.worked.total_seconds())) for s in in_week), Fraction(0))
    contracted = Fraction(terms.contracted_hours) * 3600
    if total <= contracted:
        return []
    monday = week.astimezone(zone).date()
    return [
        Finding(
            CONTRACTED_HOURS,
            f"{terms.name} would work {hours(total)} in the week of {monday:%-d %B %Y}, above "
            f"their contracted {hours(contracted)}.",
            (shift.key, *(s.key for s in in_week if s.key != shift.key)),
        )
    ]
