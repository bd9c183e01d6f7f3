"""Dated rows: the queryset and constraints every row with `started_on` and `ended_on` shares."""

from __future__ import annotations

import datetime

from django.db import models

from common.dates import trust_today


class DatedQuerySet(models.QuerySet):
    """Rows with `started_on` and `ended_on` (null while open).

    `ended_on` is the first day a row no longer applies, so a change made today ends the old row
    and starts the new one on the same date without the two overlapping.
    """

    def in_force(self, on: datetime.date | None = None) -> DatedQuerySet:
        """The rows that apply on a day (today in the trust's zone unless given)."""
        return self.filter(in_force_condition(on))


def in_force_condition(on: datetime.date | None = None, prefix: str = "") -> models.Q:
    """The one definition of "in force on a day" for every dated row, to compose in queries."""
    day = on or trust_today()
    return models.Q(**{f"{prefix}started_on__lte": day}) & (
        models.Q(**{f"{prefix}ended_on__isnull": True}) | models.Q(**{f"{prefix}ended_on__gt": day})
    )


def _dated_constraints(name: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=models.Q(ended_on__isnull=True)
            | models.Q(ended_on__gte=models.F("started_on")),
            name=f"{name}_ends_after_start",
        )
    ]
