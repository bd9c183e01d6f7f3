"""Factories for networks, partners, opportunities and referrals, and the helpers that give the
matrix's world a partner organisation whose contact is the `partner_contact` persona."""

from __future__ import annotations

import datetime

import factory

from common.dates import trust_today
from directory.models import ServiceUser, Trust, User
from networks.choices import OpportunityKind, PartnerKind, ReferralStatus, Side
from networks.models import (
    Network,
    NetworkMeeting,
    Opportunity,
    Partner,
    PartnerContact,
    Referral,
    ReferralStep,
    TeamBase,
)
from networks.transitions import PATH
from tests.careplans.factories import goal_of
from tests.factories import TrustFactory, UserFactory


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    trust = factory.SubFactory(TrustFactory)
    name = factory.Sequence(lambda n: f"Locality network {n}")
    area = "The market towns and villages of the north fells."


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    kind = PartnerKind.VOLUNTARY
    description = "A charity running community projects."
    postcode = "CA11 7AA"
    latitude = 54.66
    longitude = -2.75

    @factory.post_generation
    def networks(self, create, extracted, **kwargs):
        if create and extracted:
            self.networks.set(extracted)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity

    partner = factory.SubFactory(PartnerFactory)
    kind = OpportunityKind.VOLUNTEERING
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    description = "Helping in the community garden two mornings a week."
    places = 5


class PartnerContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerContact

    partner = factory.SubFactory(PartnerFactory)
    user = factory.SubFactory(UserFactory, trust=None)
    started_on = factory.LazyFunction(lambda: trust_today() - datetime.timedelta(days=30))


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkMeeting

    network = factory.SubFactory(NetworkFactory)
    held_on = factory.LazyFunction(lambda: trust_today() - datetime.timedelta(days=10))
    topic = "Volunteering roles for the spring"
    lived_experience = 4
    trust_staff = 3
    partner_staff = 2
    carers = 1


def network_of(trust: Trust) -> Network:
    """The trust's one network in a test world, with all its teams."""
    network = Network.objects.filter(trust=trust).first()
    if network is None:
        network = NetworkFactory.create(trust=trust, name=f"{trust.name} network")
        network.teams.set(trust.teams.all())
    return network


def base_of(team) -> TeamBase:
    return TeamBase.objects.get_or_create(
        team=team, defaults={"postcode": "CA11 7QF", "latitude": 54.664, "longitude": -2.752}
    )[0]


def home_partner(
    trust: Trust, contact: User | None = None, *, other: Trust | None = None
) -> Partner:
    """The partner whose contact is `contact` (the world's partner contact), in the trust's
    network and, when given, another trust's too: partners may span trusts."""
    partner = Partner.objects.filter(name="Fellside Volunteer Centre").first()
    if partner is None:
        networks = [network_of(trust)] + ([network_of(other)] if other is not None else [])
        partner = PartnerFactory.create(name="Fellside Volunteer Centre", networks=networks)
        OpportunityFactory.create(partner=partner, title="Community garden volunteer")
    if contact is not None:
        PartnerContact.objects.get_or_create(
            partner=partner,
            user=contact,
            ended_on=None,
            defaults={"started_on": trust_today() - datetime.timedelta(days=30)},
        )
    return partner


def other_partner(trust: Trust) -> Partner:
    """A partner in the same network that the world's partner contact does not work for."""
    partner = Partner.objects.filter(name="Lakes Housing Association").first()
    if partner is None:
        partner = PartnerFactory.create(
            name="Lakes Housing Association",
            kind=PartnerKind.HOUSING,
            networks=[network_of(trust)],
        )
        OpportunityFactory.create(
            partner=partner, kind=OpportunityKind.HOUSING, title="Tenancy support"
        )
    return partner


def referral_for(
    person: ServiceUser,
    partner: Partner,
    status: str = ReferralStatus.REFERRED,
    *,
    by: User | None = None,
    referred_on: datetime.date | None = None,
) -> Referral:
    """A referral from the person's first goal to the partner's first opportunity, with every
    step up to `status` (ended statuses come after `referred`)."""
    goal = goal_of(person)
    opportunity = partner.opportunities.order_by("pk").first() or OpportunityFactory.create(
        partner=partner
    )
    creator = by or person.care_coordinator or UserFactory.create(trust=person.trust)
    day = referred_on or trust_today() - datetime.timedelta(days=20)
    referral = Referral.objects.create(
        goal=goal,
        person=person,
        team=person.team,
        opportunity=opportunity,
        partner=partner,
        status=status,
        consent_recorded_on=None if status == ReferralStatus.SUGGESTED else day,
        shared=[
            {"label": "Name", "value": person.display_name},
            {"label": "Their goal", "value": goal.description},
        ],
        created_by=creator,
    )
    if status in PATH:
        steps = PATH[: PATH.index(status) + 1]
    elif status == ReferralStatus.DECLINED:
        steps = (ReferralStatus.SUGGESTED, ReferralStatus.REFERRED, ReferralStatus.DECLINED)
    else:
        steps = (ReferralStatus.SUGGESTED, ReferralStatus.REFERRED, ReferralStatus.WITHDRAWN)
    for offset, step in enumerate(steps):
        ReferralStep.objects.create(
            referral=referral,
            status=step,
            happened_on=day + datetime.timedelta(days=max(offset - 1, 0) * 3),
            side=Side.PARTNER
            if step in ("accepted", "started", "completed", "declined")
            else Side.TRUST,
            note=f"Step {step} noted by the {'partner' if step == 'accepted' else 'trust'}",
            recorded_by=creator,
        )
    return referral
