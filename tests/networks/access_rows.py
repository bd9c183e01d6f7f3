"""Authorisation rows for networks, partners, opportunities and referrals.

The directory (networks, partners, opportunities) is for the trust's staff; service users get
403. The world's partner contact acts for "Fellside Volunteer Centre" (in the first trust's
network and the other trust's: partners may span trusts) through their own contact record; they
reach its opportunities and the referrals sent to it, and get 403 for everything else (404 for
another organisation's opportunity or referral). Referrals are part of a person's record: read
by whoever may read the person, made by their coordinator, team leaders and the peers assigned to
them (the world's assigned peer works with "person" only; its other peer with nobody).
"""

from networks.choices import ReferralStatus
from networks.services import RESOURCE
from tests.access import ASSIGNED_PEER_ONLY, NO_PEER, Case, api, page
from tests.careplans.factories import goal_of

from .factories import home_partner, network_of, other_partner, referral_for


def _partner(w):
    """The world's partner contact's organisation, with their contact record."""
    return home_partner(w.trust, w.user("partner_contact"), other=w.other_trust)


def _setup(w):
    _partner(w)
    return {}


NOT_STAFF = {"service_user": 403}
STAFF = page(200, **NOT_STAFF)
STAFF_API = api(200, **NOT_STAFF)
STAFF_AND_CONTACT = page(200, partner_contact=200, **NOT_STAFF)
STAFF_AND_CONTACT_API = api(200, partner_contact=200, **NOT_STAFF)
NO_CLINICAL_RECORDS = {
    "service_user": 403,
    "qa_manager": 403,
    "hr": 403,
    "network_coordinator": 403,
    "administrator": 403,
}
COORDINATOR_ONLY = page(403, network_coordinator=200)

# Finding and making a referral for a person: those who work with them, in their trust.
REFER_PERSON = page(200, other_trust_staff=404, **ASSIGNED_PEER_ONLY, **NO_CLINICAL_RECORDS)
REFER_TEAMMATE = page(
    200,
    care_coordinator=404,
    other_trust_staff=404,
    **NO_PEER,
    **NO_CLINICAL_RECORDS,
)
REFER_FOREIGN = page(404, other_trust_staff=200, **NO_CLINICAL_RECORDS)

READERS = {"qa_manager": 403, "hr": 403, "network_coordinator": 403, "administrator": 403}
READ_REFERRAL = page(
    200, other_trust_staff=404, partner_contact=200, **ASSIGNED_PEER_ONLY, **READERS
)
READ_REFERRAL_API = api(
    200, other_trust_staff=404, partner_contact=200, **ASSIGNED_PEER_ONLY, **READERS
)


def _refer_cases(name):
    cases = []
    for attr, expected in (
        ("person", REFER_PERSON),
        ("teammate_person", REFER_TEAMMATE),
        ("foreign_person", REFER_FOREIGN),
    ):

        def kwargs(w, attr=attr):
            person = getattr(w, attr)
            out = {"public_id": person.public_id, "item_id": goal_of(person).public_id}
            if name == "networks:referral_add":
                partner = _partner(w)
                out["opportunity_id"] = partner.opportunities.get().public_id
            return out

        cases.append(Case(expected, kwargs=kwargs, label=attr, audits=RESOURCE))
    return cases


def _referral(w, *, partner=None, status=ReferralStatus.REFERRED):
    return {
        "public_id": referral_for(
            w.person, partner or _partner(w), status, by=w.user("care_coordinator")
        ).public_id
    }


ROWS = {
    "networks:networks": [Case(STAFF, kwargs=_setup)],
    "networks:dashboard": [Case(page(403, network_coordinator=200, qa_manager=200))],
    "networks:network": [
        Case(
            page(200, other_trust_staff=404, **NOT_STAFF),
            kwargs=lambda w: {"public_id": network_of(w.trust).public_id},
        )
    ],
    "networks:meeting_add": [
        Case(COORDINATOR_ONLY, kwargs=lambda w: {"public_id": network_of(w.trust).public_id})
    ],
    "networks:partners": [Case(STAFF, kwargs=_setup)],
    "networks:partner": [
        Case(STAFF, kwargs=lambda w: {"public_id": _partner(w).public_id}, label="spans trusts"),
        Case(
            page(200, other_trust_staff=404, **NOT_STAFF),
            kwargs=lambda w: {"public_id": other_partner(w.trust).public_id},
            label="first trust only",
        ),
    ],
    "networks:opportunities": [Case(STAFF, kwargs=_setup)],
    "networks:opportunity": [
        Case(
            STAFF_AND_CONTACT,
            kwargs=lambda w: {"public_id": _partner(w).opportunities.get().public_id},
            label="their organisation's",
        ),
        Case(
            page(200, other_trust_staff=404, partner_contact=404, **NOT_STAFF),
            kwargs=lambda w: (
                _setup(w) | {"public_id": other_partner(w.trust).opportunities.get().public_id}
            ),
            label="another organisation's",
        ),
    ],
    "networks:opportunity_edit": [
        Case(
            page(403, network_coordinator=200, partner_contact=200),
            kwargs=lambda w: {"public_id": _partner(w).opportunities.get().public_id},
            label="their organisation's",
        ),
        Case(
            page(403, network_coordinator=200, partner_contact=404),
            kwargs=lambda w: (
                _setup(w) | {"public_id": other_partner(w.trust).opportunities.get().public_id}
            ),
            label="another organisation's",
        ),
    ],
    "networks:referral_find": _refer_cases("networks:referral_find"),
    "networks:referral_add": _refer_cases("networks:referral_add"),
    "networks:referral": [
        Case(READ_REFERRAL, kwargs=_referral, label="to their organisation", audits=RESOURCE),
        Case(
            page(200, other_trust_staff=404, partner_contact=404, **ASSIGNED_PEER_ONLY, **READERS),
            kwargs=lambda w: _setup(w) | _referral(w, partner=other_partner(w.trust)),
            label="to another organisation",
            audits=RESOURCE,
        ),
        Case(
            page(200, other_trust_staff=404, partner_contact=404, **ASSIGNED_PEER_ONLY, **READERS),
            kwargs=lambda w: _referral(w, status=ReferralStatus.SUGGESTED),
            label="only suggested",
            audits=RESOURCE,
        ),
    ],
    "networks:partner_home": [
        Case(page(403, partner_contact=200), kwargs=lambda w: _referral(w) and {}, audits=RESOURCE)
    ],
    "api:network-list": [Case(STAFF_API, kwargs=_setup)],
    "api:network-detail": [
        Case(
            api(200, other_trust_staff=404, **NOT_STAFF),
            kwargs=lambda w: {"public_id": network_of(w.trust).public_id},
        )
    ],
    "api:partner-list": [Case(STAFF_AND_CONTACT_API, kwargs=_setup)],
    "api:partner-detail": [
        Case(STAFF_AND_CONTACT_API, kwargs=lambda w: {"public_id": _partner(w).public_id}),
        Case(
            api(200, other_trust_staff=404, partner_contact=404, **NOT_STAFF),
            kwargs=lambda w: _setup(w) | {"public_id": other_partner(w.trust).public_id},
            label="another organisation",
        ),
    ],
    "api:opportunity-list": [Case(STAFF_AND_CONTACT_API, kwargs=_setup)],
    "api:opportunity-detail": [
        Case(
            STAFF_AND_CONTACT_API,
            kwargs=lambda w: {"public_id": _partner(w).opportunities.get().public_id},
        ),
        Case(
            api(200, other_trust_staff=404, partner_contact=404, **NOT_STAFF),
            kwargs=lambda w: (
                _setup(w) | {"public_id": other_partner(w.trust).opportunities.get().public_id}
            ),
            label="another organisation's",
        ),
    ],
    "api:referral-list": [
        Case(
            api(200, partner_contact=200, **READERS),
            kwargs=lambda w: _referral(w) and {},
        )
    ],
    "api:referral-detail": [
        Case(READ_REFERRAL_API, kwargs=_referral, audits=RESOURCE),
        Case(
            api(200, other_trust_staff=404, partner_contact=404, **ASSIGNED_PEER_ONLY, **READERS),
            kwargs=lambda w: _setup(w) | _referral(w, partner=other_partner(w.trust)),
            label="to another organisation",
            audits=RESOURCE,
        ),
    ],
    # An empty step: those who may move the referral on are told what is missing (400); the
    # person, who may read it, may not move it (403).
    "api:referral-steps": [
        Case(
            api(
                400,
                other_trust_staff=404,
                service_user=403,
                partner_contact=400,
                peer_support_worker=404,
                assigned_peer_support_worker=400,
                **READERS,
            ),
            kwargs=_referral,
            method="post",
            audits=RESOURCE,
        )
    ],
}

NOT_AUDITED = {
    "networks:network": "a network: nobody's record",
    "networks:meeting_add": "a network's meeting: nobody's record",
    "networks:partner": "an organisation: nobody's record",
    "networks:opportunity": "an organisation's offer: nobody's record",
    "networks:opportunity_edit": "an organisation's offer: nobody's record",
    "api:network-detail": "a network: nobody's record",
    "api:partner-detail": "an organisation: nobody's record",
    "api:opportunity-detail": "an organisation's offer: nobody's record",
}
