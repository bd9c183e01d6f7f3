"""Who may see and do what with networks, partners, opportunities and referrals.

- The directory (networks, partners, opportunities) is for the trust's staff: it holds nobody's
  record. Staff see the networks of their own trust and the partners in them.
- Network coordinators keep their trust's directory; a partner contact keeps their own
  organisation's opportunities.
- A referral is part of the person's record: it is read by whoever may read the person
  (`directory.permissions`, never restated here); it is made and withdrawn by the person's
  care coordinator, their team's leaders or a peer support worker who works with them.
- A partner contact reaches referrals only through their own contact record: those sent to
  their organisation (never a suggestion the person is still thinking about), with only what
  the person agreed to share. They have no trust role and see nothing else.
- The network dashboard: network coordinators and QA managers (counts, never a person).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from directory.choices import TrustRole
from directory.models import ServiceUser, User
from directory.permissions import access_person, can_see_person, people_condition, roles_of

from .choices import ReferralStatus
from .models import Network, Opportunity, Partner, PartnerContact, Referral

_PARTNERS_ATTR = "_partner_contact_of"


def contact_partner_ids(user: User | object) -> frozenset[int]:
    """The organisations this login acts for today, through its own contact records (read once
    per request). A partner's login belongs to no trust (`PartnerContact.clean`), so a trust's
    staff are never partner contacts and cost no query here."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return frozenset()
    if getattr(user, "trust_id", None) is not None:
        return frozenset()
    cached = getattr(user, _PARTNERS_ATTR, None)
    if cached is None:
        cached = frozenset(
            PartnerContact.objects.in_force()
            .filter(user=user, partner__is_active=True)
            .values_list("partner_id", flat=True)
        )
        setattr(user, _PARTNERS_ATTR, cached)
    return cached


def is_partner_contact(user: User | object) -> bool:
    return bool(contact_partner_ids(user))


# --- the directory -------------------------------------------------------------------------


def may_use_directory(user: User | object) -> bool:
    """Trust staff: the networks, partners and opportunities of their trust."""
    return roles_of(user).is_staff_member


def networks_visible_to(user: User | object) -> QuerySet[Network]:
    trust_id = roles_of(user).trust_id
    if trust_id is None or not may_use_directory(user):
        return Network.objects.none()
    return Network.objects.filter(trust_id=trust_id)


def _in_trust_networks(trust_id: int, partner_ref: str = "pk") -> Q:
    """The partner (`partner_ref` from the outer row) is in one of the trust's networks. An
    EXISTS rather than a join: a partner in several networks would be listed once per network."""
    membership = Partner.networks.through.objects.filter(
        partner_id=OuterRef(partner_ref), network__trust_id=trust_id
    )
    return Q(Exists(membership))


def partners_visible_to(user: User | object) -> QuerySet[Partner]:
    """Staff: the partners in their trust's networks. A partner contact: their own."""
    trust_id = roles_of(user).trust_id
    if trust_id is not None and may_use_directory(user):
        return Partner.objects.filter(_in_trust_networks(trust_id))
    return Partner.objects.filter(pk__in=contact_partner_ids(user))


def opportunities_visible_to(user: User | object) -> QuerySet[Opportunity]:
    """What the visible partners offer."""
    trust_id = roles_of(user).trust_id
    if trust_id is not None and may_use_directory(user):
        return Opportunity.objects.filter(_in_trust_networks(trust_id, partner_ref="partner_id"))
    return Opportunity.objects.filter(partner_id__in=contact_partner_ids(user))


def may_keep_directory(user: User | object) -> bool:
    return TrustRole.NETWORK_COORDINATOR in roles_of(user).trust_roles


def can_edit_opportunity(user: User | object, opportunity: Opportunity) -> bool:
    """The trust's network coordinators, for partners in its networks; the partner's contacts."""
    if opportunity.partner_id in contact_partner_ids(user):
        return True
    return (
        may_keep_directory(user)
        and opportunities_visible_to(user).filter(pk=opportunity.pk).exists()
    )


def may_record_meetings(user: User | object, network: Network) -> bool:
    return may_keep_directory(user) and network.trust_id == roles_of(user).trust_id


def may_view_dashboard(user: User | object) -> bool:
    trust_roles = roles_of(user).trust_roles
    return bool(trust_roles & {TrustRole.NETWORK_COORDINATOR, TrustRole.QA_MANAGER})


# --- referrals -----------------------------------------------------------------------------


def may_read_referrals(user: User | object) -> bool:
    roles = roles_of(user)
    return roles.is_clinical or roles.is_service_user


def may_refer(user: User | object) -> bool:
    """Care coordinators, team leaders and peer support workers."""
    return roles_of(user).is_clinical


def can_refer_for(user: User | object, person: ServiceUser) -> bool:
    """Whoever may change the person's plan, or a peer support worker who works with them."""
    if can_see_person(user, person, change=True):
        return True
    return bool(roles_of(user).peer_in) and can_see_person(user, person)


def referrals_visible_to(user: User | object) -> QuerySet[Referral]:
    """Staff and the person: the referrals of the people they may read. A partner contact: those
    sent to their organisation."""
    partners = contact_partner_ids(user)
    if partners:
        return Referral.objects.filter(partner_id__in=partners).exclude(
            status=ReferralStatus.SUGGESTED
        )
    if not may_read_referrals(user):
        return Referral.objects.none()
    return Referral.objects.filter(people_condition(user, prefix="person__"))


def can_act_as_partner_on(user: User | object, referral: Referral) -> bool:
    return (
        referral.partner_id in contact_partner_ids(user)
        and referral.status != ReferralStatus.SUGGESTED
    )


def can_act_as_trust_on(user: User | object, referral: Referral) -> bool:
    return can_refer_for(user, referral.person)


def access_referral_person(user: User | object, public_id: object) -> ServiceUser:
    """The person whose goal a referral is made from: 403 for a role that may never refer, 404
    for a person this user may not see, 403 for one they may see but not refer (the person)."""
    person = access_person(user, public_id, role_may=may_refer(user))
    if not can_refer_for(user, person):
        raise PermissionDenied
    return person


def require_partner_contact(user: User | object) -> frozenset[int]:
    partners = contact_partner_ids(user)
    if not partners:
        raise PermissionDenied
    return partners


def not_found() -> Http404:
    return Http404("Not found")
