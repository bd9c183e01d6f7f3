"""Plan forms: each validates one thing and hands clean data to a service.

Every edit form carries the revision it started from in a hidden field; the service refuses
the save when someone else saved in the meantime.
"""

from __future__ import annotations

from typing import Any

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from common.forms import RevisionMixin, SubmissionMixin
from nhsuk_forms.forms import DateField, NhsFormHelperMixin

from .choices import AgreementMethod, GoalStatus, LifeArea, PlanPart, StepWho, SupporterKind
from .models import TEXT_PARTS, Goal
from .versions import field_label

TEXT_HINTS = {
    "what_matters": "In the person's own words.",
    "strengths": "What the person is good at, what others value in them.",
    "hopes": "The life they want.",
    "stay_well": "Routines, people, places and activities that help.",
    "set_backs": "Situations, times of year or events that tend to make things harder.",
    "early_signs": "What the person, or people close to them, notice first.",
    "early_signs_actions": "What the person will do, and what they would like others to do.",
    "crisis_helps": "What helps the person when things are at their worst.",
    "crisis_unhelpful": "What makes things worse, or what the person does not want.",
    "practical_arrangements": "Children, pets, bills, home, work: who will look after what.",
    "treatment_preferences": "Medicines, places and approaches the person prefers or refuses.",
}
PROGRESS_CHOICES = [("", "Not rated yet")] + [(str(n), str(n)) for n in range(1, 11)]


def part_form_class(part: str) -> type[forms.Form]:
    """A form for one free-text part of the plan: its fields and the revision it started from."""
    fields: dict[str, Any] = {
        name: forms.CharField(
            label=field_label(name),
            help_text=TEXT_HINTS.get(name, ""),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        for name in TEXT_PARTS[part]
    }
    fields["submit_label"] = "Save"
    return type(f"{part.title()}Form", (NhsFormHelperMixin, RevisionMixin), fields)


def _required(form: forms.Form, messages: dict[str, str]) -> None:
    for name, message in messages.items():
        form.fields[name].error_messages["required"] = message


class GoalForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Save goal"

    description = forms.CharField(
        label="The goal, in the person's words",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    life_area = forms.ChoiceField(
        label="Area of life", choices=[("", "Choose an area of life"), *LifeArea.choices]
    )
    why_it_matters = forms.CharField(
        label="Why it matters",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    target_date = DateField(
        label="Target date", required=False, help_text="For example, 31 3 2027."
    )
    status = forms.ChoiceField(
        label="Status", choices=GoalStatus.choices, initial=GoalStatus.NOT_STARTED
    )
    progress = forms.TypedChoiceField(
        label="How far along is the person (1 to 10)",
        help_text="The person's own rating: 1 is just starting, 10 is there.",
        choices=PROGRESS_CHOICES,
        required=False,
        coerce=int,
        empty_value=None,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {
                "description": "Enter the goal, in the person's words.",
                "life_area": "Choose the area of life this goal is about.",
                "status": "Choose the goal's status.",
            },
        )


class GoalEditForm(RevisionMixin, GoalForm):
    pass


class GoalAddForm(SubmissionMixin, GoalForm):
    pass


class StepForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Save step"

    what = forms.CharField(
        label="What is the step", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    who = forms.ChoiceField(
        label="Who will do it", choices=StepWho.choices, widget=forms.RadioSelect
    )
    by_when = DateField(label="By when", required=False, help_text="For example, 31 3 2027.")
    done_on = DateField(label="Done on", required=False, help_text="Leave empty until it is done.")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(self, {"what": "Enter what the step is.", "who": "Choose who will do it."})

    def clean_done_on(self):
        done = self.cleaned_data.get("done_on")
        if done and done > timezone.localdate():
            raise forms.ValidationError("Done on must be today or in the past.")
        return done


class StepEditForm(RevisionMixin, StepForm):
    pass


class StepAddForm(SubmissionMixin, StepForm):
    pass


class CrisisContactForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Save contact"

    name = forms.CharField(label="Name", max_length=200)
    relationship = forms.CharField(
        label="Relationship or service",
        max_length=200,
        help_text="For example, sister, or the crisis team.",
    )
    phone = forms.CharField(
        label="Phone number",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "type": "tel",
                "autocomplete": "off",
                "class": "nhsuk-input nhsuk-input--width-20",
            }
        ),
    )
    when_to_call = forms.CharField(
        label="When to call",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {
                "name": "Enter the contact's name.",
                "relationship": "Enter their relationship to the person, or the service.",
                "phone": "Enter a phone number.",
            },
        )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if len(digits) < 3 or any(c not in "0123456789 +()-" for c in phone):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or 111.")
        return phone


class CrisisContactEditForm(RevisionMixin, CrisisContactForm):
    pass


class CrisisContactAddForm(SubmissionMixin, CrisisContactForm):
    pass


class SupporterForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Save supporter"

    name = forms.CharField(label="Name", max_length=200)
    kind = forms.ChoiceField(
        label="Who they are", choices=SupporterKind.choices, widget=forms.RadioSelect
    )
    relationship = forms.CharField(
        label="Relationship",
        max_length=200,
        required=False,
        help_text="For example, mother, partner, neighbour.",
    )
    contact = forms.CharField(label="Phone or email", max_length=200, required=False)
    shared_parts = forms.MultipleChoiceField(
        label="Parts of the plan the person agrees to share with them",
        choices=PlanPart.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    consent_recorded_on = DateField(
        label="Date the person agreed to share the parts ticked above",
        required=False,
        help_text=(
            "Needed when any part is ticked. It is recorded for parts shared for the first time; "
            "parts already shared keep the date they were agreed. Today or earlier, for example "
            "31 3 2027."
        ),
    )
    told_of_carer_assessment = forms.BooleanField(
        label="They have been told of their right to a carer's assessment", required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(self, {"name": "Enter the supporter's name.", "kind": "Choose who they are."})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        consent = data.get("consent_recorded_on")
        if (
            data.get("shared_parts")
            and consent is None
            and "consent_recorded_on" not in self.errors
        ):
            self.add_error(
                "consent_recorded_on", "Enter the date the person agreed to share these parts."
            )
        if consent and consent > timezone.localdate():
            self.add_error(
                "consent_recorded_on", "The date of consent must be today or in the past."
            )
        return data


class SupporterEditForm(RevisionMixin, SupporterForm):
    pass


class SupporterAddForm(SubmissionMixin, SupporterForm):
    pass


class CommentForm(NhsFormHelperMixin, SubmissionMixin):
    submit_label = "Add comment"

    part = forms.ChoiceField(
        label="Which part of the plan is this about?",
        choices=PlanPart.choices,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="Your comment", max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {"part": "Choose which part of the plan this is about.", "text": "Enter your comment."},
        )


class AgreeForm(NhsFormHelperMixin, RevisionMixin):
    submit_label = "I agree to this plan"


class ShareForm(NhsFormHelperMixin, RevisionMixin):
    submit_label = "Share the plan for agreement"


class AnswerForm(NhsFormHelperMixin, forms.Form):
    submit_label = "Save answer"

    reply = forms.CharField(
        label="Your reply",
        help_text="The person will see it under their comment. Leave it empty to mark the "
        "comment as dealt with, for example after talking it through together.",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RecordAgreementForm(NhsFormHelperMixin, RevisionMixin):
    submit_label = "Record agreement"

    agreed_on = DateField(label="When did the person agree?", help_text="For example, 31 3 2027.")
    method = forms.ChoiceField(
        label="How did they agree?",
        choices=[c for c in AgreementMethod.choices if c[0] != AgreementMethod.ONLINE],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Anything to note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {"agreed_on": "Enter the date the person agreed.", "method": "Choose how they agreed."},
        )

    def clean_agreed_on(self):
        agreed = self.cleaned_data.get("agreed_on")
        if agreed is None:
            raise forms.ValidationError("Enter the date the person agreed.")
        if agreed > timezone.localdate():
            raise forms.ValidationError("The date of agreement must be today or in the past.")
        return agreed


RATING_CHOICES = [("", "Not rated at this review")] + [(str(n), str(n)) for n in range(1, 11)]


class ReviewForm(NhsFormHelperMixin, forms.Form):
    """A review: its date, then how far along each goal is, then what was said and when next.

    The goal questions are added per goal, so the layout is set once they exist: a field
    missing from the layout would not be drawn, and its rating would be lost unseen.
    """

    submit_label = "Save review"

    reviewed_on = DateField(label="Date of the review", help_text="For example, 31 3 2027.")
    summary = forms.CharField(
        label="What was talked about and agreed",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    next_review_on = DateField(label="Date of the next review", help_text="For example, 31 3 2028.")

    def __init__(self, *args: Any, goals: list[Goal], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _required(
            self,
            {
                "reviewed_on": "Enter the date of the review.",
                "summary": "Enter what was talked about and agreed.",
                "next_review_on": "Enter the date of the next review.",
            },
        )
        self.goal_fields: list[tuple[str, Goal]] = []
        for index, goal in enumerate(goals, start=1):
            name = f"goal_{goal.public_id.hex}"
            last = f" Last rated {goal.progress} out of 10." if goal.progress else ""
            self.fields[name] = forms.TypedChoiceField(
                label=f"Goal {index}: {goal.description[:120]}",
                help_text="How far along is this goal now, from 1 (just starting) to 10 "
                f"(achieved)?{last}",
                choices=RATING_CHOICES,
                required=False,
                coerce=int,
                empty_value=None,
                error_messages={
                    "invalid_choice": "Choose a rating from 1 to 10, or not rated at this review."
                },
            )
            self.goal_fields.append((name, goal))
        goal_questions = (
            [Fieldset("How far along is each goal?", *(name for name, _ in self.goal_fields))]
            if self.goal_fields
            else []
        )
        self.helper.layout = Layout("reviewed_on", *goal_questions, "summary", "next_review_on")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        reviewed, following = data.get("reviewed_on"), data.get("next_review_on")
        if reviewed and reviewed > timezone.localdate():
            self.add_error("reviewed_on", "The review date must be today or in the past.")
        if reviewed and following and following <= reviewed:
            self.add_error("next_review_on", "The next review must be after this review.")
        return data

    def ratings(self) -> dict[int, int | None]:
        return {goal.pk: self.cleaned_data.get(name) for name, goal in self.goal_fields}
