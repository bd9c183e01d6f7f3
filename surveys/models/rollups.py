"""League tables: scores rolled up by trust, team, period, instrument and domain.

A rollup row is a deterministic function of the sent `ResponseScore` rows: it keeps count, sum
and sum of squares (exact decimals, so rows merge and reruns give the identical table) and the
figures pages show, computed from them in the same statement.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from directory.models import Team, Trust

from ..choices import Measure, PeriodKind, RollupKind, RollupStatus


class TeamPeriodScore(models.Model):
    """One team's (or, with no team, the whole trust's) figures for one period, instrument and
    domain, as a level (the scores themselves) or as change (distance travelled).

    Rows resting on fewer responses than the suppression threshold are stored, marked
    `suppressed`, and shown as "too few responses": their mean and interval are left empty.
    """

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="period_scores"
    )
    period_kind = models.CharField(max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField(help_text="The first day after the period.")
    # Read through the composite indexes below, never on their own.
    instrument_key = models.SlugField(max_length=60, db_index=False)
    domain = models.SlugField(max_length=40, db_index=False)
    measure = models.CharField(max_length=8, choices=Measure.choices)
    responses = models.PositiveIntegerField()
    people = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=20, decimal_places=4)
    total_squares = models.DecimalField(max_digits=24, decimal_places=4)
    mean = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    sd = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    ci_low = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    ci_high = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    caseload = models.PositiveIntegerField(
        null=True, blank=True, help_text="People on the team's caseload at any time in the period."
    )
    response_rate = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    suppressed = models.BooleanField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["trust", "period_kind", "period_start", "instrument_key", "domain", "team"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "trust",
                    "team",
                    "period_kind",
                    "period_start",
                    "instrument_key",
                    "domain",
                    "measure",
                ],
                condition=models.Q(team__isnull=False),
                name="team_period_score_unique",
            ),
            models.UniqueConstraint(
                fields=[
                    "trust",
                    "period_kind",
                    "period_start",
                    "instrument_key",
                    "domain",
                    "measure",
                ],
                condition=models.Q(team__isnull=True),
                name="trust_period_score_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(period_kind__in=PeriodKind.values),
                name="period_score_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(measure__in=Measure.values), name="period_score_measure_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")),
                name="period_score_period_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=True) | models.Q(responses__gt=0),
                name="period_score_shown_rests_on_responses",
            ),
        ]
        indexes = [
            models.Index(
                fields=[
                    "trust",
                    "period_kind",
                    "period_start",
                    "instrument_key",
                    "domain",
                    "measure",
                ],
                name="period_score_league_idx",
            ),
            models.Index(
                fields=[
                    "team",
                    "instrument_key",
                    "domain",
                    "measure",
                    "period_kind",
                    "period_start",
                ],
                name="period_score_team_idx",
            ),
            # "As at" on every league page: the trust's newest row, one index probe.
            models.Index(fields=["trust", "computed_at"], name="period_score_computed_idx"),
        ]

    def __str__(self) -> str:
        where = self.team_id or f"trust {self.trust_id}"
        return f"{where} {self.period_kind} {self.period_start} {self.instrument_key}/{self.domain}"


class RollupCell(models.Model):
    """The sent scores of one team, month, instrument and domain summed, split by how far back
    each score's previous one lies (its gaps). Every league row is merged from these cells:
    months, quarters and rolling years, per team and trust-wide, counts and sums added, and the
    distinct people counted as the scores whose previous one lies before the period. A cell is
    a deterministic function of the score rows; the rollup replaces a team-month's cells whole,
    and the trust-wide cells of that month with them.
    """

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    # Empty for the trust-wide cells: every team's cells of the month folded together by the
    # trust gaps (which `gap` and `change_gap` then hold too).
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, related_name="+")
    period = models.DateField()
    instrument_key = models.SlugField(max_length=60, db_index=False)
    domain = models.SlugField(max_length=40, db_index=False)
    gap = models.PositiveSmallIntegerField()
    trust_gap = models.PositiveSmallIntegerField()
    change_gap = models.PositiveSmallIntegerField(null=True, blank=True)
    change_trust_gap = models.PositiveSmallIntegerField(null=True, blank=True)
    responses = models.PositiveIntegerField()
    total = models.DecimalField(max_digits=20, decimal_places=4)
    total_squares = models.DecimalField(max_digits=24, decimal_places=4)
    changes = models.PositiveIntegerField()
    change_total = models.DecimalField(max_digits=20, decimal_places=4, null=True, blank=True)
    change_squares = models.DecimalField(max_digits=24, decimal_places=4, null=True, blank=True)

    class Meta:
        indexes = [
            # Trust first (shard-local); then a team's (or, team empty, the trust's) months.
            models.Index(fields=["trust", "team", "period"], name="rollup_cell_idx"),
        ]

    def __str__(self) -> str:
        return f"Cell {self.team_id} {self.period:%Y-%m} {self.instrument_key}/{self.domain}"


class RollupPending(models.Model):
    """A team-period whose league rows need redoing because a response in it was sent, changed or
    withdrawn. A burst of sends leaves one row per team-period; the incremental job takes them
    all at once, so many sends cost one update."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    period = models.DateField()
    instrument_key = models.SlugField(max_length=60)
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "team", "period", "instrument_key"], name="rollup_pending_unique"
            )
        ]

    def __str__(self) -> str:
        return f"Pending {self.team_id} {self.period:%Y-%m} {self.instrument_key}"


class RollupRun(models.Model):
    """One run of a rollup job: what it covers, who asked for it, how far it has got and when it
    finished, which is the "as at" time pages and exports show."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=12, choices=RollupKind.choices)
    status = models.CharField(
        max_length=8, choices=RollupStatus.choices, default=RollupStatus.QUEUED
    )
    trust = models.ForeignKey(
        Trust,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The trust asked for; none for a run over every trust.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    first_period = models.DateField(null=True, blank=True)
    last_period = models.DateField(null=True, blank=True)
    steps_total = models.PositiveIntegerField(default=0)
    steps_done = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=RollupKind.values), name="rollup_run_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=RollupStatus.values), name="rollup_run_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(steps_done__lte=models.F("steps_total")),
                name="rollup_run_progress_bounded",
            ),
        ]
        indexes = [
            models.Index(fields=["trust", "status", "-created_at"], name="rollup_run_trust_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} rollup {self.public_id} ({self.status})"
