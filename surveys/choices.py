from django.db import models


class Domain(models.TextChoices):
    """The built-in check-in's first part (instruments may name any domains)."""

    HOPE = "hope", "Hope"
    CONTROL = "control", "Control"
    OPPORTUNITY = "opportunity", "Opportunity"
    OTHER = "other", "Other"


class ScoringMethod(models.TextChoices):
    MEAN = "mean", "Mean of answered items"
    SUM = "sum", "Sum of answered items"


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Started, not sent"
    SUBMITTED = "submitted", "Sent"
    WITHDRAWN = "withdrawn", "Sent, then withdrawn"


class Channel(models.TextChoices):
    """How the answers reached the trust; every response records one."""

    SIGNED_IN = "signed_in", "The person, signed in"
    INVITATION = "invitation", "The person, from an invitation link"
    STAFF_PAPER = "staff_paper", "Entered by staff from a paper form"
    STAFF_PHONE = "staff_phone", "Entered by staff during a phone call"


STAFF_CHANNELS = (Channel.STAFF_PAPER, Channel.STAFF_PHONE)


class DomainKind(models.TextChoices):
    """How a domain is read in league tables."""

    WELLBEING = "wellbeing", "How the person is doing (shown as distance travelled)"
    SERVICE = "service", "How much the team helped (ranked by level)"


class PeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    ROLLING_12 = "rolling_12", "12 months to the end of the month"


class Measure(models.TextChoices):
    LEVEL = "level", "Score"
    CHANGE = "change", "Change since first check-in with the team"


class RollupKind(models.TextChoices):
    FULL = "full", "Full recompute"
    INCREMENTAL = "incremental", "Update of changed team-periods"
    NIGHTLY = "nightly", "Nightly recompute"


class RollupStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Running"
    DONE = "done", "Finished"
    FAILED = "failed", "Failed"
