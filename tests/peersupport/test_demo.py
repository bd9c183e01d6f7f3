"""The peer workforce demo: what issue 12 promises, and the same after a second run."""

import pytest
from django.core.management import call_command

from common.dates import trust_today
from directory.choices import CareRelationshipKind, TeamKind
from directory.models import CareRelationship, Team, User
from peersupport.models import PeerPost, PeerWorker, RecoveryChampion, Shift, TrainingRecord

pytestmark = pytest.mark.django_db


def _counts():
    return (
        PeerWorker.objects.count(),
        TrainingRecord.objects.count(),
        Shift.objects.count(),
        Shift.objects.filter(worker__isnull=False).count(),
        CareRelationship.objects.filter(kind=CareRelationshipKind.PEER_SUPPORT).count(),
    )


def test_the_demo_has_rotas_training_and_assigned_people_and_runs_twice():
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    workers, records, shifts, assigned, relationships = first
    assert workers >= 10
    assert records > workers  # induction for all, more for most
    assert shifts >= 4 * 5 * 5  # a month of shifts for the first trust's teams
    assert 0 < assigned < shifts  # some left open
    assert TrainingRecord.objects.filter(expires_on__lte=trust_today()).exists()
    assert relationships > 10
    peer = PeerWorker.objects.get(user=User.objects.get(username="peer"))
    assert peer.shifts.exists()
    assert PeerPost.objects.filter(status="vacant").exists()
    assert PeerPost.objects.filter(status="filled").count() >= 3
    community = Team.objects.filter(kind=TeamKind.COMMUNITY, trust__ods_code="R9F")
    assert community.exclude(peer_posts__status="filled").exists()  # a team lacking a peer
    assert RecoveryChampion.objects.exists()
