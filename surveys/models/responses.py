"""The answers people give, the invitations that ask for them, and each team's check-in cycle.

A response is a draft until sent, then scored and fixed; its scores are stored one row per
domain (`ResponseScore`) with what the league tables group by copied onto the row.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse

from common.fields import FreeTextField
from directory.models import ServiceUser, Team

from ..choices import Channel, ResponseStatus
from .instruments import Instrument, Item


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
    instrument_key = models.SlugField(
        max_length=60,
        blank=True,
        help_text="The check-in the team's people answer, whichever way; blank for the built-in.",
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
    until `expires_at` and until the response it started is sent, and only in the browser that
    started it (`browser_hash`): anyone else the link reaches is told it is in use.
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
    browser_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="A hash of the key held by the browser that started the check-in: only that "
        "browser may go on with it. A new link clears it.",
    )

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
    however often the same submit arrives, one response is stored. The period (the month in the
    trust's time zone) is stored with the response when it is sent, and its domain scores one row
    each in `ResponseScore`, so rollups read those rather than every answer. A sent response
    entered in error is withdrawn, with a reason, rather than deleted.
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
    answered_count = models.PositiveSmallIntegerField(default=0)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who withdrew the sent check-in, for example as entered in error.",
    )
    withdrawal_reason = FreeTextField(blank=True)

    # The scores the sending service has just written, so its answer reads none back; not a
    # column, and unset on a response read from the database.
    written_scores: dict[str, Decimal] | None = None

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
                condition=~models.Q(idempotency_key=uuid.UUID(int=0)),
                name="response_idempotency_key_not_nil",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ResponseStatus.DRAFT)
                | models.Q(
                    submitted_at__isnull=False, completed_on__isnull=False, period__isnull=False
                ),
                name="response_submitted_has_dates",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ResponseStatus.WITHDRAWN)
                | (models.Q(withdrawn_at__isnull=False) & ~models.Q(withdrawal_reason="")),
                name="response_withdrawn_has_reason",
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

    @property
    def is_withdrawn(self) -> bool:
        return self.status == ResponseStatus.WITHDRAWN


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


class ResponseScore(models.Model):
    """One domain's score of one sent response, with what the league tables group by copied on.

    Written in the same transaction as the response is sent. The trust, team (the person's team
    at the moment of sending), period (month in the trust's zone) and the instrument's key sit on
    the row, so a rollup reads one narrow table and never joins or computes dates per row.
    `change` is the distance travelled: this score minus the person's first sent score with the
    same team, instrument key and domain (none on that first one). A withdrawn response keeps its
    rows with `sent` false, so the rollup of its team-period can be redone.
    """

    # No index of their own on the next four: the unique (response, domain) constraint, the
    # person index and the rollup index lead with them, and every index slows the send.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="scores", db_index=False
    )
    trust = models.ForeignKey("directory.Trust", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    service_user = models.ForeignKey(
        ServiceUser, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    period = models.DateField(help_text="The first day of the month the person answered in.")
    instrument_key = models.SlugField(max_length=60, db_index=False)
    domain = models.SlugField(max_length=40, db_index=False)
    score = models.DecimalField(max_digits=7, decimal_places=2)
    change = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    sent = models.BooleanField(default=True)
    # How many months back the person's previous sent score of the same instrument and domain
    # lies (12 when there is none within a year; 0 for a second score in the same month): with
    # the team (`gap`) and anywhere in the trust (`trust_gap`), and among the scores that have a
    # change (`change_gap`, `change_trust_gap`; empty when this one has none). They make the
    # distinct people of any period countable from month cells: a score counts a new person
    # for a period that starts after its previous one. Kept by `scores_recompute`.
    gap = models.PositiveSmallIntegerField(default=12)
    trust_gap = models.PositiveSmallIntegerField(default=12)
    change_gap = models.PositiveSmallIntegerField(null=True, blank=True)
    change_trust_gap = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["response", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "domain"], name="response_score_one_per_domain"
            ),
            models.CheckConstraint(
                condition=models.Q(period__day=1), name="response_score_period_is_a_month"
            ),
            models.CheckConstraint(
                condition=models.Q(gap__lte=12, trust_gap__lte=12)
                & (models.Q(change_gap__isnull=True) | models.Q(change_gap__lte=12))
                & (models.Q(change_trust_gap__isnull=True) | models.Q(change_trust_gap__lte=12)),
                name="response_score_gaps_within_a_year",
            ),
        ]
        indexes = [
            # What a rollup reads: sent scores of one trust and range of months, grouped by
            # team, instrument, domain and gaps in this order, and summed. The rollup reads the
            # index alone (an index-only scan, streamed into the groups with no sort or hash).
            # Trust first, so the index stays shard-local.
            models.Index(
                fields=[
                    "trust",
                    "period",
                    "team",
                    "instrument_key",
                    "domain",
                    "gap",
                    "trust_gap",
                    "change_gap",
                    "change_trust_gap",
                ],
                include=["score", "change"],
                condition=models.Q(sent=True),
                name="response_score_rollup_idx",
            ),
            # The person's first score with a team, for distance travelled.
            models.Index(
                fields=["service_user", "team", "instrument_key", "domain", "period"],
                name="response_score_person_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain} {self.score} ({self.period:%Y-%m})"
