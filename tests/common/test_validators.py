"""The shared rules for typed-in values, on their own: what each lets through and refuses."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from common.dates import add_months, trust_today
from common.validators import (
    plan_date_errors,
    validate_date_of_birth,
    validate_free_text,
    validate_fresh_key,
    validate_name,
)

HIDDEN = [
    "\x00",
    "\x07",
    "\x1b",
    "\x7f",
    "\x85",
    "\x9f",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
]


@pytest.mark.parametrize("character", HIDDEN)
def test_control_and_bidirectional_characters_are_refused_in_names_and_free_text(character):
    for validate in (validate_name, validate_free_text):
        with pytest.raises(ValidationError) as refused:
            validate(f"Call my sister{character} first")
        assert f"U+{ord(character):04X}" in refused.value.messages[0]


def test_free_text_keeps_its_line_breaks_and_tabs_but_not_a_lone_carriage_return():
    validate_free_text("Line one\r\nLine two\n\tindented")
    with pytest.raises(ValidationError):
        validate_free_text("Overwrite\rthis")


@pytest.mark.parametrize("character", ["\n", "\t", "\r"])
def test_a_name_is_one_line(character):
    with pytest.raises(ValidationError):
        validate_name(f"Ann{character}Smith")


def test_letters_from_any_script_are_names():
    for name in ("Siobhán Ní Bhriain", "Zoë", "محمد", "李小龍", "O'Brien-Smith"):
        validate_name(name)
        validate_free_text(name)


def test_a_date_of_birth_is_in_the_past_and_within_120_years():
    today = trust_today()
    oldest = add_months(today, -12 * 120)
    validate_date_of_birth(today)
    validate_date_of_birth(oldest)
    for refused in (today + datetime.timedelta(days=1), oldest - datetime.timedelta(days=1)):
        with pytest.raises(ValidationError):
            validate_date_of_birth(refused)


def test_plan_dates_run_from_the_year_before_the_plan_began_to_five_years_ahead():
    today = trust_today()
    started = datetime.date(2024, 6, 15)
    last = add_months(today, 60)
    fine = {"a": datetime.date(2023, 1, 1), "b": last, "c": None}
    assert plan_date_errors(fine, started=started) == {}
    errors = plan_date_errors(
        {"early": datetime.date(2022, 12, 31), "late": last + datetime.timedelta(days=1)},
        started=started,
    )
    assert set(errors) == {"early", "late"}
    assert "1 January 2023" in errors["early"]


def test_the_all_zero_key_is_refused():
    validate_fresh_key(uuid.uuid4())
    with pytest.raises(ValidationError):
        validate_fresh_key(uuid.UUID(int=0))
    with pytest.raises(ValidationError):
        validate_fresh_key("00000000-0000-0000-0000-000000000000")
