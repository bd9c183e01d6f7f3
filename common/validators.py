"""What any typed-in value must be, whoever sends it: written once and attached to the models'
fields (and, where a rule needs more than one field, to their `clean`), so a page, the API and
the admin site all refuse the same things with the same message.

- Text: no control characters and no bidirectional controls. A control character cannot be
  typed on purpose, and the bidirectional overrides and isolates make text read differently
  from how it is stored ("Trojan Source"): a name or a crisis instruction must say what it says.
  Free text keeps tabs and line breaks (a browser sends a textarea's lines as CR LF); a name is
  one line, so it keeps neither.
- Dates of birth: not in the future and not more than 120 years ago.
- Dates in a plan (goals and their steps, reviews, agreement): from 1 January of the year
  before the plan was started (plans are often written up from a meeting held shortly before)
  to five years from today (a plan is reviewed every year or so; a date decades away is a typing
  slip). `plan_date_window` says what the window is for one plan.
"""

from __future__ import annotations

import datetime
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from .dates import add_months, trust_today

OLDEST_AGE_YEARS = 120
PLAN_DATES_YEARS_AHEAD = 5
PLAN_DATES_YEARS_BEFORE_START = 1

# Bidirectional embeddings and overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the
# left-to-right and right-to-left marks (U+200E, U+200F).
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
# The C0 and C1 controls and DEL (Unicode category Cc).
_CONTROLS = "\x00-\x1f\x7f-\x9f"
_NOT_IN_A_NAME = re.compile(f"[{_CONTROLS}{_BIDI}]")
# Free text keeps tab, line feed, and carriage return only as the first half of CR LF.
_NOT_IN_FREE_TEXT = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]|\r(?!\n)")


def _describe(character: str) -> str:
    return f"U+{ord(character):04X}"


def validate_name(value: str) -> None:
    """A name, title or other one-line text: no control or bidirectional characters."""
    if isinstance(value, str) and (found := _NOT_IN_A_NAME.search(value)):
        raise ValidationError(
            "Remove the hidden control character (%(character)s): names are one line of plain "
            "text.",
            code="control_character",
            params={"character": _describe(found.group()[0])},
        )


def validate_free_text(value: str) -> None:
    """Free text: line breaks and tabs are fine, other control or bidirectional characters
    are not."""
    if isinstance(value, str) and (found := _NOT_IN_FREE_TEXT.search(value)):
        raise ValidationError(
            "Remove the hidden control character (%(character)s): only letters, numbers, "
            "punctuation, spaces and line breaks can be saved.",
            code="control_character",
            params={"character": _describe(found.group()[0])},
        )


def _years_before(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, -12 * years)


def validate_date_of_birth(value: datetime.date | None) -> None:
    """A date of birth: in the past, and not more than 120 years ago."""
    if value is None:
        return
    today = trust_today()
    if value > today:
        raise ValidationError("Date of birth must be in the past.", code="future_birth")
    if value < _years_before(today, OLDEST_AGE_YEARS):
        raise ValidationError(
            "Date of birth must be within the last %(years)s years.",
            code="birth_too_long_ago",
            params={"years": OLDEST_AGE_YEARS},
        )


def plan_date_window(started: datetime.date | None) -> tuple[datetime.date, datetime.date]:
    """The first and last dates a plan started on `started` (None: not yet, so today) may
    carry."""
    today = trust_today()
    first = datetime.date((started or today).year - PLAN_DATES_YEARS_BEFORE_START, 1, 1)
    return first, add_months(today, 12 * PLAN_DATES_YEARS_AHEAD)


def plan_date_errors(
    dates: dict[str, datetime.date | None], *, started: datetime.date | None
) -> dict[str, str]:
    """A message for each of `dates` (by field name) outside the window of a plan started on
    `started`; empty when they all fit."""
    first, last = plan_date_window(started)
    errors = {}
    for name, value in dates.items():
        if value is None:
            continue
        if value < first:
            errors[name] = f"Enter a date on or after {first.day} {first:%B %Y}."
        elif value > last:
            errors[name] = (
                f"Enter a date no later than {last.day} {last:%B %Y}, "
                f"{PLAN_DATES_YEARS_AHEAD} years from today."
            )
    return errors


NIL_UUID = uuid.UUID(int=0)


def validate_fresh_key(value: uuid.UUID | str | None) -> None:
    """An idempotency key made for one request: the all-zero id is what a client sends when it
    made none, and would tie unrelated requests together."""
    try:
        key = None if value is None else uuid.UUID(str(value))
    except ValueError:
        return  # not a key at all: the field's own check says so
    if key == NIL_UUID:
        raise ValidationError(
            "Make a new random key for each check-in: the all-zero key cannot be used.",
            code="nil_key",
        )


def validate_as(field: str, validator: Callable[[Any], None], value: Any) -> None:
    """Run `validator` on `value`, reporting a refusal against `field`: the name the form or
    the API call knows the value by, where the model's field is named otherwise."""
    try:
        validator(value)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc
