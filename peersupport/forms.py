"""Rota forms: a shift's times as a trust's staff say them, and the worker to give it to."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from common.dates import trust_time_zone
from nhsuk_forms.forms import DateField, NhsFormHelperMixin, PublicIdChoiceField

from .choices import Band, PostStatus, PostTitle, ShiftKind, TrainingLevel
from .models import PeerWorker

TIME_ATTRS = {"class": "nhsuk-input nhsuk-input--width-5", "inputmode": "numeric"}


class ShiftForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Add shift"

    day = DateField(label="Day", help_text="For example, 4 1 2027.")
    starts = forms.TimeField(
        label="Starts at",
        help_text="24-hour clock, for example 09:00.",
        widget=forms.TimeInput(attrs=TIME_ATTRS, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 09:00."},
    )
    ends = forms.TimeField(
        label="Ends at",
        help_text="A time before the start means the next morning.",
        widget=forms.TimeInput(attrs=TIME_ATTRS, format="%H:%M"),
        error_messages={"invalid": "Enter a time such as 17:00."},
    )
    kind = forms.ChoiceField(label="Kind of shift", choices=ShiftKind.choices)
    required_level = forms.ChoiceField(
        label="Training needed",
        choices=[("", "None"), *TrainingLevel.choices],
        required=False,
    )
    break_minutes = forms.IntegerField(
        label="Break, in minutes",
        min_value=0,
        max_value=240,
        initial=0,
        help_text="Shifts over 6 hours need at least 20 minutes.",
        widget=forms.NumberInput(attrs={"class": "nhsuk-input nhsuk-input--width-3"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, starts, ends = data.get("day"), data.get("starts"), data.get("ends")
        if day and starts and ends:
            zone = trust_time_zone()
            start = _real_moment(day, starts, zone)
            end_day = day if ends > starts else day + datetime.timedelta(days=1)
            end = _real_moment(end_day, ends, zone)
            if start is None:
                self.add_error("starts", "The clocks skip this time on this day: choose another.")
            elif end is None:
                self.add_error("ends", "The clocks skip this time on this day: choose another.")
            else:
                data["starts_at"], data["ends_at"] = start, end
        return data


def _real_moment(
    day: datetime.date, time: datetime.time, zone: datetime.tzinfo
) -> datetime.datetime | None:
    """The moment a wall-clock time names, or None when the clocks skip it (spring forward).
    An hour the clocks repeat is taken the first time round."""
    local = datetime.datetime.combine(day, time, tzinfo=zone)
    round_trip = local.astimezone(datetime.UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


class AssignForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Assign"

    worker = PublicIdChoiceField(
        label="Peer support worker",
        queryset=PeerWorker.objects.none(),
        empty_label="Choose a worker",
        error_messages={
            "invalid_choice": "Choose a peer support worker from the list.",
            "required": "Choose a peer support worker.",
        },
    )

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker_field = self.fields["worker"]
        assert isinstance(worker_field, forms.ModelChoiceField)
        worker_field.queryset = workers


def rule_errors(breaches: Any) -> ValidationError:
    """Each broken rule as its own message on the worker field, rule first."""
    return ValidationError({"worker": [f"{b.rule_name}: {b.message}" for b in breaches]})


class PostForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Add post"

    title = forms.ChoiceField(label="Title", choices=PostTitle.choices)
    band = forms.ChoiceField(label="Agenda for Change band", choices=Band.choices)
    hours_per_week = forms.DecimalField(
        label="Hours per week",
        min_value=Decimal("0.5"),
        max_value=Decimal(48),
        decimal_places=1,
        widget=forms.NumberInput(
            attrs={"class": "nhsuk-input nhsuk-input--width-4", "step": "0.5"}
        ),
    )
    fixed_term_ends_on = DateField(
        label="Fixed-term end date",
        required=False,
        help_text="Leave empty for a permanent post. For example, 31 3 2027.",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[(PostStatus.VACANT, "Vacant"), (PostStatus.RECRUITING, "Recruiting")],
    )


class FillForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Fill post"

    worker = PublicIdChoiceField(
        label="Peer support worker",
        queryset=PeerWorker.objects.none(),
        empty_label="Choose a worker",
        error_messages={
            "invalid_choice": "Choose a peer support worker from the list.",
            "required": "Choose a peer support worker.",
        },
    )
    starts_on = DateField(label="Starts on", help_text="For example, 4 1 2027.")

    def __init__(self, *args: Any, workers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        worker_field = self.fields["worker"]
        assert isinstance(worker_field, forms.ModelChoiceField)
        worker_field.queryset = workers


class TrainingImportForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Import"

    file = forms.FileField(
        label="CSV file",
        help_text="Columns: username, level, completed_on, expires_on (optional). Dates as "
        "YYYY-MM-DD.",
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 2_000_000:
            raise ValidationError("The file must be smaller than 2 MB.")
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ValidationError("The file must be a CSV file saved as UTF-8.") from exc
