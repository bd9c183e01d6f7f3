"""Forms for searching the directory, making and moving referrals, keeping opportunities up to
date and recording network meetings. Each validates one thing and hands clean data to a service."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms

from common.dates import trust_today
from common.forms import RevisionMixin, SubmissionMixin
from nhsuk_forms.forms import DateField, NhsFormHelperMixin, Submit

from .choices import OpportunityKind, PartnerKind, ReferralStatus, SharedDetail


def _required(form: forms.Form, messages: dict[str, str]) -> None:
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message


class SearchForm(NhsFormHelperMixin, forms.Form):
    """Words, kind and network: read from the query string, never saved."""

    submit_label = "Search"

    q = forms.CharField(label="Search by words", required=False, max_length=200)
    kind = forms.ChoiceField(label="Kind", required=False)
    network = forms.ChoiceField(label="Network", required=False)

    kind_choices: list[tuple[str, str]] = []

    def __init__(self, *args: Any, networks: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.form_method = "get"
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", "Any kind"),
            *self.kind_choices,
        ]
        cast(forms.ChoiceField, self.fields["network"]).choices = [("", "Any network")] + [
            (str(n.public_id), n.name) for n in networks
        ]


class PartnerSearchForm(SearchForm):
    kind_choices = list(PartnerKind.choices)


class OpportunitySearchForm(SearchForm):
    kind_choices = list(OpportunityKind.choices)
    near = forms.ChoiceField(label="Nearest to a team's base first", required=False)
    with_places = forms.BooleanField(label="Only those with places left", required=False)

    def __init__(self, *args: Any, bases: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["near"]).choices = [("", "Do not sort by distance")] + [
            (str(b.team.public_id), f"{b.team.name} ({b.postcode})") for b in bases
        ]


class ReferralForm(NhsFormHelperMixin, SubmissionMixin, forms.Form):
    """What is shared with the partner, the person's consent, and whether to refer now."""

    submit_label = "Save"

    action = forms.ChoiceField(
        label="What would you like to do",
        choices=[
            ("suggest", "Suggest it: the person will think about it, nothing is sent"),
            ("refer", "Refer now: the partner sees the details below"),
        ],
        widget=forms.RadioSelect,
    )
    details = forms.MultipleChoiceField(
        label="What the person agreed to share, besides their name and this goal",
        choices=SharedDetail.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(label="Phone number to share", required=False, max_length=30)
    email = forms.EmailField(label="Email address to share", required=False, max_length=200)
    support_needs = forms.CharField(
        label="What would help them take part",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label="The person agreed to share these details with this organisation",
        help_text="Needed to refer now. Ask them, and show them what will be shared.",
        required=False,
    )
    note = forms.CharField(
        label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(self, {"action": "Choose whether to suggest it or refer now"})


class StepForm(NhsFormHelperMixin, RevisionMixin, forms.Form):
    """The referral's next step: which, when, and what came of it."""

    submit_label = "Record this step"

    to = forms.ChoiceField(label="What happened", widget=forms.RadioSelect)
    happened_on = DateField(label="When", help_text="For example, 15 3 2027.")
    note = forms.CharField(
        label="Outcome note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed when declining or withdrawing.",
    )
    consent = forms.BooleanField(
        label="The person agreed to share the details shown with this organisation",
        required=False,
    )

    def __init__(self, *args: Any, steps: list[str], ask_consent: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReferralStatus.choices)
        cast(forms.ChoiceField, self.fields["to"]).choices = [(s, labels[s]) for s in steps]
        if not ask_consent:
            del self.fields["consent"]
            self.helper = FormHelper(self)  # drawn again without it
            self.helper.form_show_errors = True
            self.helper.add_input(Submit("submit", self.submit_label))
        self.initial.setdefault("happened_on", trust_today())
        _required(
            self,
            {"to": "Choose what happened", "happened_on": "Enter the date it happened"},
        )


class OpportunityForm(NhsFormHelperMixin, RevisionMixin, forms.Form):
    submit_label = "Save opportunity"

    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=OpportunityKind.choices)
    description = forms.CharField(
        label="Description", max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    eligibility = forms.CharField(
        label="Who can take part",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    places = forms.IntegerField(
        label="Places", required=False, min_value=0, help_text="Leave empty if there is no limit."
    )
    starts_on = DateField(label="Starts", required=False, help_text="For example, 1 9 2027.")
    ends_on = DateField(label="Ends", required=False, help_text="Leave empty if it runs on.")
    how_to_apply = forms.CharField(
        label="How to apply",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(label="Open for referrals", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {
                "title": "Enter a title",
                "kind": "Choose what kind of opportunity it is",
                "description": "Enter a description",
            },
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", "The end date must be on or after the start date")
        return data


class MeetingForm(NhsFormHelperMixin, SubmissionMixin, forms.Form):
    submit_label = "Save meeting"

    held_on = DateField(label="Date of the meeting", help_text="For example, 15 3 2027.")
    topic = forms.CharField(label="Topic", max_length=200)
    notes = forms.CharField(
        label="Notes", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    decisions = forms.CharField(
        label="Decisions", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lived_experience = forms.IntegerField(
        label="People with lived experience who came", min_value=0, max_value=500
    )
    trust_staff = forms.IntegerField(label="Trust staff who came", min_value=0, max_value=500)
    partner_staff = forms.IntegerField(label="Partner staff who came", min_value=0, max_value=500)
    carers = forms.IntegerField(label="Carers who came", min_value=0, max_value=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {
                "held_on": "Enter the date of the meeting",
                "topic": "Enter the topic",
                "lived_experience": "Enter how many people with lived experience came (0 if none)",
                "trust_staff": "Enter how many trust staff came (0 if none)",
                "partner_staff": "Enter how many partner staff came (0 if none)",
                "carers": "Enter how many carers came (0 if none)",
            },
        )
