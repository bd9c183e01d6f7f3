"""Two people adding the same person at the same moment: one record, one clear refusal."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from directory.models import ServiceUser
from directory.services import service_user_create
from tests.audit import audit_as


@pytest.mark.django_db(transaction=True)
def test_simultaneous_adds_of_one_nhs_number_store_one_record(world):
    leader, coordinator = world.user("team_leader"), world.user("care_coordinator")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def add(actor):
        try:
            start.wait()
            service_user_create(
                actor=actor,
                audit=audit_as(actor),
                nhs_number="9999123457",
                given_name="Ada",
                family_name="Lovelace",
                date_of_birth=datetime.date(1990, 5, 17),
                team=world.team,
            )
            outcomes.append("added")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["nhs_number"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(actor,)) for actor in (leader, coordinator)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["This trust already has a record with this NHS number.", "added"]
    assert ServiceUser.objects.filter(nhs_number="9999123457").count() == 1
