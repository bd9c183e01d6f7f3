"""Scores one row per response and domain: written when a check-in is sent, whichever way;
distance travelled since the person's first score with the team; team-periods marked for the
rollup; withdrawing a sent check-in; each team's choice of check-in."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from directory.models import AccessEvent
from directory.services import service_user_move_team as move_team
from surveys import selectors, services
from surveys.choices import Channel, DomainKind, ResponseStatus
from surveys.instrument_files import check_instrument, read_instrument_file
from surveys.models import Instrument, ResponseScore, RollupPending, TeamSurveySettings
from tests.audit import audit_as

from .factories import built_in, built_in_v2, draft_with_answers, scores_of, sent_response

DATA = Path(__file__).parent / "data"
D = Decimal


def _rows(person, domain="hope"):
    return list(
        ResponseScore.objects.filter(service_user=person, domain=domain)
        .order_by("response__completed_on")
        .values_list("period", "score", "change", "sent")
    )


def _pending(team):
    return sorted(RollupPending.objects.filter(team=team).values_list("period", "instrument_key"))


def test_sending_writes_a_row_per_scored_domain_with_what_rollups_group_by(world):
    draft = draft_with_answers(world.person, {1: 5, 2: 4, 5: 1, 6: 2, 9: 3})
    response, _ = services.response_submit(
        idempotency_key=draft.idempotency_key, audit=audit_as(world.user("service_user"))
    )
    rows = list(
        ResponseScore.objects.filter(response=response).values(
            "trust", "team", "service_user", "period", "instrument_key", "domain", "score"
        )
    )
    common = {
        "trust": world.trust.pk,
        "team": world.team.pk,
        "service_user": world.person.pk,
        "period": response.period,
        "instrument_key": selectors.BUILT_IN_KEY,
    }
    # Opportunity has one answer, below its minimum of two: no row rather than a null.
    assert rows == [
        {**common, "domain": "control", "score": D("1.50")},
        {**common, "domain": "hope", "score": D("4.50")},
    ]
    assert _pending(world.team) == [(response.period, selectors.BUILT_IN_KEY)]


def test_change_is_distance_from_the_first_score_with_the_team(world):
    sent_response(world.person, on=datetime.date(2026, 1, 5), hope="2")
    sent_response(world.person, on=datetime.date(2026, 1, 20), hope="2.5")
    sent_response(world.person, on=datetime.date(2026, 3, 5), hope="3.75")
    assert _rows(world.person) == [
        (datetime.date(2026, 1, 1), D("2.00"), None, True),
        (datetime.date(2026, 1, 1), D("2.50"), D("0.50"), True),
        (datetime.date(2026, 3, 1), D("3.75"), D("1.75"), True),
    ]
    # Two sends in January left one pending row for January: many sends, one update.
    assert _pending(world.team) == [
        (datetime.date(2026, 1, 1), selectors.BUILT_IN_KEY),
        (datetime.date(2026, 3, 1), selectors.BUILT_IN_KEY),
    ]


def test_a_new_team_starts_a_new_baseline(world):
    sent_response(world.person, on=datetime.date(2026, 1, 5), hope="2")
    move_team(
        actor=world.user("administrator"),
        service_user=world.person,
        team=world.other_team,
        audit=audit_as(world.user("administrator")),
    )
    world.person.refresh_from_db()
    later = sent_response(world.person, on=datetime.date(2026, 2, 5), hope="4")
    row = ResponseScore.objects.get(response=later, domain="hope")
    assert (row.team_id, row.change) == (world.other_team.pk, None)


def test_a_check_in_entered_with_an_earlier_date_becomes_the_first(world):
    sent_response(world.person, on=datetime.date(2026, 3, 5), hope="3")
    RollupPending.objects.all().delete()
    sent_response(world.person, on=datetime.date(2026, 1, 5), hope="2")
    assert _rows(world.person) == [
        (datetime.date(2026, 1, 1), D("2.00"), None, True),
        (datetime.date(2026, 3, 1), D("3.00"), D("1.00"), True),
    ]
    # March's figures changed too, so March is pending as well as January.
    assert [p for p, _ in _pending(world.team)] == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 1),
    ]


def test_staff_entry_through_the_api_writes_scores(world):
    response, created = services.response_record(
        actor=world.user("care_coordinator"),
        service_user=world.person,
        channel=Channel.STAFF_PHONE,
        idempotency_key=uuid.uuid4(),
        answers={1: 4, 2: 4, 13: 5, 16: 3},
        audit=audit_as(world.user("care_coordinator")),
    )
    assert created
    assert response.instrument == built_in_v2()
    assert scores_of(response) == {
        "hope": D("4.00"),
        "helped_hope": D("5.00"),
        "helped_life": D("3.00"),
    }


# --- the built-in check-in's second part -------------------------------------------------------


def test_version_2_adds_the_team_part_and_version_1_is_unchanged(db):
    assert built_in().items.count() == 12
    v2 = built_in_v2()
    assert selectors.active_instrument() == v2
    assert v2.items.count() == 16
    rules = {r.domain: (r.display_label, r.kind) for r in v2.scoring_rules.all()}
    assert rules == {
        "hope": ("Hope", DomainKind.WELLBEING),
        "control": ("Control", DomainKind.WELLBEING),
        "opportunity": ("Opportunity", DomainKind.WELLBEING),
        "helped_hope": ("Helped with hope", DomainKind.SERVICE),
        "helped_control": ("Helped with control", DomainKind.SERVICE),
        "helped_opportunity": ("Helped with opportunity", DomainKind.SERVICE),
        "helped_life": ("Helped with life overall", DomainKind.SERVICE),
    }
    assert all(r.higher_is_better for r in v2.scoring_rules.all())
    assert v2.items.get(number=16).text == "My team has helped me with my life overall."


# --- withdrawing ------------------------------------------------------------------------------


def test_withdrawing_the_first_check_in_moves_the_baseline(world):
    first = sent_response(world.person, on=datetime.date(2026, 1, 5), hope="2")
    sent_response(world.person, on=datetime.date(2026, 2, 5), hope="3")
    sent_response(world.person, on=datetime.date(2026, 3, 5), hope="4")
    RollupPending.objects.all().delete()
    withdrawn, now = services.response_withdraw(
        actor=world.user("care_coordinator"),
        response=first,
        reason="Entered for the wrong person.",
        audit=audit_as(world.user("care_coordinator")),
    )
    assert now
    assert withdrawn.status == ResponseStatus.WITHDRAWN
    assert withdrawn.withdrawn_by == world.user("care_coordinator")
    assert _rows(world.person) == [
        (datetime.date(2026, 1, 1), D("2.00"), None, False),
        (datetime.date(2026, 2, 1), D("3.00"), None, True),
        (datetime.date(2026, 3, 1), D("4.00"), D("1.00"), True),
    ]
    assert [p for p, _ in _pending(world.team)] == [
        datetime.date(2026, 1, 1),
        datetime.date(2026, 2, 1),
        datetime.date(2026, 3, 1),
    ]
    assert AccessEvent.objects.filter(
        service_user=world.person, resource="check-in (withdrawn)", action="change"
    ).exists()
    # Withdrawn check-ins leave the journey and no longer count as done.
    assert [c.completed_on for c in selectors.journey(person=world.person)[0].responses] == [
        datetime.date(2026, 2, 5),
        datetime.date(2026, 3, 5),
    ]
    again, now = services.response_withdraw(
        actor=world.user("care_coordinator"),
        response=first,
        reason="Twice.",
        audit=audit_as(world.user("care_coordinator")),
    )
    assert not now and again.withdrawal_reason == "Entered for the wrong person."


@pytest.mark.parametrize("role", ["service_user", "peer_support_worker", "qa_manager"])
def test_only_the_coordinator_or_team_leaders_may_withdraw(world, role):
    sent = sent_response(world.person, on=datetime.date(2026, 1, 5))
    with pytest.raises(ValidationError):
        services.response_withdraw(
            actor=world.user(role), response=sent, reason="No.", audit=audit_as(world.user(role))
        )
    assert ResponseScore.objects.filter(response=sent, sent=True).count() == 3


def test_a_reason_is_needed_and_drafts_cannot_be_withdrawn(world):
    sent = sent_response(world.person, on=datetime.date(2026, 1, 5))
    leader = world.user("team_leader")
    with pytest.raises(ValidationError, match="Say why"):
        services.response_withdraw(actor=leader, response=sent, reason="  ", audit=audit_as(leader))
    draft = draft_with_answers(world.person, {1: 3})
    with pytest.raises(ValidationError, match="Only a sent check-in"):
        services.response_withdraw(actor=leader, response=draft, reason="x", audit=audit_as(leader))


def test_withdraw_page_from_the_journey(world, client_for):
    sent = sent_response(world.person, on=datetime.date(2026, 1, 5))
    client = client_for(world.user("care_coordinator"))
    journey = reverse("surveys:journey", kwargs={"public_id": world.person.public_id})
    url = reverse("surveys:withdraw", kwargs={"public_id": sent.public_id})
    assert url in client.get(journey).content.decode()
    missing = client.post(url, {"reason": ""})
    assert "Say why the check-in is being withdrawn" in missing.content.decode()
    assert client.post(url, {"reason": "Typed in twice."}).url == journey
    sent.refresh_from_db()
    assert (sent.status, sent.withdrawal_reason) == (ResponseStatus.WITHDRAWN, "Typed in twice.")
    assert client.get(url).status_code == 404  # no longer a sent check-in
    # The person sees their own journey without the staff action.
    again = sent_response(world.person, on=datetime.date(2026, 2, 5))
    own = client_for(world.user("service_user")).get(journey).content.decode()
    assert reverse("surveys:withdraw", kwargs={"public_id": again.public_id}) not in own


def test_withdraw_through_the_api(world):
    from rest_framework.test import APIClient

    sent = sent_response(world.person, on=datetime.date(2026, 1, 5))
    client = APIClient()
    client.force_authenticate(world.user("team_leader"))
    url = reverse("api:checkin-withdraw", kwargs={"public_id": sent.public_id})
    assert client.post(url, {}, format="json").status_code == 400
    reply = client.post(url, {"reason": "Entered in error."}, format="json")
    assert reply.status_code == 200, reply.content
    assert reply.json()["status"] == "withdrawn"
    assert not ResponseScore.objects.filter(response=sent, sent=True).exists()


# --- each team's check-in ---------------------------------------------------------------------


@pytest.fixture
def two_domains(db) -> Instrument:
    checked = check_instrument(read_instrument_file(DATA / "fictional_two_domains.yaml"))
    return services.instrument_load(checked=checked)[0]


def _choose(world, key):
    return services.team_settings_update(
        actor=world.user("team_leader"),
        team=world.team,
        cycle_months=3,
        link_valid_days=28,
        reminder_after_days=7,
        instrument_key=key,
    )


def test_the_teams_choice_is_used_however_people_answer(world, two_domains, client_for):
    assert selectors.instrument_for(world.person) == built_in_v2()  # the default
    _choose(world, two_domains.key)
    assert selectors.instrument_for(world.person) == two_domains
    assert selectors.instrument_for(world.other_team_person) == built_in_v2()
    # Signed in.
    client_for(world.user("service_user")).post(reverse("surveys:start"))
    signed_in = world.person.survey_responses.get(channel=Channel.SIGNED_IN)
    assert signed_in.instrument == two_domains
    # From a link.
    invitation = services.invitation_create(
        actor=world.user("care_coordinator"),
        audit=audit_as(world.user("care_coordinator")),
        service_user=world.person,
    )
    assert invitation.instrument == two_domains
    # Entered by staff.
    staff = services.response_start(
        actor=world.user("care_coordinator"),
        service_user=world.person,
        channel=Channel.STAFF_PAPER,
        audit=audit_as(world.user("care_coordinator")),
    )
    assert staff.instrument == two_domains
    # Through the API, with no instrument named.
    response, _ = services.response_record(
        actor=world.user("service_user"),
        service_user=world.person,
        channel=Channel.SIGNED_IN,
        idempotency_key=uuid.uuid4(),
        answers={1: 3, 2: 0, 4: 2, 5: 1},
        audit=audit_as(world.user("service_user")),
    )
    assert response.instrument == two_domains
    assert (
        ResponseScore.objects.filter(response=response).values_list("instrument_key", flat=True)
    ).distinct().get() == "fictional-two-domains"


def test_a_team_may_choose_only_an_instrument_in_use(world, two_domains):
    with pytest.raises(ValidationError):
        _choose(world, "no-such-check-in")
    Instrument.objects.filter(pk=two_domains.pk).update(active=False)
    with pytest.raises(ValidationError):
        _choose(world, two_domains.key)


def test_a_withdrawn_choice_falls_back_to_the_built_in(world, two_domains):
    _choose(world, two_domains.key)
    Instrument.objects.filter(pk=two_domains.pk).update(active=False)
    assert selectors.instrument_for(world.person) == built_in_v2()


def test_settings_page_offers_the_instruments_in_use(world, client_for, two_domains):
    client = client_for(world.user("team_leader"))
    url = reverse("surveys:team_settings", kwargs={"public_id": world.team.public_id})
    body = client.get(url).content.decode()
    assert "Fictional two-domain check" in body and "Hope, control and opportunity" in body
    client.post(
        url,
        {
            "instrument_key": two_domains.key,
            "cycle_months": "3",
            "link_valid_days": "28",
            "reminder_after_days": "7",
        },
    )
    assert TeamSurveySettings.objects.get(team=world.team).instrument_key == two_domains.key


# --- the journey shows every instrument --------------------------------------------------------


def test_journey_has_a_section_per_instrument_with_labelled_domains(world, two_domains, client_for):
    sent_response(world.person, on=datetime.date(2026, 1, 5), hope="2")
    services.response_record(
        actor=world.user("service_user"),
        service_user=world.person,
        channel=Channel.SIGNED_IN,
        idempotency_key=uuid.uuid4(),
        answers={1: 3, 2: 0, 3: 3, 4: 2, 5: 1},
        instrument=two_domains,
        audit=audit_as(world.user("service_user")),
    )
    sections = selectors.journey(person=world.person)
    assert [s.key for s in sections] == [selectors.BUILT_IN_KEY, "fictional-two-domains"]
    assert [d.label for d in sections[0].domains] == ["Hope", "Control", "Opportunity"]
    assert [(d.label, d.latest, d.low, d.high) for d in sections[1].domains] == [
        ("Hope", D("3.00"), 0, 3),
        ("Control", D("4.00"), 4, 5),
    ]
    body = (
        client_for(world.user("care_coordinator"))
        .get(reverse("surveys:journey", kwargs={"public_id": world.person.public_id}))
        .content.decode()
    )
    assert "Fictional two-domain check: scores at each check-in" in body
