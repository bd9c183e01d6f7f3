"""Referrals made and moved on through the services: consent, the snapshot of what is shared,
the state machine with its dates and notes, stale and repeated submits, and the audit."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError

from common.concurrency import StaleEdit
from common.dates import trust_today
from directory.audit import AuditContext
from directory.models import AccessEvent
from networks import services
from networks.choices import ReferralStatus, SharedDetail
from networks.models import Referral, ReferralStep
from tests.careplans.factories import goal_of, plan_for

from .factories import home_partner, other_partner, referral_for

pytestmark = pytest.mark.django_db

TODAY = trust_today()


def _audit(user):
    return AuditContext(actor=user, via="test")


def _make(world, *, actor_role="care_coordinator", refer_now=True, consent=True, **kwargs):
    actor = world.user(actor_role)
    partner = home_partner(world.trust, world.user("partner_contact"))
    options = {
        "details": [SharedDetail.PHONE],
        "values": {"phone": "01632 960 123"},
        "note": "Samira would like mornings.",
        **kwargs,
    }
    return services.referral_create(
        actor=actor,
        goal=goal_of(world.person),
        opportunity=partner.opportunities.get(),
        refer_now=refer_now,
        consent=consent,
        audit=_audit(actor),
        **options,
    )


def test_referring_keeps_exactly_what_was_shared_and_audits(world):
    referral = _make(world)
    assert referral.status == ReferralStatus.REFERRED
    assert referral.consent_recorded_on == TODAY
    assert referral.shared == [
        {"label": "Name", "value": "Samira Oakenshaw"},
        {"label": "Their goal", "value": goal_of(world.person).description},
        {"label": "Phone number", "value": "01632 960 123"},
    ]
    assert list(referral.steps.values_list("status", flat=True)) == ["suggested", "referred"]
    assert AccessEvent.objects.filter(
        service_user=world.person, resource="referral", action="create"
    ).exists()


def test_the_snapshot_does_not_follow_later_changes_to_the_goal(world):
    referral = _make(world)
    goal = goal_of(world.person)
    goal.description = "Something else entirely"
    goal.save()
    referral.refresh_from_db()
    assert referral.shared[1]["value"] != "Something else entirely"


def test_referring_without_consent_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ValidationError) as refused:
        _make(world, consent=False)
    assert "consent" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_a_suggestion_needs_no_consent_and_sends_nothing(world):
    referral = _make(world, refer_now=False, consent=False)
    assert referral.status == ReferralStatus.SUGGESTED
    assert referral.consent_recorded_on is None


def test_a_detail_chosen_without_a_value_is_refused_by_its_field(world):
    with pytest.raises(ValidationError) as refused:
        _make(world, details=[SharedDetail.EMAIL], values={})
    assert "email" in refused.value.message_dict
    assert not Referral.objects.exists()


def test_details_not_chosen_are_not_shared_even_if_typed(world):
    referral = _make(world, details=[], values={"phone": "01632 960 999"})
    assert "01632 960 999" not in str(referral.shared)
    assert [row["label"] for row in referral.shared] == ["Name", "Their goal"]


@pytest.mark.parametrize("role", ["qa_manager", "network_coordinator", "service_user", "hr"])
def test_roles_that_do_not_work_with_the_person_cannot_refer(world, role):
    with pytest.raises(ValidationError):
        _make(world, actor_role=role)
    assert not Referral.objects.exists()


def test_a_coordinator_cannot_refer_a_colleagues_person(world):
    actor = world.user("care_coordinator")
    partner = home_partner(world.trust)
    with pytest.raises(ValidationError):
        services.referral_create(
            actor=actor,
            goal=goal_of(world.teammate_person),
            opportunity=partner.opportunities.get(),
            refer_now=True,
            consent=True,
            details=[],
            values={},
            audit=_audit(actor),
        )


def test_the_peer_support_worker_may_refer(world):
    referral = _make(world, actor_role="assigned_peer_support_worker")
    assert referral.created_by == world.user("assigned_peer_support_worker")


def test_a_double_submit_makes_one_referral(world):
    submission = uuid.uuid4()
    first = _make(world, submission=submission)
    second = _make(world, submission=submission)
    assert first.pk == second.pk
    assert Referral.objects.count() == 1


def test_a_closed_plan_takes_no_referrals(world):
    plan = plan_for(world.person)
    plan.status = "closed"
    plan.save()
    with pytest.raises(ValidationError):
        _make(world)


def test_an_opportunity_that_is_closed_takes_no_referrals(world):
    partner = home_partner(world.trust)
    partner.opportunities.update(is_active=False)
    with pytest.raises(ValidationError):
        _make(world)


def _advance(world, referral, to, *, role="partner_contact", day=TODAY, note="", **kwargs):
    referral.refresh_from_db()
    actor = world.user(role)
    return services.referral_advance(
        actor=actor,
        referral=referral,
        to=to,
        revision=kwargs.pop("revision", referral.revision),
        happened_on=day,
        note=note,
        audit=_audit(actor),
        **kwargs,
    )


def test_the_partner_accepts_starts_and_completes_with_dates_and_notes(world):
    referral = _make(world)
    _advance(world, referral, "accepted", note="Welcome aboard")
    _advance(world, referral, "started")
    done = _advance(world, referral, "completed", note="Finished the season")
    assert done.status == "completed"
    steps = list(done.steps.values_list("status", "happened_on", "note", "side"))
    assert steps[-3:] == [
        ("accepted", TODAY, "Welcome aboard", "partner"),
        ("started", TODAY, "", "partner"),
        ("completed", TODAY, "Finished the season", "partner"),
    ]
    assert done.revision == 4


def test_steps_cannot_be_skipped_nor_undone(world):
    referral = _make(world)
    with pytest.raises(ValidationError) as refused:
        _advance(world, referral, "started")
    assert "to" in refused.value.message_dict
    _advance(world, referral, "accepted")
    with pytest.raises(ValidationError):
        _advance(world, referral, "referred", role="care_coordinator", consent=True)
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_only_the_trust_withdraws_and_it_needs_a_reason(world):
    referral = _make(world)
    with pytest.raises(ValidationError):
        _advance(world, referral, "withdrawn", note="Not for us")  # the partner may not
    with pytest.raises(ValidationError) as refused:
        _advance(world, referral, "withdrawn", role="care_coordinator")
    assert "note" in refused.value.message_dict
    done = _advance(world, referral, "withdrawn", role="care_coordinator", note="Moved away")
    assert done.status == "withdrawn"


def test_the_partner_cannot_accept_for_another_organisation(world):
    actor = world.user("care_coordinator")
    referral = referral_for(world.person, other_partner(world.trust), by=actor)
    home_partner(world.trust, world.user("partner_contact"))
    with pytest.raises(ValidationError):
        _advance(world, referral, "accepted")


def test_a_step_dated_before_the_last_or_in_the_future_is_refused(world):
    referral = _make(world)
    with pytest.raises(ValidationError) as refused:
        _advance(world, referral, "accepted", day=TODAY - datetime.timedelta(days=1))
    assert "happened_on" in refused.value.message_dict
    with pytest.raises(ValidationError):
        _advance(world, referral, "accepted", day=TODAY + datetime.timedelta(days=1))
    assert ReferralStep.objects.filter(status="accepted").count() == 0


def test_a_stale_step_is_refused_and_a_repeated_one_recorded_once(world):
    referral = _make(world)
    seen = referral.revision
    _advance(world, referral, "accepted", revision=seen)
    again = _advance(world, referral, "accepted", revision=seen)  # the same click twice
    assert again.status == "accepted"
    assert ReferralStep.objects.filter(referral=referral, status="accepted").count() == 1
    with pytest.raises(StaleEdit):
        _advance(world, referral, "withdrawn", role="care_coordinator", note="x", revision=seen)


def test_moving_a_suggestion_to_a_referral_needs_consent(world):
    referral = _make(world, refer_now=False, consent=False)
    with pytest.raises(ValidationError) as refused:
        _advance(world, referral, "referred", role="care_coordinator")
    assert "consent" in refused.value.message_dict
    done = _advance(world, referral, "referred", role="care_coordinator", consent=True)
    assert done.consent_recorded_on == TODAY


def test_a_partner_cannot_act_on_a_suggestion(world):
    referral = _make(world, refer_now=False, consent=False)
    with pytest.raises(ValidationError):
        _advance(world, referral, "accepted")


def test_a_trust_login_cannot_be_a_partner_contact(world):
    from networks.models import PartnerContact

    contact = PartnerContact(partner=home_partner(world.trust), user=world.user("hr"))
    with pytest.raises(ValidationError) as refused:
        contact.full_clean()
    assert "user" in refused.value.message_dict


def test_keeping_an_opportunity_up_to_date_refuses_an_old_revision_and_changes_nothing(world):
    contact = world.user("partner_contact")
    opportunity = home_partner(world.trust, contact).opportunities.get()
    assert services.opportunity_update(
        actor=contact, opportunity=opportunity, revision=1, values={"places": 7}
    )
    with pytest.raises(StaleEdit):
        services.opportunity_update(
            actor=contact, opportunity=opportunity, revision=1, values={"places": 2}
        )
    opportunity.refresh_from_db()
    assert (opportunity.places, opportunity.revision) == (7, 2)


def test_another_organisations_opportunity_cannot_be_changed(world):
    contact = world.user("partner_contact")
    home_partner(world.trust, contact)
    theirs = other_partner(world.trust).opportunities.get()
    with pytest.raises(ValidationError):
        services.opportunity_update(
            actor=contact, opportunity=theirs, revision=1, values={"places": 0}
        )
    theirs.refresh_from_db()
    assert theirs.places == 5
