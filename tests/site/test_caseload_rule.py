"""The caseload and the person page compose the directory's rule and agree with each other."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from directory.permissions import get_service_user_for
from directory.selectors import caseload_for
from tests.conftest import ROLES

pytestmark = pytest.mark.django_db

NO_RECORDS = {"anonymous", "qa_manager", "hr", "network_coordinator", "partner_contact"}


@pytest.mark.parametrize("role", ROLES)
def test_the_caseload_lists_exactly_the_people_whose_page_opens(world, role):
    user = world.signed_in(role)
    on_caseload = set(caseload_for(user=user)) if role != "anonymous" else set()

    for name, person in world.people().items():
        try:
            opened = get_service_user_for(user, person.public_id) == person
        except PermissionDenied:
            assert role in NO_RECORDS, name
            continue
        except Http404:
            opened = False
        own_record = role == "service_user" and name == "person"
        assert opened == (person in on_caseload or own_record), name
