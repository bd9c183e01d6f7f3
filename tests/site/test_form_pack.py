"""The NHS.UK crispy-forms pack: each widget in NHS.UK markup, errors wired to their fields."""

from django import forms
from django.template import Context, Template

from nhsuk_forms.forms import DateField, NhsFormHelperMixin


class EveryWidgetForm(NhsFormHelperMixin, forms.Form):
    name = forms.CharField(label="Your name", help_text="As you like to be called.")
    story = forms.CharField(label="Your story", widget=forms.Textarea, required=False)
    feeling = forms.ChoiceField(
        label="How are you?", choices=[("ok", "OK"), ("low", "Low")], widget=forms.RadioSelect
    )
    helps = forms.MultipleChoiceField(
        label="What helps?",
        choices=[("walks", "Walks"), ("friends", "Friends")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    team = forms.ChoiceField(label="Team", choices=[("", "Choose"), ("a", "A")])
    agree = forms.BooleanField(label="I agree")
    when = DateField(label="When")


def render(form):
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def test_each_widget_renders_nhsuk_markup():
    html = render(EveryWidgetForm())

    assert '<label class="nhsuk-label" for="id_name">Your name</label>' in html
    assert 'class="nhsuk-hint" id="id_name_helptext"' in html
    assert 'class="nhsuk-input"' in html
    assert 'class="nhsuk-textarea"' in html
    assert "Your story (optional)" in html
    assert 'class="nhsuk-radios__input" id="id_feeling_0"' in html
    assert (
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">How are you?</legend>'
        in html
    )
    assert 'class="nhsuk-checkboxes__input" id="id_helps_0"' in html
    assert 'class="nhsuk-select"' in html
    assert 'class="nhsuk-date-input"' in html
    assert 'for="id_when_0">Day</label>' in html
    assert 'class="nhsuk-button"' in html
    assert "csrfmiddlewaretoken" not in html  # no request in this context; pages add it


def test_errors_sit_next_to_their_field_and_are_announced():
    form = EveryWidgetForm(data={"when_0": "31", "when_1": "2", "when_2": "2020"})
    assert not form.is_valid()

    html = render(form)

    assert 'class="nhsuk-form-group nhsuk-form-group--error" id="div_id_name"' in html
    assert 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert "nhsuk-input--error" in html
    assert "When must be a real date." in html
    assert 'id="id_feeling_error"' in html


def test_error_summary_links_to_the_first_input_of_each_field():
    form = EveryWidgetForm(data={})
    form.is_valid()

    html = Template('{% include "nhsuk/error_summary.html" %}').render(Context({"form": form}))

    assert 'href="#id_name"' in html
    assert 'href="#id_feeling_0"' in html  # the first radio
    assert 'href="#id_team"' in html
    assert 'href="#id_when_0"' in html  # the day box
    assert "There is a problem" in html
