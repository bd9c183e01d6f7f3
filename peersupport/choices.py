from django.db import models


class TrainingLevel(models.TextChoices):
    """The six levels of recovery training every member of staff works through, in order."""

    INDUCTION = "induction", "Induction"
    FOUNDATION = "foundation", "Foundation"
    TRAINING_THE_TRAINERS = "training_the_trainers", "Training the trainers"
    ROLE_SPECIFIC = "role_specific", "Role-specific"
    LEADING_RECOVERY = "leading_recovery", "Leading recovery in practice"
    COACHING = "coaching", "Coaching for improvement"


class ShiftKind(models.TextChoices):
    COMMUNITY_VISIT = "community_visit", "Community visit"
    WARD_SESSION = "ward_session", "Ward session"
    GROUP = "group", "Group"
    DROP_IN = "drop_in", "Drop-in"


class PostTitle(models.TextChoices):
    PEER_SUPPORT_WORKER = "peer_support_worker", "Peer support worker"
    SENIOR_PEER_SUPPORT_WORKER = "senior_peer_support_worker", "Senior peer support worker"
    PEER_TRAINER = "peer_trainer", "Peer trainer"
    PEER_SUPPORT_LEAD = "peer_support_lead", "Peer support lead"


class PostStatus(models.TextChoices):
    VACANT = "vacant", "Vacant"
    RECRUITING = "recruiting", "Recruiting"
    FILLED = "filled", "Filled"


class Band(models.TextChoices):
    """Agenda for Change pay bands peer roles are graded at."""

    BAND_3 = "3", "Band 3"
    BAND_4 = "4", "Band 4"
    BAND_5 = "5", "Band 5"
    BAND_6 = "6", "Band 6"
