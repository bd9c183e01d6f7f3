"""The OpenAPI schema: every endpoint documented, valid, and generated without warnings."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_is_valid_and_generated_without_warnings(tmp_path):
    out = tmp_path / "schema.json"

    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(out),
    )

    paths = json.loads(out.read_text())["paths"]
    for path in (
        "/api/teams/",
        "/api/service-users/{public_id}/",
        "/api/plans/{public_id}/parts/{part}/",
        "/api/check-ins/",
        "/api/check-in-scores/{public_id}/",
    ):
        assert path in paths
    assert (
        paths["/api/service-users/{public_id}/"]["get"]["parameters"][0]["schema"]["format"]
        == "uuid"
    )
