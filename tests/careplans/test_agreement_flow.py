"""Agreement the person can trust: the coordinator shares the plan, which tells the person; the
person's comments are answered before anyone agrees; the share lapses when the plan changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from careplans import services
from careplans.choices import AgreementMethod, PlanStatus
from careplans.models import PlanComment, PlanVersion
from careplans.selectors import plan_awaiting_agreement_of, plans_awaiting_agreement
from careplans.services.emails import PLAN_SHARED_SUBJECT
from common.concurrency import StaleEdit
from directory.models import AccessEvent
from tests.audit import audit_as

from .factories import GoalFactory, plan_for


@pytest.fixture
def coordinator(world):
    return world.user("care_coordinator")


@pytest.fixture
def person(world):
    return world.user("service_user")


@pytest.fixture
def plan(world):
    return plan_for(world.person)


def share(plan, coordinator):
    return services.plan_share(
        actor=coordinator, plan=plan, revision=plan.revision, audit=audit_as(coordinator)
    )


def test_sharing_tells_the_person_by_email_after_commit_once(
    world, plan, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        share(plan, coordinator)
        assert not mailoutbox, "mail is sent only after the share is committed"
    with django_capture_on_commit_callbacks(execute=True) as again:
        share(plan, coordinator)  # a double submit

    assert len(callbacks) == 1 and not again
    assert [m.to for m in mailoutbox] == [[world.user("service_user").email]]
    mail = mailoutbox[0]
    assert mail.subject == PLAN_SHARED_SUBJECT
    assert f"/people/{world.person.public_id}/plan/" in mail.body
    assert world.person.family_name not in mail.body  # nothing personal in the mail
    plan.refresh_from_db()
    assert plan.awaiting_agreement
    assert plan_awaiting_agreement_of(world.person) == plan
    assert AccessEvent.objects.filter(
        service_user=world.person, action="change", resource="recovery plan sharing"
    ).exists()


def test_a_person_without_an_email_address_is_told_on_the_site_only(
    world, plan, coordinator, mailoutbox, django_capture_on_commit_callbacks
):
    login = world.user("service_user")
    login.email = ""
    login.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):
        share(plan, coordinator)
    assert not mailoutbox
    assert plan_awaiting_agreement_of(world.person) == plan


def test_a_change_after_sharing_lapses_the_share_until_shared_again(
    world, plan, coordinator, person
):
    share(plan, coordinator)
    assert list(plans_awaiting_agreement(user=coordinator)) == [plan]
    GoalFactory.create(plan=plan)
    services.goal_add(
        actor=coordinator,
        plan=plan,
        values={"life_area": "work", "description": "Volunteer on Saturdays"},
        audit=audit_as(coordinator),
    )
    plan.refresh_from_db()

    assert not plan.awaiting_agreement
    assert list(plans_awaiting_agreement(user=coordinator)) == []
    assert plan_awaiting_agreement_of(world.person) is None
    with pytest.raises(ValidationError, match="not asked you to agree"):
        services.plan_agree(actor=person, plan=plan, revision=plan.revision, audit=audit_as(person))
    assert plan.goals_changed_at is not None and plan.about_changed_at is None


def test_waiting_plans_are_listed_only_for_staff_who_may_read_them(world, plan, coordinator):
    share(plan, coordinator)
    assert list(plans_awaiting_agreement(user=world.user("team_leader"))) == [plan]
    assert list(plans_awaiting_agreement(user=world.user("other_trust_staff"))) == []
    assert list(plans_awaiting_agreement(user=world.user("qa_manager"))) == []


def test_sharing_a_plan_read_at_an_old_revision_is_refused(plan, coordinator):
    with pytest.raises(StaleEdit):
        services.plan_share(
            actor=coordinator, plan=plan, revision=plan.revision + 1, audit=audit_as(coordinator)
        )
    plan.refresh_from_db()
    assert plan.shared_revision is None


def test_the_person_cannot_share_their_own_plan(plan, person):
    with pytest.raises(ValidationError):
        share(plan, person)


def test_an_unanswered_comment_holds_back_agreement_online_and_in_person(
    world, plan, coordinator, person
):
    share(plan, coordinator)
    comment = services.comment_add(
        actor=person, plan=plan, part="goals", text="Add swimming", audit=audit_as(person)
    )
    # A comment by staff does not wait for an answer; the person's own does.
    services.comment_add(
        actor=coordinator, plan=plan, part="about", text="Noted", audit=audit_as(coordinator)
    )

    with pytest.raises(ValidationError, match="answer your comments"):
        services.plan_agree(actor=person, plan=plan, revision=plan.revision, audit=audit_as(person))
    with pytest.raises(ValidationError, match="need an answer"):
        services.plan_agree(
            actor=coordinator,
            plan=plan,
            revision=plan.revision,
            method=AgreementMethod.IN_PERSON,
            audit=audit_as(coordinator),
        )
    assert not PlanVersion.objects.exists()

    services.comment_answer(
        actor=coordinator, comment=comment, reply="", audit=audit_as(coordinator)
    )  # marked as dealt with
    version = services.plan_agree(
        actor=person, plan=plan, revision=plan.revision, audit=audit_as(person)
    )

    assert version.number == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.AGREED
    assert plan.shared_revision is None  # nothing waits once agreed


def test_a_reply_is_kept_once_and_a_different_second_answer_is_refused(
    world, plan, coordinator, person
):
    comment = services.comment_add(
        actor=person, plan=plan, part="goals", text="Add swimming", audit=audit_as(person)
    )
    leader = world.user("team_leader")

    services.comment_answer(
        actor=coordinator, comment=comment, reply=" We will on Friday ", audit=audit_as(coordinator)
    )
    again = services.comment_answer(
        actor=coordinator, comment=comment, reply="We will on Friday", audit=audit_as(coordinator)
    )
    with pytest.raises(ValidationError) as refused:
        services.comment_answer(
            actor=leader, comment=comment, reply="Something else", audit=audit_as(leader)
        )

    assert "reply" in refused.value.message_dict
    saved = PlanComment.objects.get(pk=comment.pk)
    assert saved.reply == "We will on Friday"
    assert saved.answered_by == coordinator
    assert again.pk == saved.pk
    assert (
        AccessEvent.objects.filter(
            service_user=world.person, action="change", resource="recovery plan comment"
        ).count()
        == 2
    )  # the comment, then the one answer


def test_a_comment_on_a_closed_plan_is_not_answered(plan, person, coordinator):
    comment = services.comment_add(
        actor=person, plan=plan, part="goals", text="Add swimming", audit=audit_as(person)
    )
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="closed"):
        services.comment_answer(
            actor=coordinator, comment=comment, reply="Yes", audit=audit_as(coordinator)
        )
    assert PlanComment.objects.get(pk=comment.pk).answered_at is None


def test_only_editors_answer_comments(world, plan, person):
    comment = services.comment_add(
        actor=person, plan=plan, part="goals", text="Add swimming", audit=audit_as(person)
    )
    for role in ("service_user", "peer_support_worker", "other_trust_staff"):
        user = world.user(role)
        with pytest.raises(ValidationError):
            services.comment_answer(actor=user, comment=comment, reply="x", audit=audit_as(user))
    assert PlanComment.objects.get(pk=comment.pk).answered_at is None


def test_the_record_agreement_link_shows_only_when_there_is_something_to_agree(
    world, plan, coordinator, client_for
):
    from django.urls import reverse

    client = client_for(coordinator)
    link = reverse("careplans:record_agreement", kwargs={"public_id": world.person.public_id})
    assert link in client.get(plan.get_absolute_url()).content.decode()
    services.plan_agree(
        actor=coordinator,
        plan=plan,
        revision=plan.revision,
        method=AgreementMethod.IN_PERSON,
        agreed_on=timezone.localdate(),
        audit=audit_as(coordinator),
    )
    assert link not in client.get(plan.get_absolute_url()).content.decode()


def test_comments_waiting_for_an_answer_are_the_peoples_own_on_plans_the_user_may_read(
    world, plan, coordinator, person
):
    from careplans.selectors import comments_waiting_for_an_answer

    waiting = services.comment_add(
        actor=person, plan=plan, part="goals", text="Add swimming", audit=audit_as(person)
    )
    answered = services.comment_add(
        actor=person, plan=plan, part="about", text="Thanks", audit=audit_as(person)
    )
    services.comment_answer(
        actor=coordinator, comment=answered, reply="", audit=audit_as(coordinator)
    )
    services.comment_add(
        actor=coordinator, plan=plan, part="about", text="Noted", audit=audit_as(coordinator)
    )

    assert list(comments_waiting_for_an_answer(user=coordinator)) == [waiting]
    assert list(comments_waiting_for_an_answer(user=world.user("team_leader"))) == [waiting]
    assert list(comments_waiting_for_an_answer(user=world.user("other_trust_staff"))) == []


def test_an_agree_post_without_the_revision_read_agrees_nothing_and_says_so(
    world, plan, coordinator, client_for
):
    from django.urls import reverse

    share(plan, coordinator)
    client = client_for(world.user("service_user"))
    agree = reverse("careplans:agree", kwargs={"public_id": world.person.public_id})

    response = client.post(agree, {"revision": "not a number"}, follow=True)

    assert "has not been agreed yet" in response.content.decode()
    assert not PlanVersion.objects.exists()
