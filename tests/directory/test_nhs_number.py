import pytest
from django.core.exceptions import ValidationError

from directory.nhs_number import (
    check_digit,
    format_nhs_number,
    is_valid_nhs_number,
    normalise_nhs_number,
    validate_nhs_number,
)


@pytest.mark.parametrize("number", ["9434765919", "943 476 5919", "943-476-5919", "4010232137"])
def test_real_shaped_numbers_with_the_right_check_digit_pass(number):
    assert is_valid_nhs_number(number)


def test_check_digit_worked_by_hand():
    # 9 4 3 4 7 6 5 9 1 weighted 10..2: 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11-2 = 9
    assert check_digit("943476591") == 9


def test_remainder_zero_gives_check_digit_zero():
    # 4 0 1 0 2 3 2 1 3 weighted: 40+0+8+0+12+15+8+3+6 = 92 -> 92 mod 11 = 4 -> 7
    assert check_digit("401023213") == 7
    assert check_digit("000000000") == 0  # 11 - 0 = 11, which reads as 0


def test_a_remainder_of_one_has_no_valid_number():
    first_nine = next(f"999{n:06d}" for n in range(10**6) if check_digit(f"999{n:06d}") is None)
    assert not any(is_valid_nhs_number(f"{first_nine}{d}") for d in range(10))


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("943476591", "10 digits"),
        ("94347659190", "10 digits"),
        ("94347659A9", "10 digits"),
        ("9434765918", "fails the check digit"),
        ("1111111111", "one digit repeated"),
        ("0000000000", "one digit repeated"),
    ],
)
def test_bad_numbers_say_what_is_wrong(number, message):
    with pytest.raises(ValidationError, match=message):
        validate_nhs_number(number)


def test_numbers_are_shown_in_three_three_four_groups():
    assert normalise_nhs_number(" 943 476-5919 ") == "9434765919"
    assert format_nhs_number("9434765919") == "943 476 5919"
