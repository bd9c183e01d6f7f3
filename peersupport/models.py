"""Peer support workers, the recovery training staff hold, and the shifts peers are rostered to."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from common.dates import trust_today
from directory.models import DatedQuerySet, Team, Trust

from .choices import Band, PostStatus, PostTitle, ShiftKind, TrainingLevel


class PeerWorker(models.Model):
    """A member of staff employed for their lived experience, with the terms HR keeps for them.

    `lived_experience` is what the worker chose to share about their own experience: only they
    and HR ever read it (`peersupport.permissions.can_read_lived_experience`).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="peer_workers")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peer_worker"
    )
    started_on = models.DateField(default=trust_today)
    contracted_hours = models.DecimalField(
        max_digits=4, decimal_places=1, help_text="Hours a week in the worker's contract."
    )
    band = models.CharField(max_length=2, choices=Band.choices, default=Band.BAND_3)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
    )
    weekly_limit_opt_out_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the worker opted out of the 48-hour weekly limit in writing, if ever.",
    )
    lived_experience = models.TextField(
        blank=True, help_text="What the worker chooses to share; only they and HR see it."
    )
    feed_token_hash = models.CharField(max_length=64, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contracted_hours__gt=0, contracted_hours__lte=48),
                name="peer_worker_contracted_hours_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)

    def get_absolute_url(self) -> str:
        return reverse("peersupport:worker_week", kwargs={"public_id": self.public_id})

    @property
    def has_opted_out(self) -> bool:
        return self.weekly_limit_opt_out_on is not None


class TrainingRecord(models.Model):
    """One member of staff completing one level of recovery training on a day."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    level = models.CharField(max_length=32, choices=TrainingLevel.choices)
    completed_on = models.DateField()
    expires_on = models.DateField(
        null=True, blank=True, help_text="The first day the training no longer counts, if ever."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "level", "-completed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "level", "completed_on"], name="training_record_once_a_day"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=TrainingLevel.values),
                name="training_record_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gt=models.F("completed_on")),
                name="training_record_expires_after_completion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_level_display()} on {self.completed_on}"


class Shift(models.Model):
    """A stretch of peer work for a team or ward, with the training it needs and, once
    rostered, the worker doing it. Times are stored as moments (UTC), so a shift over the
    night the clocks change lasts as long as it really does."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="shifts")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    kind = models.CharField(max_length=32, choices=ShiftKind.choices)
    required_level = models.CharField(
        max_length=32,
        choices=TrainingLevel.choices,
        blank=True,
        help_text="The recovery training a worker must hold on the day, if any.",
    )
    break_minutes = models.PositiveSmallIntegerField(default=0)
    worker = models.ForeignKey(
        PeerWorker, on_delete=models.PROTECT, null=True, blank=True, related_name="shifts"
    )
    copied_from = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="copied_to",
        help_text="The shift a week earlier this one was copied from: a week is copied once.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "team__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ShiftKind.values), name="shift_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(required_level="")
                | models.Q(required_level__in=TrainingLevel.values),
                name="shift_required_level_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["worker", "starts_at"], name="shift_worker_idx"),
            models.Index(fields=["team", "starts_at"], name="shift_team_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}, {self.team}, {self.starts_at:%Y-%m-%d %H:%M}"


class PeerPost(models.Model):
    """A peer support post in a team: funded hours at a band, vacant, recruiting or filled by
    one worker; a fixed-term post says when it ends."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="peer_posts")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="peer_posts")
    title = models.CharField(max_length=32, choices=PostTitle.choices)
    band = models.CharField(max_length=2, choices=Band.choices)
    hours_per_week = models.DecimalField(max_digits=4, decimal_places=1)
    fixed_term_ends_on = models.DateField(
        null=True, blank=True, help_text="The last day of a fixed-term post; empty if permanent."
    )
    status = models.CharField(max_length=16, choices=PostStatus.choices, default=PostStatus.VACANT)
    worker = models.ForeignKey(
        PeerWorker, on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    filled_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["team__name", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(status="filled", worker__isnull=False, filled_on__isnull=False)
                    | (~models.Q(status="filled") & models.Q(worker__isnull=True))
                ),
                name="peer_post_filled_names_its_worker",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_week__gt=0, hours_per_week__lte=48),
                name="peer_post_hours_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PostStatus.values), name="peer_post_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_title_display()}, {self.team}"


class RecoveryChampion(models.Model):
    """A member of a team designated its recovery champion, from one date to another."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="recovery_champions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="champion_of"
    )
    started_on = models.DateField(default=trust_today)
    ended_on = models.DateField(null=True, blank=True)

    objects = DatedQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "user"],
                condition=models.Q(ended_on__isnull=True),
                name="recovery_champion_open_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="recovery_champion_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}, champion of {self.team}"
