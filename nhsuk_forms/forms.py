"""Fields and a form base that render in NHS.UK markup through the `nhsuk` crispy pack."""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms import layout
from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

_PARTS = (
    ("Day", "nhsuk-input--width-2", "bday-day"),
    ("Month", "nhsuk-input--width-2", "bday-month"),
    ("Year", "nhsuk-input--width-4", "bday-year"),
)


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes, as the NHS.UK date input pattern asks."""

    template_name = "nhsuk/widgets/date_input.html"

    def __init__(self, *, birthday: bool = False, attrs: dict | None = None) -> None:
        self.birthday = birthday
        super().__init__(widgets=[forms.TextInput, forms.TextInput, forms.TextInput], attrs=attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["has_errors"] = bool((attrs or {}).get("aria-invalid"))
        for sub, (label, width, autocomplete) in zip(
            context["widget"]["subwidgets"], _PARTS, strict=True
        ):
            sub["part_label"] = label
            sub["width_class"] = width
            sub["autocomplete"] = autocomplete if self.birthday else ""
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with messages that say which part is wrong."""

    widget = DateInputWidget

    def __init__(self, *, birthday: bool = False, **kwargs: Any) -> None:
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        kwargs.setdefault("widget", DateInputWidget(birthday=birthday))
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[str]) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = ((part or "").strip() for part in data_list)
        label = (self.label or "the date").lower()
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"{self.label or 'Date'} must include a {' and '.join(missing)}.")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"Enter {label} using numbers only, like 27 3 2007.")
        if len(year) != 4:
            raise ValidationError(f"Year must be 4 numbers, like {datetime.date.today().year}.")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError as exc:
            raise ValidationError(f"{self.label or 'Date'} must be a real date.") from exc


class Submit(layout.Submit):
    """The NHS.UK button: crispy's own Submit would add Bootstrap's classes."""

    field_classes = ""


class NhsFormHelperMixin:
    """Gives a form a crispy helper with one submit button and errors left to the summary."""

    submit_label = "Continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # No autofocus anywhere: it skips the skip link and drops screen-reader users mid-page.
        for field in self.fields.values():  # type: ignore[attr-defined]
            field.widget.attrs.pop("autofocus", None)
        self.helper = FormHelper(self)
        self.helper.form_show_errors = True
        self.helper.add_input(Submit("submit", self.submit_label))


class PublicIdChoiceField(forms.ModelChoiceField):
    """Choose a record by its public id; anything that is not one of the choices, a malformed
    id included, gets the field's own "choose one" message rather than a technical one."""

    def __init__(self, queryset: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(queryset, **kwargs)

    def to_python(self, value: Any) -> Any:
        try:
            return super().to_python(value)
        except ValidationError as exc:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from exc
