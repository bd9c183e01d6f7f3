from django.db import models


class PartnerKind(models.TextChoices):
    VOLUNTARY = "voluntary", "Voluntary sector or social enterprise"
    HOUSING = "housing", "Housing service"
    EMPLOYMENT = "employment", "Employment service"
    COLLEGE = "college", "College"
    POLICE = "police", "Police"
    PRIMARY_CARE = "primary_care", "Primary care"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    FAITH_COMMUNITY = "faith_community", "Faith or community group"


class OpportunityKind(models.TextChoices):
    PAID_WORK = "paid_work", "Paid work"
    VOLUNTEERING = "volunteering", "Volunteering"
    EDUCATION = "education", "Education or training"
    HOUSING = "housing", "Housing or tenancy support"
    PEER_GROUP = "peer_group", "Peer or mutual-support group"
    SOCIAL = "social", "Social, arts or sport"
    MONEY_ADVICE = "money_advice", "Money and benefits advice"


class ReferralStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested"
    REFERRED = "referred", "Referred"
    ACCEPTED = "accepted", "Accepted"
    STARTED = "started", "Started"
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Side(models.TextChoices):
    """Who records a step: the trust's staff working with the person, or the partner."""

    TRUST = "trust", "Trust staff"
    PARTNER = "partner", "Partner organisation"


class SharedDetail(models.TextChoices):
    """What the person may agree to share with the partner, beyond their name and the goal."""

    DATE_OF_BIRTH = "date_of_birth", "Date of birth"
    WHY_IT_MATTERS = "why_it_matters", "Why the goal matters to them"
    PHONE = "phone", "Phone number"
    EMAIL = "email", "Email address"
    SUPPORT_NEEDS = "support_needs", "What would help them take part"
