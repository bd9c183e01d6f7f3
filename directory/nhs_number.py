"""NHS number validation: ten digits, Modulus 11 check digit, never ten of the same digit."""

from django.core.exceptions import ValidationError

WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


def normalise_nhs_number(value: str) -> str:
    """Drop the spaces and dashes people type between the 3-3-4 groups."""
    return "".join(ch for ch in str(value) if ch not in " -")


def check_digit(first_nine: str) -> int | None:
    """The Modulus 11 check digit for nine digits; None where no valid number can end them."""
    remainder = sum(int(d) * w for d, w in zip(first_nine, WEIGHTS, strict=True)) % 11
    digit = 11 - remainder
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def is_valid_nhs_number(value: str) -> bool:
    number = normalise_nhs_number(value)
    if len(number) != 10 or not number.isdigit() or len(set(number)) == 1:
        return False
    return check_digit(number[:9]) == int(number[9])


def validate_nhs_number(value: str) -> None:
    number = normalise_nhs_number(value)
    if not number.isdigit() or len(number) != 10:
        raise ValidationError(
            "Enter an NHS number with 10 digits, like 485 777 3456.", code="length"
        )
    if len(set(number)) == 1:
        raise ValidationError(
            "Enter a real NHS number: it cannot be one digit repeated.", code="repeated"
        )
    if not is_valid_nhs_number(number):
        raise ValidationError(
            "Enter a valid NHS number: this one fails the check digit. Check it for a typing error.",
            code="check_digit",
        )


def format_nhs_number(value: str) -> str:
    """Show an NHS number in the 3-3-4 groups people read it in."""
    n = normalise_nhs_number(value)
    return f"{n[:3]} {n[3:6]} {n[6:]}" if len(n) == 10 else n
