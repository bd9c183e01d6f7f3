"""Rota pages as HR and peers use them: a refusal shown by the worker field naming the rule,
the week view in a bounded number of queries, and the calendar feed as iCalendar."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape
from icalendar import Calendar

from directory.choices import TrustRole
from peersupport.models import Shift
from tests.factories import TeamFactory, trust_staff

from .factories import ShiftFactory, at, peer_worker

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory.create(name="North Fells CMHT")


@pytest.fixture
def hr(team):
    return trust_staff(trust=team.trust, role=TrustRole.HR)


def test_a_refused_assignment_names_the_rule_by_the_worker_field(client, team, hr):
    worker = peer_worker(team=team)
    ShiftFactory.create(
        team=team,
        worker=worker,
        starts_at=at("2027-01-04", "14:00"),
        ends_at=at("2027-01-04", "19:00"),
    )
    morning = ShiftFactory.create(
        team=team, starts_at=at("2027-01-05", "05:59"), ends_at=at("2027-01-05", "10:00")
    )
    client.force_login(hr)
    url = reverse("peersupport:shift_assign", kwargs={"public_id": morning.public_id})
    response = client.post(url, {"worker": str(worker.public_id)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "11 hours&#x27; rest between shifts:" in body
    assert (
        "would rest only 10 hours 59 minutes between Group, North Fells CMHT, Mon 4 Jan 14:00"
        in body
    )
    assert 'id="id_worker_error"' in body
    assert Shift.objects.get(pk=morning.pk).worker is None


def test_an_assignment_above_contracted_hours_is_made_with_a_warning(client, team, hr):
    worker = peer_worker(team=team, contracted_hours=3)
    shift = ShiftFactory.create(team=team)
    client.force_login(hr)
    url = reverse("peersupport:shift_assign", kwargs={"public_id": shift.public_id})
    response = client.post(url, {"worker": str(worker.public_id)}, follow=True)
    body = response.content.decode()
    assert "is rostered to Group, North Fells CMHT" in body
    assert "Above contracted hours:" in body
    assert Shift.objects.get(pk=shift.pk).worker == worker


def test_adding_a_long_shift_without_its_break_is_refused_by_the_field(client, team, hr):
    client.force_login(hr)
    url = reverse("peersupport:shift_create", kwargs={"public_id": team.public_id})
    data = {
        "day_0": "4",
        "day_1": "1",
        "day_2": "2027",
        "starts": "22:00",
        "ends": "06:00",
        "kind": "ward_session",
        "required_level": "",
        "break_minutes": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "shifts over 6 hours need a break of at least 20 minutes" in response.content.decode()
    assert not Shift.objects.exists()
    data["break_minutes"] = "30"
    response = client.post(url, data)
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert (shift.starts_at, shift.ends_at) == (
        at("2027-01-04", "22:00"),
        at("2027-01-05", "06:00"),
    )


def test_a_time_the_clocks_skip_is_refused(client, team, hr):
    client.force_login(hr)
    url = reverse("peersupport:shift_create", kwargs={"public_id": team.public_id})
    data = {
        "day_0": "28",
        "day_1": "3",
        "day_2": "2027",
        "starts": "01:30",
        "ends": "05:00",
        "kind": "ward_session",
        "required_level": "",
        "break_minutes": "0",
    }
    response = client.post(url, data)
    assert "The clocks skip this time" in response.content.decode()
    assert not Shift.objects.exists()


def test_the_team_week_runs_a_bounded_number_of_queries(
    client, team, hr, django_assert_max_num_queries
):
    workers = [peer_worker(team=team) for _ in range(30)]
    monday = datetime.date(2027, 1, 4)
    for n, worker in enumerate(workers):
        day = monday + datetime.timedelta(days=n % 7)
        start = datetime.datetime.combine(
            day, datetime.time(8 + n % 5), tzinfo=at("2027-01-04", "00:00").tzinfo
        )
        ShiftFactory.create(
            team=team, worker=worker, starts_at=start, ends_at=start + datetime.timedelta(hours=4)
        )
        ShiftFactory.create(team=team, starts_at=start, ends_at=start + datetime.timedelta(hours=3))
    client.force_login(hr)
    url = reverse("peersupport:team_week", kwargs={"public_id": team.public_id})
    with django_assert_max_num_queries(8):
        response = client.get(url, {"week": "2027-01-06"})
    body = response.content.decode()
    assert "60 shifts, 30 open." in body
    assert all(escape(str(w.user)) in body for w in workers)  # names such as O'Hara


def test_a_peer_subscribes_to_a_feed_of_their_shifts_that_can_be_revoked(client, team):
    worker = peer_worker(team=team)
    soon = datetime.datetime.now(datetime.UTC).replace(microsecond=0, second=0)
    mine = ShiftFactory.create(
        team=team,
        worker=worker,
        starts_at=soon + datetime.timedelta(days=2),
        ends_at=soon + datetime.timedelta(days=2, hours=7),
        break_minutes=30,
    )
    ShiftFactory.create(team=team, starts_at=mine.starts_at, ends_at=mine.ends_at)  # not theirs
    client.force_login(worker.user)
    response = client.post(reverse("peersupport:feed_link"), {"action": "issue"}, follow=True)
    feed_url = response.context["feed_url"]
    assert feed_url and feed_url in response.content.decode()
    client.logout()  # a phone's calendar does not sign in
    feed = client.get(feed_url)
    assert feed["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"{mine.public_id}@recovery-care"]
    assert events[0].decoded("dtstart") == mine.starts_at
    # the page does not show the address again
    client.force_login(worker.user)
    assert feed_url not in client.get(reverse("peersupport:my_rota")).content.decode()
    client.post(reverse("peersupport:feed_link"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_url).status_code == 404


def test_a_peer_sees_the_open_shifts_whose_training_they_hold(client, team):
    worker = peer_worker(team=team)
    soon = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    plain = ShiftFactory.create(
        team=team, starts_at=soon, ends_at=soon + datetime.timedelta(hours=2), kind="drop_in"
    )
    needs = ShiftFactory.create(
        team=team,
        starts_at=soon,
        ends_at=soon + datetime.timedelta(hours=2),
        required_level="coaching",
        kind="community_visit",
    )
    elsewhere = ShiftFactory.create(starts_at=soon, ends_at=soon + datetime.timedelta(hours=2))
    client.force_login(worker.user)
    response = client.get(reverse("peersupport:my_rota"))
    offered = [s.pk for s in response.context["open_shifts"]]
    assert offered == [plain.pk]
    assert needs.pk not in offered and elsewhere.pk not in offered
