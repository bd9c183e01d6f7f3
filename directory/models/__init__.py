"""The directory's models: trusts and teams, people who sign in, service users and who works
with them, and the access audit; one module per group, every name exported here."""

from .access import AccessEvent
from .dated import DatedQuerySet, in_force_condition
from .organisation import Membership, Team, Trust, TrustRoleGrant, User
from .people import (
    COORDINATOR_ID_TODAY,
    COORDINATOR_PREFETCH,
    CareRelationship,
    ServiceUser,
    TeamEpisode,
    coordinator_id_today,
    with_care_coordinator,
)

__all__ = [
    "COORDINATOR_ID_TODAY",
    "COORDINATOR_PREFETCH",
    "AccessEvent",
    "CareRelationship",
    "DatedQuerySet",
    "Membership",
    "ServiceUser",
    "Team",
    "TeamEpisode",
    "Trust",
    "TrustRoleGrant",
    "User",
    "coordinator_id_today",
    "in_force_condition",
    "with_care_coordinator",
]
