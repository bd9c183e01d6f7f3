"""Model fields for typed-in text, carrying `common.validators`' rules wherever they are used:
in a service's `full_clean`, in an admin form, or in a model serializer."""

from __future__ import annotations

from django.db import models

from .validators import validate_free_text, validate_name


class FreeTextField(models.TextField):
    """Text in the writer's own words: line breaks and tabs, but no hidden control or
    bidirectional characters."""

    default_validators = [validate_free_text]


class NameField(models.CharField):
    """A name or other one-line text: no control or bidirectional characters."""

    default_validators = [validate_name]
