from django.db import models


class Domain(models.TextChoices):
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


class Channel(models.TextChoices):
    """How the answers reached the trust; every response records one."""

    SIGNED_IN = "signed_in", "The person, signed in"
    INVITATION = "invitation", "The person, from an invitation link"
    STAFF_PAPER = "staff_paper", "Entered by staff from a paper form"
    STAFF_PHONE = "staff_phone", "Entered by staff during a phone call"


STAFF_CHANNELS = (Channel.STAFF_PAPER, Channel.STAFF_PHONE)
