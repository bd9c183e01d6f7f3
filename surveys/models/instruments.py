"""Instruments: questionnaires as data, with their items, scales and scoring rules.

An instrument version that has responses never changes: its items, scales and scoring rules are
what those responses mean. Editing an instrument means loading a new version.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from common.fields import FreeTextField, NameField

from ..choices import DomainKind, ScoringMethod

FROZEN_MESSAGE = (
    "This instrument version already has responses, so it cannot change. Load a new version."
)


class Instrument(models.Model):
    """One version of a questionnaire: its items, scale and scoring rules are data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=60, help_text="Stable name shared by every version.")
    version = models.PositiveIntegerField()
    title = NameField(max_length=200)
    introduction = FreeTextField(blank=True)
    licence_note = FreeTextField(
        blank=True, help_text="Who wrote the wording and on what terms the trust uses it."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="instrument_key_version_unique"
            ),
            models.CheckConstraint(condition=models.Q(version__gte=1), name="instrument_version_1"),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk and self.has_responses():
            stored = Instrument.objects.filter(pk=self.pk).values(*_INSTRUMENT_CONTENT).first()
            if stored and any(stored[name] != getattr(self, name) for name in _INSTRUMENT_CONTENT):
                raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.has_responses():
            raise ValidationError(FROZEN_MESSAGE)
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.pk and self.has_responses():
            stored = Instrument.objects.filter(pk=self.pk).values(*_INSTRUMENT_CONTENT).first()
            if stored and any(stored[name] != getattr(self, name) for name in _INSTRUMENT_CONTENT):
                raise ValidationError(FROZEN_MESSAGE)

    def has_responses(self) -> bool:
        # Through the relation: responses are defined beside invitations, which need instruments.
        return self.pk is not None and self.responses.exists()


# What a response's meaning depends on; `active` may still be switched on and off.
_INSTRUMENT_CONTENT = ("key", "version", "title", "introduction", "licence_note")


class _FrozenWithInstrument(models.Model):
    """A part of an instrument: refuses to change once the instrument has responses."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.instrument_id and Instrument(pk=self.instrument_id).has_responses():  # type: ignore[attr-defined]
            raise ValidationError(FROZEN_MESSAGE)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        if self.instrument_id and Instrument(pk=self.instrument_id).has_responses():  # type: ignore[attr-defined]
            raise ValidationError(FROZEN_MESSAGE)
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.instrument_id and Instrument(pk=self.instrument_id).has_responses():  # type: ignore[attr-defined]
            raise ValidationError(FROZEN_MESSAGE)


class Item(_FrozenWithInstrument):
    """One statement or question of an instrument, answered on a scale of labelled points.

    `scale` is a list of {"value": int, "label": str}, lowest value first. A reverse-scored item
    counts as (lowest + highest - value).
    """

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    text = NameField(max_length=500)
    hint = NameField(max_length=300, blank=True)
    domain = models.SlugField(
        max_length=40, help_text="The domain the statement counts towards (its scoring rule's)."
    )
    scale = models.JSONField()
    reverse_scored = models.BooleanField(default=False)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="item_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"

    @property
    def scale_values(self) -> list[int]:
        return [int(point["value"]) for point in self.scale]

    def label_for(self, value: int | None) -> str:
        for point in self.scale:
            if int(point["value"]) == value:
                return str(point["label"])
        return ""


class ScoringRule(_FrozenWithInstrument):
    """How one domain of an instrument is scored.

    The mean or sum of the answered items counts only when at least `min_answered` items of the
    domain were answered. An optional `lookup` maps each raw sum (as a string key) to the score
    reported, as some published measures do.
    """

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="scoring_rules"
    )
    domain = models.SlugField(max_length=40)
    label = NameField(max_length=100, blank=True, help_text="The domain's name as shown.")
    kind = models.CharField(max_length=12, choices=DomainKind.choices, default=DomainKind.WELLBEING)
    higher_is_better = models.BooleanField(
        default=True, help_text="Whether a higher score is an improvement (for run charts)."
    )
    method = models.CharField(max_length=8, choices=ScoringMethod.choices)
    min_answered = models.PositiveSmallIntegerField(default=1)
    lookup = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "domain"], name="scoring_rule_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=DomainKind.values), name="scoring_rule_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=ScoringMethod.values),
                name="scoring_rule_method_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(min_answered__gte=1), name="scoring_rule_min_answered_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_label}: {self.get_method_display()}"

    @property
    def display_label(self) -> str:
        return self.label or domain_label(self.domain)


def domain_label(slug: str) -> str:
    """A domain's name made from its slug where no label is given: "helped_hope" -> "Helped hope"."""
    return slug.replace("_", " ").replace("-", " ").strip().capitalize()
