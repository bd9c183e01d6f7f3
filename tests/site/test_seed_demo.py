"""The demo data: what the README promises, and safe to run twice."""

from pathlib import Path

import pytest
from django.core.management import call_command

from directory.choices import TeamKind
from directory.demo import DEMO_PASSWORD, DEMO_PERSONAS
from directory.models import ServiceUser, Team, Trust, User
from directory.nhs_number import is_valid_nhs_number
from directory.permissions import roles_of
from recovery_site.two_factor import DEMO_AUTHENTICATOR_KEY_HEX, demo_authenticator_secret
from tests.site.test_two_factor import code_for

pytestmark = pytest.mark.django_db


def test_seed_demo_makes_the_promised_world_and_is_idempotent(capsys):
    call_command("seed_demo")
    counts = (
        Trust.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        ServiceUser.objects.count(),
    )
    call_command("seed_demo")

    assert (
        Trust.objects.count(),
        Team.objects.count(),
        User.objects.count(),
        ServiceUser.objects.count(),
    ) == counts
    assert counts[0] == 2
    assert counts[1] >= 12
    assert set(Team.objects.values_list("kind", flat=True)) == set(TeamKind.values)
    assert counts[3] == 300
    numbers = list(ServiceUser.objects.values_list("nhs_number", flat=True))
    assert all(n.startswith("999") and is_valid_nhs_number(n) for n in numbers)
    output = capsys.readouterr().out
    assert DEMO_PASSWORD in output
    for username, _, _ in DEMO_PERSONAS:
        assert username in output
        assert User.objects.get(username=username).check_password(DEMO_PASSWORD)


def test_every_demo_persona_has_its_role():
    call_command("seed_demo")
    roles = {u: roles_of(User.objects.get(username=u)) for u, _, _ in DEMO_PERSONAS}

    assert roles["coordinator"].coordinates_in
    assert roles["teamleader"].leads
    assert roles["peer"].peer_in
    assert roles["serviceuser"].is_service_user
    assert {"qa_manager"} == set(roles["qa"].trust_roles)
    assert {"hr"} == set(roles["hr"].trust_roles)
    assert {"network_coordinator"} == set(roles["networks"].trust_roles)
    assert roles["admin"].is_administrator
    assert roles["city.coordinator"].trust_id != roles["coordinator"].trust_id


def test_every_demo_login_lands_on_its_home_page(client):
    call_command("seed_demo")

    for username, _, _ in DEMO_PERSONAS:
        client.post("/account/sign-out/")
        response = client.post(
            "/account/sign-in/", {"username": username, "password": DEMO_PASSWORD}, follow=True
        )
        if username != "serviceuser":
            # Demo staff have the demo authenticator the README gives the key of.
            assert response.redirect_chain[-1][0] == "/account/two-factor/"
            response = client.post(
                "/account/two-factor/",
                {"code": code_for(DEMO_AUTHENTICATOR_KEY_HEX)},
                follow=True,
            )
        body = response.content.decode()
        assert response.status_code == 200, username
        if username == "serviceuser":
            assert "Hello, Sam" in body and "Your record" in body
        else:
            assert "You are signed in as" in body, username


def test_the_demo_authenticator_key_is_the_one_the_readme_gives(capsys):
    call_command("seed_demo")

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert demo_authenticator_secret() in readme
    assert demo_authenticator_secret() in capsys.readouterr().out
