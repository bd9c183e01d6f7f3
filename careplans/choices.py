from django.db import models


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    AGREED = "agreed", "Agreed"
    REVIEW_DUE = "review_due", "Review due"
    CLOSED = "closed", "Closed"


class LifeArea(models.TextChoices):
    MENTAL_WELLBEING = "mental_wellbeing", "Mental wellbeing"
    PHYSICAL_HEALTH = "physical_health", "Physical health"
    LIVING_SKILLS = "living_skills", "Living skills and home"
    RELATIONSHIPS = "relationships", "Relationships and social life"
    WORK = "work", "Work and volunteering"
    LEARNING = "learning", "Learning"
    MONEY = "money", "Money"
    IDENTITY = "identity", "Identity and self-esteem"
    TRUST_AND_HOPE = "trust_and_hope", "Trust and hope"
    OTHER = "other", "Other"


class GoalStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ACHIEVED = "achieved", "Achieved"
    PAUSED = "paused", "Paused"
    NO_LONGER_WANTED = "no_longer_wanted", "No longer wanted"


CLOSED_GOAL_STATUSES = (GoalStatus.ACHIEVED, GoalStatus.NO_LONGER_WANTED)


class StepWho(models.TextChoices):
    ME = "me", "Me"
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    PEER_SUPPORT_WORKER = "peer_support_worker", "Peer support worker"
    FAMILY_OR_FRIEND = "family_or_friend", "Family or friend"
    PARTNER_ORGANISATION = "partner_organisation", "Partner organisation"


class AgreementMethod(models.TextChoices):
    ONLINE = "online", "Online, signed in to recovery-care"
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"
    LETTER = "letter", "By letter or email"


class SupporterKind(models.TextChoices):
    FAMILY = "family", "Family"
    FRIEND = "friend", "Friend"
    CARER = "carer", "Carer"
    OTHER = "other", "Other"


class PlanPart(models.TextChoices):
    """The parts of a plan a person can comment on and a supporter can be shown."""

    ABOUT = "about", "About me"
    GOALS = "goals", "Goals"
    KEEPING_WELL = "keeping_well", "Keeping well"
    CRISIS = "crisis", "Crisis and contingency"
    SUPPORTERS = "supporters", "Supporters"
