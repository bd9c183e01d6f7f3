"""Fuzzing the API from its own OpenAPI schema (Schemathesis), signed in as a care coordinator
with an API token: no request, however malformed, gets a 5xx, and every answer matches the schema.

Bounded and repeatable: a fixed number of examples per operation, derandomised (the same requests
on every run), so CI neither flakes nor runs long. `FUZZ_EXAMPLES` raises the count for a longer
run by hand.
"""

from __future__ import annotations

import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from common.dates import trust_today
from tests.careplans.factories import goal_of, plan_for
from tests.conftest import World
from tests.surveys.factories import built_in, sent_response

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))


# The schema the API serves at /api/schema/, generated in-process (Django is set up by now).
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))


@pytest.fixture(scope="module")
def fuzzed(module_world: World, django_db_blocker) -> tuple[str, dict[str, dict[str, str]]]:
    """A token for the matrix's care coordinator, and the ids of real things they may see, by
    path: most requests name these, so answers with data are checked against the schema too
    (random ids only reach the 404). Made in the module's world and rolled back with it; each
    case runs in a savepoint, so what one writes the next does not see."""
    with django_db_blocker.unblock():
        world = module_world
        token = Token.objects.create(user=world.user("care_coordinator")).key
        person = world.person
        plan = plan_for(person)
        goal = goal_of(person)
        check_in = sent_response(person, on=trust_today())
        team = str(world.team.public_id)
    ids = {
        "/api/check-in-instruments/{public_id}/": {"public_id": str(built_in().public_id)},
        "/api/check-in-scores/{public_id}/": {"public_id": str(person.public_id)},
        "/api/check-ins/{public_id}/": {"public_id": str(check_in.public_id)},
        "/api/check-ins/{public_id}/withdraw/": {"public_id": str(check_in.public_id)},
        "/api/league-teams/{public_id}/": {"public_id": team},
        "/api/plans/{public_id}/": {"public_id": str(plan.public_id)},
        "/api/plans/{public_id}/goals/": {"public_id": str(plan.public_id)},
        "/api/plans/{public_id}/goals/{goal_id}/": {
            "public_id": str(plan.public_id),
            "goal_id": str(goal.public_id),
        },
        "/api/plans/{public_id}/parts/{part}/": {"public_id": str(plan.public_id)},
        "/api/service-users/{public_id}/": {"public_id": str(person.public_id)},
        "/api/teams/{public_id}/": {"public_id": team},
    }
    return token, ids


@pytest.fixture(scope="module")
def wsgi_app():
    """The real WSGI application, kept on the test's database connection: as Django's test client
    does, requests do not close it (that would end the transaction the world lives in)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_request_without_a_server_error_and_as_documented(
    case, fuzzed, wsgi_app
):
    token, ids = fuzzed
    # Three requests in four name a real object (which ones is fixed by the generated request).
    if case.path_parameters and zlib.crc32(repr(case.path_parameters).encode()) % 4:
        case.path_parameters = {**case.path_parameters, **ids.get(case.path, {})}
    case.call_and_validate(
        app=wsgi_app,
        headers={"Authorization": f"Token {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
