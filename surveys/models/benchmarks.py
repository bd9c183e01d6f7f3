"""Other trusts' whole-trust figures imported from their aggregate file (docs/benchmark-file.md).

Trusts on separate instances of the system exchange only trust-wide rows, with suppression
already applied by the sender: never a team or a person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from directory.models import Trust

from ..choices import Measure, PeriodKind


class ExternalBenchmark(models.Model):
    """One trust-wide row of another instance's trust, imported by a QA manager of `trust`
    (who alone sees it). Importing the same row again replaces it."""

    trust = models.ForeignKey(
        Trust, on_delete=models.CASCADE, related_name="+", help_text="The trust that imported it."
    )
    trust_name = models.CharField(max_length=200)
    ods_code = models.CharField(max_length=10, blank=True)
    period_kind = models.CharField(max_length=12, choices=PeriodKind.choices)
    period_start = models.DateField()
    period_end = models.DateField()
    instrument_key = models.SlugField(max_length=60)
    domain = models.SlugField(max_length=40)
    measure = models.CharField(max_length=8, choices=Measure.choices)
    responses = models.PositiveIntegerField()
    mean = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    ci_low = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    ci_high = models.DecimalField(max_digits=12, decimal_places=6, null=True, blank=True)
    suppressed = models.BooleanField()
    as_at = models.DateTimeField(help_text="When the sending instance worked the figures out.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["trust_name", "period_kind", "period_start", "instrument_key", "domain"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "trust",
                    "trust_name",
                    "period_kind",
                    "period_start",
                    "instrument_key",
                    "domain",
                    "measure",
                ],
                name="external_benchmark_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(suppressed=True) | models.Q(mean__isnull=False),
                name="external_benchmark_shown_has_mean",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trust_name} {self.period_kind} {self.period_start} {self.domain}"
