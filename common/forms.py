"""A service's refusal shown on the form that asked for it, written once for every page.

Services raise Django's `ValidationError` (by field, as a list, or as one plain message) or
`StaleEdit`; a page shows each message beside the field it is about when the form has that
field, and at the top of the form otherwise, so no shape of error can turn into a 500.

Also the hidden fields every edit and add form carries: the revision an edit started from, and
the fresh id that makes a double submit of an add form add once.
"""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .concurrency import StaleEdit


def add_service_error(form: forms.BaseForm, error: ValidationError | StaleEdit) -> None:
    """Add `error` to `form`: messages for one of its fields to that field, the rest to the
    form's non-field errors."""
    if isinstance(error, StaleEdit):
        form.add_error(None, str(error))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(
            field if field != NON_FIELD_ERRORS and field in form.fields else None, messages
        )


class DrawnRevisionInput(forms.HiddenInput):
    """The revision the form was drawn with, marked for static/js/app.js.

    After Back, a browser fetches an edit page again (it is never stored) but puts back what the
    person had typed; it does not put back hidden inputs, so that old text would go out with the
    newer revision and overwrite a colleague's save. The script remembers the drawn revision in
    the page's history entry and, when the browser has put typed values back, sends that one.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-drawn-revision": True, **(attrs or {})})


class RevisionMixin(forms.Form):
    """The revision an edit was drawn with; the service refuses the save if it moved on."""

    revision = forms.IntegerField(widget=DrawnRevisionInput, min_value=1)


class SubmissionMixin(forms.Form):
    """A fresh id per add form: it becomes the new row's id, so a double submit adds once."""

    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission", uuid.uuid4())
