"""Instruments (questionnaires as data), the answers people give, and invitations to answer.

An instrument version that has responses never changes: its items, scales and scoring rules are
what those responses mean. Editing an instrument means loading a new version.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from directory.models import ServiceUser, Team

from .choices import Channel, Domain, ResponseStatus, ScoringMethod

FROZEN_MESSAGE = (
    "This instrument version already has responses, so it cannot change. Load a new version."
)


class Instrument(models.Model):
    """One version of a questionnaire: its items, scale and scoring rules are data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    key = models.SlugField(max_length=60, help_text="Stable name shared by every version.")
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    introduction = models.TextField(blank=True)
    licence_note = models.TextField(
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
        return self.pk is not None and Response.objects.filter(instrument_id=self.pk).exists()


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
    text = models.CharField(max_length=500)
    hint = models.CharField(max_length=300, blank=True)
    domain = models.CharField(max_length=16, choices=Domain.choices)
    scale = models.JSONField()
    reverse_scored = models.BooleanField(default=False)

    class Meta:
        ordering = ["instrument", "number"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "number"], name="item_number_unique"),
            models.CheckConstraint(
                condition=models.Q(domain__in=Domain.values), name="item_domain_valid"
            ),
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
    domain = models.CharField(max_length=16, choices=Domain.choices)
    method = models.CharField(max_length=8, choices=ScoringMethod.choices)
    min_answered = models.PositiveSmallIntegerField(default=1)
    lookup = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["instrument", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "domain"], name="scoring_rule_unique"),
            models.CheckConstraint(
                condition=models.Q(domain__in=Domain.values), name="scoring_rule_domain_valid"
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
        return f"{self.get_domain_display()}: {self.get_method_display()}"


class TeamSurveySettings(models.Model):
    """A team's check-in cycle. Teams without a row use the defaults."""

    DEFAULT_CYCLE_MONTHS = 3
    DEFAULT_LINK_DAYS = 28
    DEFAULT_REMINDER_DAYS = 7

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="survey_settings")
    cycle_months = models.PositiveSmallIntegerField(
        default=DEFAULT_CYCLE_MONTHS, help_text="How many months between check-ins."
    )
    link_valid_days = models.PositiveSmallIntegerField(
        default=DEFAULT_LINK_DAYS, help_text="How many days an invitation link works for."
    )
    reminder_after_days = models.PositiveSmallIntegerField(
        default=DEFAULT_REMINDER_DAYS,
        help_text="How many days after an invitation a reminder is emailed, if not done.",
    )

    class Meta:
        verbose_name_plural = "team survey settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cycle_months__gte=1, cycle_months__lte=24),
                name="team_survey_cycle_range",
            ),
            models.CheckConstraint(
                condition=models.Q(link_valid_days__gte=1, link_valid_days__lte=90),
                name="team_survey_link_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(reminder_after_days__gte=1),
                name="team_survey_reminder_days_1",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in settings for {self.team}"


class Invitation(models.Model):
    """A one-time link asking a person to do a check-in, no account needed.

    Only a SHA-256 hash of the token is stored: the link itself is shown or sent once. It works
    until `expires_at` and until the response it started is sent.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="survey_invitations"
    )
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["service_user", "-expires_at"], name="invitation_person_idx")
        ]

    def __str__(self) -> str:
        return f"Invitation {self.public_id}"


class Response(models.Model):
    """One person's answers to one instrument: a draft until sent, then scored and fixed.

    The idempotency key is made when the draft is, travels with every submit, and is unique:
    however often the same submit arrives, one response is stored. Domain scores and the period
    (the month in the trust's time zone) are stored with the response when it is sent, so
    rollups read these columns rather than every answer.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="survey_responses"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        related_name="survey_responses",
        help_text="The person's team when they answered.",
    )
    channel = models.CharField(max_length=16, choices=Channel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who typed the answers in, when staff entered them for the person.",
    )
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    status = models.CharField(
        max_length=16, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT
    )
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    completed_on = models.DateField(
        null=True, blank=True, help_text="The day the person answered (in the trust's time zone)."
    )
    period = models.DateField(
        null=True, blank=True, help_text="The first day of the month the person answered in."
    )
    hope_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    control_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    opportunity_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    other_score = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    answered_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_at", "-started_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ResponseStatus.values), name="response_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="response_channel_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status=ResponseStatus.DRAFT)
                | models.Q(
                    submitted_at__isnull=False, completed_on__isnull=False, period__isnull=False
                ),
                name="response_submitted_has_dates",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel__in=[Channel.STAFF_PAPER, Channel.STAFF_PHONE])
                | models.Q(entered_by__isnull=False),
                name="response_staff_entry_names_staff",
            ),
            models.CheckConstraint(
                condition=~models.Q(channel=Channel.INVITATION)
                | models.Q(invitation__isnull=False),
                name="response_invitation_channel_has_invitation",
            ),
            # One open draft per person, instrument and way of answering (and, for staff entry,
            # per member of staff): coming back resumes it rather than starting another.
            models.UniqueConstraint(
                fields=["service_user", "instrument", "channel"],
                condition=models.Q(
                    status=ResponseStatus.DRAFT, invitation__isnull=True, entered_by__isnull=True
                ),
                name="response_one_open_draft",
            ),
            models.UniqueConstraint(
                fields=["service_user", "instrument", "channel", "entered_by"],
                condition=models.Q(status=ResponseStatus.DRAFT, entered_by__isnull=False),
                name="response_one_open_staff_draft",
            ),
        ]
        indexes = [
            models.Index(
                fields=["service_user", "status", "completed_on"], name="response_person_idx"
            ),
            models.Index(fields=["team", "period"], name="response_team_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} response {self.public_id}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:fill", kwargs={"public_id": self.public_id, "page": 1})

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED

    def score_for(self, domain: str) -> Any:
        return getattr(self, f"{domain}_score")


class Answer(models.Model):
    """The point a person chose for one item; no value means they skipped it."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["response", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="answer_one_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value}"
