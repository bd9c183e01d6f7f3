"""Networks: the querysets and the object checks compose one rule and always agree, for every
persona and every person of the world."""

import pytest

from networks.choices import ReferralStatus
from networks.permissions import (
    can_act_as_partner_on,
    can_act_as_trust_on,
    can_refer_for,
    opportunities_visible_to,
    partners_visible_to,
    referrals_visible_to,
)
from tests.conftest import ROLES

from .factories import home_partner, other_partner, referral_for

pytestmark = pytest.mark.django_db

# Whose referrals each persona reads (by the person referred); the partner contact reads those
# sent to their organisation, which works with both trusts.
READERS = {
    "service_user": {"person"},
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    # Peers work with the people assigned to them (a peer-support care relationship) only.
    "peer_support_worker": set(),
    "assigned_peer_support_worker": {"person"},
    "other_trust_staff": {"foreign_person"},
    "partner_contact": {"person", "foreign_person"},
}
# Who may refer whom, and so move a referral on from the trust's side.
REFERRERS = {
    "care_coordinator": {"person"},
    "team_leader": {"person", "teammate_person"},
    # Peers work with the people assigned to them (a peer-support care relationship) only.
    "peer_support_worker": set(),
    "assigned_peer_support_worker": {"person"},
    "other_trust_staff": {"foreign_person"},
}
STAFF = {
    "care_coordinator",
    "team_leader",
    "peer_support_worker",
    "assigned_peer_support_worker",
    "qa_manager",
    "hr",
    "network_coordinator",
    "administrator",
}


@pytest.mark.parametrize("role", ROLES)
def test_referral_querysets_and_object_checks_agree(world, role):
    user = world.signed_in(role)
    mine = home_partner(world.trust, world.user("partner_contact"), other=world.other_trust)
    theirs = other_partner(world.trust)
    people = world.people()
    referrals = {
        "person": referral_for(world.person, mine),
        "teammate_person": referral_for(world.teammate_person, theirs),
        "other_team_person": referral_for(world.other_team_person, mine, ReferralStatus.SUGGESTED),
        "foreign_person": referral_for(world.foreign_person, mine),
    }
    visible = set(referrals_visible_to(user))
    assert {name for name, r in referrals.items() if r in visible} == READERS.get(role, set())
    for name, person in people.items():
        assert can_refer_for(user, person) == (name in REFERRERS.get(role, set())), name
        referral = referrals[name]
        acts = can_act_as_partner_on(user, referral) or can_act_as_trust_on(user, referral)
        if acts:
            assert referral in visible, f"{role} may act on {name}'s referral without seeing it"
    partners = set(partners_visible_to(user))
    offers = {o.partner for o in opportunities_visible_to(user)}
    if role in STAFF:
        assert partners == offers == {mine, theirs}
    elif role == "other_trust_staff":
        assert partners == offers == {mine}  # the partner in both trusts' networks
    elif role == "partner_contact":
        assert partners == offers == {mine}
    else:
        assert partners == offers == set()
