"""Sending a check-in: scores and period stored with it; exactly one response however often it
is sent; invitations that work once and expire."""

from __future__ import annotations

import datetime
import threading
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from common.dates import trust_today
from directory.models import AccessEvent, CareRelationship
from directory.services import service_user_move_team as move_team
from surveys import selectors, services
from surveys.choices import Channel, ResponseStatus
from surveys.models import Invitation, Response, TeamSurveySettings
from surveys.tasks import email_invitation
from tests.audit import audit_as

from .factories import built_in, draft_with_answers, scores_of

ALL_FOURS = dict.fromkeys(range(1, 13), 4)


def test_send_scores_each_domain_and_stores_team_and_period(
    world, django_capture_on_commit_callbacks
):
    # hope 5, 4, 4 and statement 4 (reversed) answered 2 -> 4: (5+4+4+4)/4 = 4.25
    # control 1, 2 and two skipped: (1+2)/2 = 1.5 (two answered meets the minimum of 2)
    # opportunity only one answered: below the minimum, no score
    answers = {1: 5, 2: 4, 3: 4, 4: 2, 5: 1, 6: 2, 7: None, 9: 3}
    draft = draft_with_answers(world.person, answers)
    when = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)  # 00:30 on 1 April in London
    # The care coordinator (told of the check-in) was already theirs on that day.
    CareRelationship.objects.filter(person=world.person).update(
        started_on=datetime.date(2026, 1, 1)
    )
    with (
        mock.patch.object(timezone, "now", return_value=when),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response, sent_now = services.response_submit(
            idempotency_key=draft.idempotency_key,
            audit=audit_as(world.user("service_user")),
        )
    assert sent_now
    response.refresh_from_db()
    assert response.status == ResponseStatus.SUBMITTED
    assert scores_of(response) == {"hope": Decimal("4.25"), "control": Decimal("1.50")}
    assert response.answered_count == 7
    assert response.completed_on == datetime.date(2026, 4, 1)
    assert response.period == datetime.date(2026, 4, 1)
    assert response.team == world.team
    # The coordinator's notice and the league tables' update of the team-period (which, run
    # in-process here, leaves the league pages' new version to be set again once it commits).
    assert len(callbacks) == 3
    assert mail.outbox[0].to == [world.user("care_coordinator").email]
    assert "Oakenshaw" not in mail.outbox[0].body
    assert AccessEvent.objects.filter(
        service_user=world.person, resource="check-in", action="create"
    ).exists()


def test_the_team_at_the_time_stays_when_the_person_moves(world):
    draft = draft_with_answers(world.person, ALL_FOURS)
    services.response_submit(idempotency_key=draft.idempotency_key, audit=audit_as(None))
    world.person.team = world.other_team
    world.person.save()
    assert Response.objects.get(pk=draft.pk).team == world.team


def test_sending_again_returns_the_same_response(world, django_capture_on_commit_callbacks):
    draft = draft_with_answers(world.person, ALL_FOURS)
    with django_capture_on_commit_callbacks() as callbacks:
        first, sent_first = services.response_submit(
            idempotency_key=draft.idempotency_key, audit=audit_as(None)
        )
        second, sent_second = services.response_submit(
            idempotency_key=draft.idempotency_key, audit=audit_as(None)
        )
    assert (sent_first, sent_second) == (True, False)
    assert first.pk == second.pk
    assert Response.objects.filter(service_user=world.person).count() == 1
    # The coordinator's notice and the league update, each once.
    assert len(callbacks) == 2, "follow-up work is queued once"


def test_answers_cannot_change_once_sent(world):
    draft = draft_with_answers(world.person, ALL_FOURS)
    services.response_submit(
        idempotency_key=draft.idempotency_key,
        audit=audit_as(None),
    )
    with pytest.raises(ValidationError, match="already been sent"):
        services.response_save_answers(response=draft, values={}, audit=audit_as(None))


def test_answers_must_be_points_of_the_scale(world):
    draft = draft_with_answers(world.person, {})
    item = built_in().items.get(number=1)
    with pytest.raises(ValidationError):
        services.response_save_answers(response=draft, values={item.pk: 9}, audit=audit_as(None))


def test_record_with_the_same_key_twice_stores_one(world):
    key = uuid.uuid4()
    kwargs = {
        "actor": world.user("service_user"),
        "service_user": world.person,
        "channel": Channel.SIGNED_IN,
        "idempotency_key": key,
        "answers": ALL_FOURS,
        "audit": audit_as(world.user("service_user")),
    }
    first, created = services.response_record(**kwargs)
    again, created_again = services.response_record(**kwargs)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    # The resend is answered with the stored check-in, so the person's answers were read again.
    assert list(
        AccessEvent.objects.filter(service_user=world.person, resource="check-in")
        .order_by("pk")
        .values_list("action", "actor")
    ) == [("create", world.user("service_user").pk), ("read", world.user("service_user").pk)]
    # statement 4 is reversed, so its 4 counts as 2: hope is (4 + 4 + 4 + 2) / 4 = 3.5
    assert scores_of(first)["hope"] == Decimal("3.50")


def _in_threads(target, count: int) -> list:
    results: list = []
    errors: list = []
    barrier = threading.Barrier(count)

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not errors, errors
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_of_one_draft_store_one_response(world):
    draft = draft_with_answers(world.person, ALL_FOURS)
    results = _in_threads(
        lambda: services.response_submit(
            idempotency_key=draft.idempotency_key, audit=audit_as(None)
        ),
        4,
    )
    assert sorted(sent for _, sent in results) == [False, False, False, True]
    assert {response.pk for response, _ in results} == {draft.pk}
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_records_with_one_key_store_one_response(world):
    key = uuid.uuid4()
    actor, person = world.user("service_user"), world.person
    results = _in_threads(
        lambda: services.response_record(
            actor=actor,
            audit=audit_as(actor),
            service_user=person,
            channel=Channel.SIGNED_IN,
            idempotency_key=key,
            answers=ALL_FOURS,
        ),
        4,
    )
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert Response.objects.filter(idempotency_key=key).count() == 1


def test_starting_twice_resumes_the_same_draft(world):
    actor = world.user("service_user")
    first = services.response_start(
        actor=actor, audit=audit_as(actor), service_user=world.person, channel="signed_in"
    )
    again = services.response_start(
        actor=actor, audit=audit_as(actor), service_user=world.person, channel="signed_in"
    )
    assert first.pk == again.pk


def test_only_the_person_starts_their_own_and_staff_only_for_people_they_work_with(world):
    with pytest.raises(ValidationError):
        services.response_start(
            actor=world.user("care_coordinator"),
            audit=audit_as(world.user("care_coordinator")),
            service_user=world.person,
            channel="signed_in",
        )
    with pytest.raises(ValidationError):
        services.response_start(
            actor=world.user("care_coordinator"),
            audit=audit_as(world.user("care_coordinator")),
            service_user=world.teammate_person,
            channel=Channel.STAFF_PAPER,
        )
    with pytest.raises(ValidationError):
        services.response_start(
            actor=world.user("administrator"),
            audit=audit_as(world.user("administrator")),
            service_user=world.person,
            channel="staff_phone",
        )


def test_staff_entry_uses_the_date_the_person_answered(world):
    coordinator = world.user("care_coordinator")
    draft = services.response_start(
        actor=coordinator,
        audit=audit_as(coordinator),
        service_user=world.person,
        channel=Channel.STAFF_PAPER,
    )
    answered = trust_today() - datetime.timedelta(days=40)
    services.response_staff_details_set(
        response=draft, completed_on=answered, channel=Channel.STAFF_PHONE, actor=coordinator
    )
    response, _ = services.response_submit(
        idempotency_key=draft.idempotency_key, audit=audit_as(coordinator)
    )
    assert response.completed_on == answered
    assert response.period == answered.replace(day=1)
    assert response.channel == Channel.STAFF_PHONE
    assert response.entered_by == coordinator
    with pytest.raises(ValidationError):
        services.response_staff_details_set(
            response=services.response_start(
                actor=coordinator,
                audit=audit_as(coordinator),
                service_user=world.person,
                channel=Channel.STAFF_PAPER,
            ),
            completed_on=trust_today() + datetime.timedelta(days=1),
            channel=Channel.STAFF_PAPER,
            actor=coordinator,
        )


# --- invitations ---------------------------------------------------------------------------


def test_invitation_link_is_stored_hashed_and_expires_by_team_setting(world):
    TeamSurveySettings.objects.create(team=world.team, link_valid_days=10, reminder_after_days=3)
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    token = services.invitation_issue_link(invitation=invitation, audit=audit_as(None))
    invitation.refresh_from_db()
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.hash_token(token)
    assert abs(
        (invitation.expires_at - invitation.created_at) - datetime.timedelta(days=10)
    ) < datetime.timedelta(seconds=5)


def test_a_second_invitation_while_one_is_open_reuses_it(world):
    coordinator = world.user("care_coordinator")
    first = services.invitation_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )
    second = services.invitation_create(
        actor=coordinator, audit=audit_as(coordinator), service_user=world.person
    )
    assert first.pk == second.pk
    assert Invitation.objects.count() == 1


def test_only_the_coordinator_or_team_leader_may_invite(world):
    for role in ("peer_support_worker", "administrator", "qa_manager", "service_user"):
        with pytest.raises(ValidationError):
            services.invitation_create(
                actor=world.user(role), audit=audit_as(world.user(role)), service_user=world.person
            )
    with pytest.raises(ValidationError):
        services.invitation_create(
            actor=world.user("care_coordinator"),
            audit=audit_as(world.user("care_coordinator")),
            service_user=world.teammate_person,
        )
    services.invitation_create(
        actor=world.user("team_leader"),
        audit=audit_as(world.user("team_leader")),
        service_user=world.teammate_person,
    )


def test_email_invitation_and_one_reminder(world, django_capture_on_commit_callbacks):
    login = world.user("service_user")
    login.email = "samira@example.org"
    login.save()
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    assert email_invitation(invitation.pk)
    first_hash = Invitation.objects.get(pk=invitation.pk).token_hash
    assert mail.outbox[-1].to == ["samira@example.org"]
    assert "/check-in/link/" in mail.outbox[-1].body
    assert "Oakenshaw" not in mail.outbox[-1].body

    # Not yet due a reminder; a week later it is, once.
    assert selectors.invitations_due_a_reminder() == []
    later = timezone.now() + datetime.timedelta(days=8)
    with mock.patch.object(timezone, "now", return_value=later):
        assert selectors.invitations_due_a_reminder() == [invitation.pk]
        from surveys.tasks import send_checkin_reminders

        assert send_checkin_reminders() == 1
        assert selectors.invitations_due_a_reminder() == []
    assert mail.outbox[-1].subject == "A reminder: your check-in"
    assert Invitation.objects.get(pk=invitation.pk).token_hash != first_hash  # a fresh link
    assert len(mail.outbox) == 2
    # Nobody acted on the person's record: the system did, and the audit says so.
    links = AccessEvent.objects.filter(
        service_user=world.person, resource="check-in invitation link"
    ).order_by("occurred_at", "pk")
    assert [(e.actor_id, e.by_system, e.via) for e in links] == [
        (None, True, "surveys.email_invitation"),
        (None, True, "surveys.email_invitation_reminder"),
    ]
    assert links[0].who == "System (surveys.email_invitation)"
    assert not links.filter(actor_description=services.INVITATION_ACTOR).exists()


def test_no_email_for_a_used_or_expired_invitation(world):
    login = world.user("service_user")
    login.email = "samira@example.org"
    login.save()
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    assert not email_invitation(invitation.pk)
    assert mail.outbox == []


def test_two_members_of_staff_each_enter_their_own_draft(world):
    coordinator, peer = world.user("care_coordinator"), world.user("assigned_peer_support_worker")
    mine = services.response_start(
        actor=coordinator,
        audit=audit_as(coordinator),
        service_user=world.person,
        channel=Channel.STAFF_PAPER,
    )
    theirs = services.response_start(
        actor=peer, audit=audit_as(peer), service_user=world.person, channel=Channel.STAFF_PAPER
    )
    assert mine.pk != theirs.pk
    assert (mine.entered_by, theirs.entered_by) == (coordinator, peer)
    again = services.response_start(
        actor=coordinator,
        audit=audit_as(coordinator),
        service_user=world.person,
        channel=Channel.STAFF_PAPER,
    )
    assert again.pk == mine.pk


def test_a_checkin_counts_for_the_team_the_person_is_in_when_they_send_it(world):
    draft = draft_with_answers(world.person, ALL_FOURS)  # opened while in the first team
    admin = world.user("administrator")
    move_team(actor=admin, service_user=world.person, team=world.other_team, audit=audit_as(admin))

    sent, _ = services.response_submit(idempotency_key=draft.idempotency_key, audit=audit_as(None))

    assert Response.objects.get(pk=sent.pk).team == world.other_team
