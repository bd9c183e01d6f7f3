"""Training records imported from CSV, all or nothing with a row-by-row report; coverage per
team and the due or expired list."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from directory.choices import TeamRole, TrustRole
from peersupport.models import TrainingRecord
from peersupport.selectors import training_coverage, training_due
from tests.factories import TeamFactory, staff, trust_staff

from .factories import TrainingRecordFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory.create(name="North Fells CMHT")


@pytest.fixture
def hr(team):
    return trust_staff(trust=team.trust, role=TrustRole.HR)


def _upload(client, text: str):
    return client.post(
        reverse("peersupport:training_import"),
        {"file": SimpleUploadedFile("training.csv", text.encode(), content_type="text/csv")},
    )


def test_a_good_file_imports_every_row_and_again_changes_nothing(client, team, hr):
    alex = staff(team=team, role=TeamRole.CARE_COORDINATOR, username="alex")
    csv = (
        "username,level,completed_on,expires_on\n"
        "alex,foundation,2026-01-10,2028-01-10\n"
        "alex,Leading recovery in practice,2026-02-01,\n"
    )
    client.force_login(hr)
    response = _upload(client, csv)
    assert response.status_code == 302
    assert _upload(client, csv).status_code == 302
    records = TrainingRecord.objects.filter(user=alex).order_by("level")
    assert [(r.level, r.completed_on, r.expires_on) for r in records] == [
        ("foundation", datetime.date(2026, 1, 10), datetime.date(2028, 1, 10)),
        ("leading_recovery", datetime.date(2026, 2, 1), None),
    ]


def test_a_file_with_any_wrong_row_imports_nothing_and_lists_each_problem(client, team, hr):
    staff(team=team, role=TeamRole.CARE_COORDINATOR, username="alex")
    staff(team=TeamFactory.create(), role=TeamRole.CARE_COORDINATOR, username="elsewhere")
    csv = (
        "username,level,completed_on,expires_on\n"
        "alex,foundation,2026-01-10,\n"  # fine on its own
        "nobody,foundation,2026-01-10,\n"
        "alex,juggling,2026-01-10,\n"
        "alex,induction,10/01/2026,\n"
        "elsewhere,induction,2026-01-10,\n"
        "alex,coaching,2026-01-10,2026-01-10\n"
    )
    client.force_login(hr)
    response = _upload(client, csv)
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()
    body = response.content.decode()
    assert "Nothing was imported: 5 problems in the file" in body
    rows = {(n, column) for n, column, _ in response.context["row_errors"]}
    assert rows == {
        (2, "username"),
        (3, "level"),
        (4, "completed_on"),
        (5, "username"),
        (6, ""),  # expires the day it was completed: the record as a whole
    }
    assert "No member of staff in your trust has the username &#x27;nobody&#x27;" in body
    assert "Give a date as YYYY-MM-DD" in body


def test_a_file_without_the_columns_is_refused_by_the_field(client, hr):
    client.force_login(hr)
    response = _upload(client, "name,course\nalex,foundation\n")
    assert "missing: username, level, completed_on" in response.content.decode()


@time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC))
def test_coverage_counts_current_foundation_and_leading_recovery(team):
    leader = staff(team=team, role=TeamRole.TEAM_LEADER)
    coordinator = staff(team=team, role=TeamRole.CARE_COORDINATOR)
    staff(team=team, role=TeamRole.CARE_COORDINATOR)
    on = datetime.date(2026, 6, 1)
    TrainingRecordFactory.create(
        user=leader, level="foundation", completed_on=datetime.date(2025, 1, 1)
    )
    TrainingRecordFactory.create(
        user=leader, level="leading_recovery", completed_on=datetime.date(2025, 1, 1)
    )
    # expired on the day: does not count
    TrainingRecordFactory.create(
        user=coordinator,
        level="foundation",
        completed_on=datetime.date(2024, 6, 1),
        expires_on=on,
    )
    (row, trust) = training_coverage(teams=team.trust.teams.all(), on=on)
    assert (row.staff, row.with_foundation, row.foundation_share) == (3, 1, 33)
    assert (row.leaders, row.leaders_with_leading, row.leading_share) == (1, 1, 100)
    assert trust.name == "Whole trust" and trust.staff == 3


def test_the_due_list_shows_the_latest_record_expired_or_expiring(team):
    alex = staff(team=team, role=TeamRole.CARE_COORDINATOR)
    sam = staff(team=team, role=TeamRole.CARE_COORDINATOR)
    on = datetime.date(2026, 6, 1)
    TrainingRecordFactory.create(
        user=alex, completed_on=datetime.date(2024, 1, 1), expires_on=datetime.date(2026, 1, 1)
    )
    TrainingRecordFactory.create(  # renewed: the old one is not due
        user=alex, completed_on=datetime.date(2026, 1, 1), expires_on=datetime.date(2028, 1, 1)
    )
    lapsed = TrainingRecordFactory.create(
        user=sam, completed_on=datetime.date(2024, 5, 1), expires_on=datetime.date(2026, 5, 1)
    )
    soon = TrainingRecordFactory.create(
        user=sam,
        level="induction",
        completed_on=datetime.date(2024, 7, 31),
        expires_on=datetime.date(2026, 7, 31),
    )
    TrainingRecordFactory.create(  # 61 days away: not yet
        user=sam,
        level="coaching",
        completed_on=datetime.date(2024, 8, 1),
        expires_on=datetime.date(2026, 8, 1),
    )
    assert training_due(trust_id=team.trust_id, on=on) == [lapsed, soon]
