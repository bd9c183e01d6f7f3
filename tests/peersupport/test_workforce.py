"""Posts, coverage and workers: filling a post grants the team role through the directory,
dated; HR's coverage flags community teams without a peer; a worker's lived-experience
notes are read by them and HR only."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.choices import TeamKind, TeamRole, TrustRole
from directory.models import AccessEvent, Membership
from peersupport import services
from peersupport.models import PeerPost
from peersupport.selectors import peers_per_hundred_clinical_staff
from tests.audit import audit_as
from tests.factories import MembershipFactory, TeamFactory, UserFactory, staff, trust_staff

from .factories import peer_worker

pytestmark = pytest.mark.django_db
PRIVATE = "Private words about my own recovery"


@pytest.fixture
def team():
    return TeamFactory.create(name="North Fells CMHT", kind=TeamKind.COMMUNITY)


@pytest.fixture
def hr(team):
    return trust_staff(trust=team.trust, role=TrustRole.HR)


def _post(hr, team, **kwargs):
    return services.post_create(
        actor=hr,
        team=team,
        title="peer_support_worker",
        band="3",
        hours_per_week=Decimal("30"),
        audit=audit_as(hr),
        **kwargs,
    )


def test_filling_a_post_grants_the_peer_role_in_the_team_from_its_first_day(team, hr):
    newcomer = peer_worker(team=TeamFactory.create(trust=team.trust), user=None)
    post = _post(hr, team)
    starts = datetime.date(2026, 9, 1)
    services.post_fill(actor=hr, post=post, worker=newcomer, on=starts, audit=audit_as(hr))
    services.post_fill(actor=hr, post=post, worker=newcomer, on=starts, audit=audit_as(hr))
    post.refresh_from_db()
    assert (post.status, post.worker, post.filled_on) == ("filled", newcomer, starts)
    (membership,) = Membership.objects.filter(
        user=newcomer.user, team=team, role=TeamRole.PEER_SUPPORT_WORKER
    )
    assert membership.started_on == starts and membership.ended_on is None
    grant = AccessEvent.objects.get(staff_member=newcomer.user)
    assert grant.actor == hr and grant.resource == "Peer support worker in North Fells CMHT"


def test_a_filled_post_is_not_filled_again_and_others_may_not_fill(team, hr):
    post = _post(hr, team)
    first, second = peer_worker(team=team), peer_worker(team=team)
    services.post_fill(
        actor=hr, post=post, worker=first, on=datetime.date(2026, 9, 1), audit=audit_as(hr)
    )
    with pytest.raises(ValidationError):
        services.post_fill(
            actor=hr, post=post, worker=second, on=datetime.date(2026, 9, 1), audit=audit_as(hr)
        )
    leader = staff(team=team, role=TeamRole.TEAM_LEADER)
    with pytest.raises(ValidationError):
        _post(leader, team)
    assert PeerPost.objects.get().worker == first


def test_coverage_flags_community_teams_without_a_filled_post(client, team, hr):
    crisis = TeamFactory.create(trust=team.trust, name="County Crisis Team", kind=TeamKind.CRISIS)
    lakes = TeamFactory.create(trust=team.trust, name="Lakes CMHT", kind=TeamKind.COMMUNITY)
    _post(hr, lakes, status="recruiting")
    services.post_fill(
        actor=hr,
        post=_post(hr, team),
        worker=peer_worker(team=team),
        on=datetime.date(2026, 9, 1),
        audit=audit_as(hr),
    )
    client.force_login(hr)
    response = client.get(reverse("peersupport:coverage"))
    lacking = [row.team for row in response.context["lacking"]]
    assert lacking == [lakes]  # not the crisis team, not the filled one
    assert crisis.name in response.content.decode()


@time_machine.travel(datetime.datetime(2026, 11, 15, 12, tzinfo=datetime.UTC))
def test_peers_per_hundred_clinical_staff_counts_dated_memberships(team):
    for _ in range(4):
        MembershipFactory.create(
            user=UserFactory.create(trust=team.trust),
            team=team,
            role=TeamRole.CARE_COORDINATOR,
            started_on=datetime.date(2026, 1, 1),
        )
    MembershipFactory.create(
        user=UserFactory.create(trust=team.trust),
        team=team,
        role=TeamRole.PEER_SUPPORT_WORKER,
        started_on=datetime.date(2026, 10, 1),
    )
    MembershipFactory.create(
        user=UserFactory.create(trust=team.trust),
        team=team,
        role=TeamRole.PEER_SUPPORT_WORKER,
        started_on=datetime.date(2026, 9, 2),
        ended_on=datetime.date(2026, 11, 1),
    )
    ratios = {
        r.on: (r.peers, r.per_hundred)
        for r in peers_per_hundred_clinical_staff(trust_id=team.trust_id, months=3)
    }
    assert ratios[datetime.date(2026, 9, 1)][0] == 0  # started the next day
    assert ratios[datetime.date(2026, 10, 1)] == (2, Decimal("50.0"))
    assert ratios[datetime.date(2026, 11, 1)] == (1, Decimal("25.0"))  # one ended that day


def test_lived_experience_is_shown_to_the_worker_and_hr_only(client, team, hr):
    supervisor = staff(team=team, role=TeamRole.TEAM_LEADER)
    worker = peer_worker(
        team=team, lived_experience=PRIVATE + " <b>not bold</b>", supervisor=supervisor
    )
    colleague = peer_worker(team=team)
    url = reverse("peersupport:worker", kwargs={"public_id": worker.public_id})
    for user in (hr, worker.user):
        client.force_login(user)
        body = client.get(url).content.decode()
        assert PRIVATE in body and "&lt;b&gt;not bold&lt;/b&gt;" in body
    client.force_login(supervisor)
    response = client.get(url)
    assert response.status_code == 200 and PRIVATE not in response.content.decode()
    for user in (colleague.user, trust_staff(trust=team.trust, role=TrustRole.ADMINISTRATOR)):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code in (403, 404) and PRIVATE not in response.content.decode()
    # nor on any other page HR or the worker opens
    for user, other in (
        (hr, reverse("peersupport:coverage")),
        (worker.user, reverse("peersupport:my_rota")),
    ):
        client.force_login(user)
        assert PRIVATE not in client.get(other).content.decode()
