"""Reads: search by words (full-text on PostgreSQL, a word match elsewhere), filters by kind
and network, places left, nearest first, scoping, and bounded queries on a large directory."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from networks import selectors
from networks.choices import OpportunityKind, PartnerKind, ReferralStatus
from networks.models import Opportunity, Partner
from networks.selectors import word_search

from .factories import (
    NetworkFactory,
    OpportunityFactory,
    PartnerFactory,
    base_of,
    home_partner,
    network_of,
    referral_for,
)

pytestmark = pytest.mark.django_db


def _names(rows):
    return sorted(row.name if isinstance(row, Partner) else row.title for row in rows)


@pytest.fixture
def directory(world):
    network = network_of(world.trust)
    lakes = NetworkFactory.create(trust=world.trust, name="Lakes network")
    PartnerFactory.create(
        name="Keswick Allotment Society",
        kind=PartnerKind.FAITH_COMMUNITY,
        description="Gardening together on the allotments by the river.",
        networks=[network],
    )
    PartnerFactory.create(
        name="Kendal Housing Trust",
        kind=PartnerKind.HOUSING,
        description="Homes and tenancy support for people leaving hospital.",
        networks=[lakes],
    )
    PartnerFactory.create(
        name="Foreign Gardens", description="Gardening.", networks=[network_of(world.other_trust)]
    )
    return network, lakes


def test_words_find_partners_by_name_and_description(world, directory):
    coordinator = world.user("care_coordinator")
    assert _names(selectors.partner_directory(coordinator, words="allotments")) == [
        "Keswick Allotment Society"
    ]
    assert _names(selectors.partner_directory(coordinator, words="tenancy")) == [
        "Kendal Housing Trust"
    ]
    assert _names(selectors.partner_directory(coordinator, words="nothing-like-this")) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_full_text_search_stems_words_on_postgresql(world, directory):
    coordinator = world.user("care_coordinator")
    # "gardens" finds "Gardening" by its stem, which a substring match would not.
    assert _names(selectors.partner_directory(coordinator, words="gardens")) == [
        "Keswick Allotment Society"
    ]


def test_the_portable_search_needs_every_word(world, directory):
    rows = Partner.objects.all()
    found = list(word_search(rows, "Keswick river", ("name", "description")))
    assert [p.name for p in found] == ["Keswick Allotment Society"]


def test_filters_by_kind_and_network_and_never_another_trusts_partners(world, directory):
    _, lakes = directory
    coordinator = world.user("care_coordinator")
    assert _names(selectors.partner_directory(coordinator, kind=PartnerKind.HOUSING)) == [
        "Kendal Housing Trust"
    ]
    assert _names(selectors.partner_directory(coordinator, network=lakes)) == [
        "Kendal Housing Trust"
    ]
    assert "Foreign Gardens" not in _names(selectors.partner_directory(coordinator))
    assert _names(selectors.partner_directory(world.user("other_trust_staff"))) == [
        "Foreign Gardens"
    ]


def test_a_partner_in_two_trusts_networks_is_listed_once_for_each(world):
    both = PartnerFactory.create(
        name="Spanning Charity",
        networks=[network_of(world.trust), network_of(world.other_trust)],
    )
    NetworkFactory.create(trust=world.trust).partners.add(both)  # a second network, same trust
    assert _names(selectors.partner_directory(world.user("care_coordinator"))) == [
        "Spanning Charity"
    ]
    assert _names(selectors.partner_directory(world.user("other_trust_staff"))) == [
        "Spanning Charity"
    ]


def test_a_partner_contact_sees_only_their_organisation(world, directory):
    home_partner(world.trust, world.user("partner_contact"))
    assert _names(selectors.partner_directory(world.user("partner_contact"))) == [
        "Fellside Volunteer Centre"
    ]
    assert _names(selectors.opportunity_search(world.user("partner_contact"))) == [
        "Community garden volunteer"
    ]


def test_places_left_count_accepted_and_started_only(world):
    partner = home_partner(world.trust)
    opportunity = partner.opportunities.get()
    opportunity.places = 3
    opportunity.save()
    for status in (
        ReferralStatus.ACCEPTED,
        ReferralStatus.STARTED,
        ReferralStatus.REFERRED,
        ReferralStatus.COMPLETED,
        ReferralStatus.DECLINED,
    ):
        referral_for(world.person, partner, status)
    found = selectors.opportunity_search(world.user("care_coordinator")).get()
    assert selectors.places_left(found) == 1
    referral_for(world.teammate_person, partner, ReferralStatus.ACCEPTED)
    full = selectors.opportunity_search(world.user("care_coordinator")).get()
    assert selectors.places_left(full) == 0
    assert (
        list(selectors.opportunity_search(world.user("care_coordinator"), with_places=True)) == []
    )


def test_unlimited_places_are_never_full(world):
    partner = home_partner(world.trust)
    partner.opportunities.update(places=None)
    found = selectors.opportunity_search(world.user("care_coordinator"), with_places=True).get()
    assert selectors.places_left(found) is None


def test_nearest_to_the_team_base_first_and_unknown_places_last(world):
    network = network_of(world.trust)
    base = base_of(world.team)  # 54.664, -2.752
    for name, lat, lng in (
        ("Far", 54.60, -3.45),
        ("Near", 54.67, -2.76),
        ("Middle", 54.43, -2.97),
        ("Nowhere", None, None),
    ):
        partner = PartnerFactory.create(name=name, latitude=lat, longitude=lng, networks=[network])
        OpportunityFactory.create(partner=partner, title=f"{name} offer")
    # An opportunity's own place wins over its partner's.
    moved = Opportunity.objects.get(title="Far offer")
    moved.latitude, moved.longitude = 54.665, -2.753
    moved.save()
    rows = list(selectors.opportunity_search(world.user("care_coordinator"), near=base))
    assert [o.title for o in rows] == ["Far offer", "Near offer", "Middle offer", "Nowhere offer"]
    near_km = selectors.distance_km(rows[1])
    assert near_km is not None and 0.5 < near_km < 1.5  # about 0.9 km, by a map
    assert selectors.distance_km(rows[3]) is None


def test_opportunity_kind_and_network_filters(world, directory):
    network, _ = directory
    kendal = Partner.objects.get(name="Kendal Housing Trust")
    OpportunityFactory.create(partner=kendal, kind=OpportunityKind.HOUSING, title="Tenancy help")
    keswick = Partner.objects.get(name="Keswick Allotment Society")
    OpportunityFactory.create(partner=keswick, title="Allotment buddy")
    coordinator = world.user("care_coordinator")
    assert _names(selectors.opportunity_search(coordinator, kind=OpportunityKind.HOUSING)) == [
        "Tenancy help"
    ]
    assert _names(selectors.opportunity_search(coordinator, network=network)) == ["Allotment buddy"]
    assert _names(selectors.opportunity_search(coordinator, words="tenancy")) == ["Tenancy help"]


def _big_directory(world, count=500):
    network = network_of(world.trust)
    lakes = NetworkFactory.create(trust=world.trust, name="Lakes network")
    partners = Partner.objects.bulk_create(
        Partner(
            name=f"Partner {n:03d}",
            kind=PartnerKind.values[n % len(PartnerKind.values)],
            description="Volunteering and support in the community.",
            latitude=54.5 + n / 10000,
            longitude=-2.8,
        )
        for n in range(count)
    )
    through = Partner.networks.through
    through.objects.bulk_create(
        [through(partner=p, network=network) for p in partners]
        + [through(partner=p, network=lakes) for p in partners[::2]]
    )
    Opportunity.objects.bulk_create(
        Opportunity(
            partner=p,
            kind=OpportunityKind.values[n % len(OpportunityKind.values)],
            title=f"Offer {n:03d}",
            description="Two mornings a week.",
            places=4,
        )
        for n, p in enumerate(partners)
    )
    base_of(world.team)


@pytest.mark.parametrize(
    "url",
    ["networks:partners", "networks:opportunities", "api:partner-list", "api:opportunity-list"],
)
def test_directory_pages_and_lists_run_a_bounded_number_of_queries_with_500_partners(
    world, client_for, django_assert_max_num_queries, url
):
    _big_directory(world)
    client = client_for(world.user("care_coordinator"))
    words = "volunteering" if "partner" in url else "mornings"
    query = f"?q={words}&near={world.team.public_id}" if "api" not in url else f"?search={words}"
    with django_assert_max_num_queries(14):
        response = client.get(reverse(url) + query)
    assert response.status_code == 200
    body = response.content.decode()
    # A full first page: every partner matched, and the page shows 25 of them.
    shown = body.count("Partner 0") + body.count("Partner 1") + body.count("Offer ")
    assert shown >= 25
