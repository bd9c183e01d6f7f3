"""A service's refusal shown on the form that asked for it, written once for every page.

Services raise Django's `ValidationError` (by field, as a list, or as one plain message) or
`StaleEdit`; a page shows each message beside the field it is about when the form has that
field, and at the top of the form otherwise, so no shape of error can turn into a 500.
"""

from __future__ import annotations

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
