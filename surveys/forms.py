"""Forms for answering a check-in, entering one for a person, inviting and team settings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms

from nhsuk_forms.forms import DateField, NhsFormHelperMixin

from .choices import Channel
from .models import Item


def item_field_name(item: Item) -> str:
    return f"item_{item.number}"


class QuestionsPageForm(forms.Form):
    """A few statements, each answered with radios; every one may be left blank."""

    def __init__(self, *args: Any, items: Iterable[Item], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[item_field_name(item)] = forms.TypedChoiceField(
                label=item.text,
                help_text=item.hint,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[(point["value"], point["label"]) for point in item.scale],
                widget=forms.RadioSelect,
                error_messages={
                    "invalid_choice": f"Choose one of the answers for statement {item.number}, "
                    "or leave it blank"
                },
            )

    def values_by_item_id(self) -> dict[int, int | None]:
        return {item.pk: self.cleaned_data.get(item_field_name(item)) for item in self.items}


class StaffEntryForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Continue to the statements"

    channel = forms.ChoiceField(
        label="How did the person give their answers?",
        choices=[
            (Channel.STAFF_PAPER.value, "On a paper form"),
            (Channel.STAFF_PHONE.value, "On the phone"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the person gave their answers"},
    )
    completed_on = DateField(label="When did they answer?", help_text="For example, 15 3 2026.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["completed_on"].error_messages["required"] = "Enter the date they answered"

    def clean_completed_on(self) -> datetime.date:
        day = self.cleaned_data.get("completed_on")
        if day is None:
            raise forms.ValidationError("Enter the date they answered")
        return day


class InviteForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Invite"

    how = forms.ChoiceField(
        label="How will the person get the link?",
        choices=[
            ("show", "Show me the link, to give them by text message, letter or in person"),
            ("email", "Email it to them"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the person will get the link"},
    )

    def __init__(self, *args: Any, can_email: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_email:
            self.fields["how"].choices = self.fields["how"].choices[:1]  # type: ignore[attr-defined]
            self.fields["how"].help_text = "They have no email address in recovery-care."


class ConfirmForm(NhsFormHelperMixin, forms.Form):
    """A form with only a button, for pages that confirm one action."""

    def __init__(self, *args: Any, submit_label: str = "Continue", **kwargs: Any) -> None:
        self.submit_label = submit_label
        super().__init__(*args, **kwargs)


class TeamSettingsForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Save settings"

    instrument_key = forms.ChoiceField(
        label="Which check-in should people in this team answer?",
        help_text="Used however they answer: signed in, from a link, or entered by staff.",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a check-in", "invalid_choice": "Choose a check-in"},
    )

    cycle_months = forms.TypedChoiceField(
        label="How often should people be asked to do a check-in?",
        coerce=int,
        choices=[(1, "Every month"), (2, "Every 2 months"), (3, "Every 3 months")]
        + [(n, f"Every {n} months") for n in (4, 6, 12)],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how often to ask"},
    )
    link_valid_days = forms.IntegerField(
        label="How many days should an invitation link work for?",
        min_value=1,
        max_value=90,
        help_text="Between 1 and 90 days.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "nhsuk-input nhsuk-input--width-3"}
        ),
        error_messages={
            "required": "Enter how many days a link works for",
            "invalid": "Enter the number of days as a whole number, like 28",
            "min_value": "A link must work for at least 1 day",
            "max_value": "A link can work for at most 90 days",
        },
    )
    reminder_after_days = forms.IntegerField(
        label="After how many days should a reminder be emailed?",
        min_value=1,
        max_value=89,
        help_text="Only to people who have not done the check-in and have an email address.",
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "nhsuk-input nhsuk-input--width-3"}
        ),
        error_messages={
            "required": "Enter after how many days to send a reminder",
            "invalid": "Enter the number of days as a whole number, like 7",
            "min_value": "Send the reminder at least 1 day after the invitation",
            "max_value": "Send the reminder within 89 days",
        },
    )

    def __init__(
        self, *args: Any, instrument_choices: Iterable[tuple[str, str]] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["instrument_key"].choices = list(instrument_choices)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        link, reminder = data.get("link_valid_days"), data.get("reminder_after_days")
        if link and reminder and reminder >= link:
            self.add_error("reminder_after_days", "Send the reminder before the link stops working")
        return data


class WithdrawForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Withdraw check-in"

    reason = forms.CharField(
        label="Why is this check-in being withdrawn?",
        help_text="For example, entered for the wrong person, or typed in twice. This is kept on "
        "the record with your name.",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Say why the check-in is being withdrawn",
            "max_length": "Say why in 500 characters or fewer",
        },
    )
