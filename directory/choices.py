from django.db import models


class TeamKind(models.TextChoices):
    COMMUNITY = "community", "Community mental health team"
    INPATIENT = "inpatient", "Inpatient ward"
    CRISIS = "crisis", "Crisis team"
    EARLY_INTERVENTION = "early_intervention", "Early intervention team"
    RECOVERY = "recovery", "Recovery and rehabilitation team"


class TeamRole(models.TextChoices):
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    TEAM_LEADER = "team_leader", "Team leader"
    PEER_SUPPORT_WORKER = "peer_support_worker", "Peer support worker"


class CareRelationshipKind(models.TextChoices):
    CARE_COORDINATOR = "care_coordinator", "Care coordinator"
    PEER_SUPPORT = "peer_support", "Peer support worker"
    NAMED_WORKER = "named_worker", "Other named worker"


class TrustRole(models.TextChoices):
    QA_MANAGER = "qa_manager", "Quality assurance manager"
    HR = "hr", "HR"
    NETWORK_COORDINATOR = "network_coordinator", "Network coordinator"
    ADMINISTRATOR = "administrator", "Administrator"


class AccessAction(models.TextChoices):
    READ = "read", "Read"
    CREATE = "create", "Create"
    CHANGE = "change", "Change"
    DELETE = "delete", "Delete"
