from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from common.validators import validate_date_of_birth, validate_name
from nhsuk_forms.forms import DateField, NhsFormHelperMixin, PublicIdChoiceField

from .models import Team, User
from .nhs_number import normalise_nhs_number, validate_nhs_number


class ServiceUserSearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or NHS number",
        required=False,
        max_length=100,
    )


class ServiceUserCreateForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Add person"

    given_name = forms.CharField(label="First name", max_length=100, validators=[validate_name])
    family_name = forms.CharField(label="Last name", max_length=100, validators=[validate_name])
    preferred_name = forms.CharField(
        label="Preferred name",
        max_length=100,
        required=False,
        validators=[validate_name],
        help_text="What the person likes to be called, if different from their first name.",
    )
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=14,
        help_text="10 digits, for example 485 777 3456.",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "class": "nhsuk-input nhsuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )
    date_of_birth = DateField(
        label="Date of birth", birthday=True, help_text="For example, 31 3 1980."
    )
    team = PublicIdChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        empty_label="Choose a team",
        error_messages={"invalid_choice": "Choose one of your teams."},
    )
    care_coordinator = PublicIdChoiceField(
        label="Care coordinator",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not yet allocated (or me, if I coordinate in this team)",
        error_messages={"invalid_choice": "Choose a care coordinator in the chosen team."},
    )

    def __init__(self, *args: Any, teams: Any, coordinators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PublicIdChoiceField, self.fields["team"]).queryset = teams
        cast(PublicIdChoiceField, self.fields["care_coordinator"]).queryset = coordinators
        self.fields["date_of_birth"].error_messages["required"] = (
            "Enter the person's date of birth."
        )
        self.fields["nhs_number"].error_messages["required"] = "Enter the person's NHS number."
        self.fields["given_name"].error_messages["required"] = "Enter the person's first name."
        self.fields["family_name"].error_messages["required"] = "Enter the person's last name."
        self.fields["team"].error_messages["required"] = "Choose a team."

    def clean_nhs_number(self) -> str:
        number = normalise_nhs_number(self.cleaned_data["nhs_number"])
        validate_nhs_number(number)
        return number

    def clean_date_of_birth(self) -> datetime.date:
        born = self.cleaned_data["date_of_birth"]
        if born is None:
            raise ValidationError("Enter the person's date of birth.")
        validate_date_of_birth(born)
        return born
