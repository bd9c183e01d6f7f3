"""Forms for answering a check-in, entering one for a person, inviting and team settings."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django import forms

from common.dates import trust_today
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


class TranscriptionForm(QuestionsPageForm):
    """A check-in the person gave on paper or by phone, typed in on one page: how and when they
    answered, then every statement. A fresh key from the page makes a double submit land on
    the check-in the first one saved."""

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
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(
        self, *args: Any, items: Iterable[Item], earliest: datetime.date | None, **kwargs: Any
    ) -> None:
        super().__init__(*args, items=items, **kwargs)
        self.earliest = earliest
        self.fields["completed_on"].error_messages["required"] = "Enter the date they answered"
        self.fields["idempotency_key"].error_messages["required"] = (
            "This page is out of date. Open it again and type the answers in."
        )

    def clean_completed_on(self) -> datetime.date:
        day = self.cleaned_data.get("completed_on")
        if day is None:
            raise forms.ValidationError("Enter the date they answered")
        if day > trust_today():
            raise forms.ValidationError("The date they answered must be today or in the past")
        if self.earliest is not None and day < self.earliest:
            raise forms.ValidationError(
                f"The date they answered must be on or after {self.earliest:%-d %B %Y}, "
                "when they joined the team"
            )
        return day

    def answers_by_number(self) -> dict[int, int | None]:
        return {item.number: self.cleaned_data.get(item_field_name(item)) for item in self.items}

    def statement_fields(self) -> list[forms.BoundField]:
        return [self[item_field_name(item)] for item in self.items]


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


class InviteCaseloadForm(NhsFormHelperMixin, forms.Form):
    """Who to invite, out of the people due a check-in: all ticked at first; untick to leave
    someone out. Each says whether they will be emailed or need a letter or a link."""

    submit_label = "Invite the people ticked"

    people = forms.MultipleChoiceField(
        label="Who to invite",
        help_text="Untick anyone you do not want to invite now.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Tick at least one person to invite",
            "invalid_choice": "Tick only people on this list",
        },
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = people
        self.initial.setdefault("people", [value for value, _ in people])


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


class LeagueChoiceForm(forms.Form):
    """What a league table shows, chosen from what the trust has rows for (a GET form)."""

    period_kind = forms.ChoiceField(label="Period", choices=())
    period = forms.ChoiceField(label="Starting", choices=())
    instrument = forms.ChoiceField(label="Check-in", choices=())
    domain = forms.ChoiceField(label="Domain", choices=())
    measure = forms.ChoiceField(label="Measure", choices=())
    overdispersion = forms.BooleanField(
        label="Widen the limits for differences between teams beyond chance (overdispersion)",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        periods: dict[str, list[datetime.date]],
        domains: dict[str, list[str]],
        measures: dict[tuple[str, str], list[str]],
        labels: dict[str, dict[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.periods, self.domains, self.measures = periods, domains, measures
        fields: dict[str, Any] = self.fields
        fields["period_kind"].choices = [
            (kind, labels["kinds"].get(kind, kind)) for kind in periods
        ]
        days = sorted({day for values in periods.values() for day in values}, reverse=True)
        fields["period"].choices = [(day.isoformat(), f"{day:%B %Y}") for day in days]
        titles = labels.get("instruments", {})
        fields["instrument"].choices = [(key, titles.get(key, key)) for key in domains]
        names = sorted({name for values in domains.values() for name in values})
        fields["domain"].choices = [(name, labels["domains"].get(name, name)) for name in names]
        kinds = sorted({m for values in measures.values() for m in values})
        fields["measure"].choices = [(m, labels["measures"].get(m, m)) for m in kinds]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, period = data.get("period_kind"), data.get("period")
        key, domain, measure = data.get("instrument"), data.get("domain"), data.get("measure")
        if kind and period and datetime.date.fromisoformat(period) not in self.periods[kind]:
            self.add_error("period", "There are no figures for that period yet. Choose another.")
        if key and domain and domain not in self.domains.get(key, []):
            self.add_error("domain", "That check-in has no such domain. Choose another.")
        elif key and domain and measure and measure not in self.measures.get((key, domain), []):
            self.add_error("measure", "There are no figures of that kind for the domain.")
        return data


class BenchmarkImportForm(forms.Form):
    file = forms.FileField(
        label="Upload another trust's figures",
        help_text="The CSV file another trust downloaded from its own system.",
        max_length=200,
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file must be smaller than 5 MB.")
        return upload


class ProcessChangeForm(forms.Form):
    """A change to how the team works: its charts take new limits from the month chosen."""

    month = forms.ChoiceField(label="From which month", choices=())
    note = forms.CharField(
        label="What changed",
        max_length=200,
        help_text="For example: a new duty system, or the team merged with another.",
    )

    def __init__(self, *args: Any, months: list[datetime.date], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["month"].choices = [(m.isoformat(), f"{m:%B %Y}") for m in months]
