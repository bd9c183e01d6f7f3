"""Staff who sign in with a password set up and then use an authenticator app before they see
anything; service users sign in with a password alone. These tests sign in through the real
sign-in page, never the test client's shortcut."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from directory.models import AccessEvent
from recovery_site.two_factor import DEMO_AUTHENTICATOR_KEY_HEX, SECOND_FACTOR_SESSION_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "a-good-long-password"
# Frozen at the moment the module loads: the roles the world gives start today.
START = datetime.now(UTC).replace(microsecond=0)


def code_for(key_hex: str) -> str:
    """What an authenticator app set up with this key shows now."""
    totp = TOTP(bytes.fromhex(key_hex), step=30, t0=0, digits=6)
    return f"{totp.token():06d}"


def sign_in_with_password(client, user, next_url: str = ""):
    user.set_password(PASSWORD)
    user.save()
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.username, "password": PASSWORD, "next": next_url})


def secret_on_page(body: str) -> str:
    written = re.search(r'<code id="secret-key">([A-Z2-7 ]+)</code>', body)
    assert written, "the set-up page writes the secret out"
    secret = written.group(1).replace(" ", "")
    return base64.b32decode(secret + "=" * (-len(secret) % 8)).hex()


def set_up(client) -> list[str]:
    """Go through set-up on the page as a person would; the recovery codes it shows."""
    key_hex = secret_on_page(client.get(reverse("two_factor_setup")).content.decode())
    response = client.post(reverse("two_factor_setup"), {"code": code_for(key_hex)})
    assert response.status_code == 200
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())


def test_staff_without_an_authenticator_see_no_persons_record_until_they_set_one_up(world, client):
    person_url = world.person.get_absolute_url()
    sign_in_with_password(client, world.user("care_coordinator"), next_url=person_url)

    response = client.get(person_url)

    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == reverse("two_factor_setup")
    assert parse_qs(target.query)["next"] == [person_url]
    assert not AccessEvent.objects.filter(service_user=world.person).exists()
    # Not the caseload, the home page, the API or the admin site either.
    for url in (reverse("caseload"), reverse("home"), "/api/service-users/"):
        assert client.get(url).status_code in (302, 403), url
    assert client.get("/api/service-users/").status_code == 403


def test_setting_up_an_authenticator_then_opens_the_record(world, client):
    person_url = world.person.get_absolute_url()
    with time_machine.travel(START, tick=False):
        sign_in_with_password(client, world.user("care_coordinator"), next_url=person_url)
        page = client.get(reverse("two_factor_setup")).content.decode()
        assert 'src="data:image/svg+xml' in page and "QR code" in page
        key_hex = secret_on_page(page)

        response = client.post(
            reverse("two_factor_setup"), {"code": code_for(key_hex), "next": person_url}
        )

        body = response.content.decode()
        codes = re.findall(r"<li><code>([a-z0-9]+)</code></li>", body)
        assert len(codes) == 10 and len(set(codes)) == 10
        assert "This is the only time they are shown" in body
        assert "no-store" in response["Cache-Control"]
        assert f'href="{person_url}"' in body
        assert TOTPDevice.objects.get(user=world.user("care_coordinator")).confirmed
        assert client.get(person_url).status_code == 200
        # The codes are not shown again: the set-up page now sends the person on.
        assert client.get(reverse("two_factor_setup")).status_code == 302


def test_a_wrong_code_at_set_up_is_refused_next_to_the_field_and_sets_nothing_up(world, client):
    with time_machine.travel(START, tick=False):
        sign_in_with_password(client, world.user("care_coordinator"))
        key_hex = secret_on_page(client.get(reverse("two_factor_setup")).content.decode())
        wrong = f"{(int(code_for(key_hex)) + 1) % 1_000_000:06d}"

        response = client.post(reverse("two_factor_setup"), {"code": wrong})

        assert "That code is not right" in response.content.decode()
        assert not TOTPDevice.objects.filter(confirmed=True).exists()
        assert not StaticDevice.objects.exists()
        assert client.get(world.person.get_absolute_url()).status_code == 302
        # The same secret is offered again, so the app already set up still works.
        assert secret_on_page(client.get(reverse("two_factor_setup")).content.decode()) == key_hex


def test_staff_with_an_authenticator_are_asked_for_a_code_at_every_sign_in(world, client):
    user = world.user("team_leader")
    TOTPDevice.objects.create(user=user, key=DEMO_AUTHENTICATOR_KEY_HEX, confirmed=True)
    person_url = world.person.get_absolute_url()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, user)
        response = client.get(person_url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("two_factor_verify"))

        wrong = f"{(int(code_for(DEMO_AUTHENTICATOR_KEY_HEX)) + 1) % 1_000_000:06d}"
        refused = client.post(reverse("two_factor_verify"), {"code": wrong, "next": person_url})
        assert "That code is not right" in refused.content.decode()
        assert client.get(person_url).status_code == 302

        traveller.shift(timedelta(seconds=30))  # past the wait after a wrong code
        session_before = client.session.session_key
        accepted = client.post(
            reverse("two_factor_verify"),
            {"code": code_for(DEMO_AUTHENTICATOR_KEY_HEX), "next": person_url},
        )
        assert accepted.status_code == 302 and accepted["Location"] == person_url
        assert client.session.session_key != session_before  # a new session key goes with it
        assert client.get(person_url).status_code == 200


def test_a_code_is_not_accepted_twice(world, client):
    user = world.user("team_leader")
    TOTPDevice.objects.create(user=user, key=DEMO_AUTHENTICATOR_KEY_HEX, confirmed=True)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, user)
        code = code_for(DEMO_AUTHENTICATOR_KEY_HEX)
        assert client.post(reverse("two_factor_verify"), {"code": code}).status_code == 302
        client.post(reverse("logout"))
        traveller.shift(timedelta(seconds=5))

        sign_in_with_password(client, user)
        again = client.post(reverse("two_factor_verify"), {"code": code})

        assert "That code is not right" in again.content.decode()


def test_a_recovery_code_signs_in_once(world, client):
    user = world.user("care_coordinator")
    person_url = world.person.get_absolute_url()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in_with_password(client, user)
        codes = set_up(client)
        client.post(reverse("logout"))
        traveller.shift(timedelta(minutes=5))

        sign_in_with_password(client, user)
        used = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
        assert used.status_code == 302
        assert client.session[SECOND_FACTOR_SESSION_KEY] == "recovery code"
        assert client.get(person_url).status_code == 200
        client.post(reverse("logout"))
        traveller.shift(timedelta(minutes=5))

        sign_in_with_password(client, user)
        again = client.post(reverse("two_factor_verify"), {"code": codes[0]})
        assert "That code is not right" in again.content.decode()
        assert client.get(person_url).status_code == 302
        traveller.shift(timedelta(minutes=5))
        other = client.post(reverse("two_factor_verify"), {"code": codes[1]})
        assert other.status_code == 302
        assert StaticDevice.objects.get(user=user).token_set.count() == 8


def test_service_users_sign_in_with_a_password_alone(world, client):
    sign_in_with_password(client, world.user("service_user"))

    response = client.get(reverse("home"), follow=True)

    assert response.status_code == 200
    assert "Your record" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_the_pages_before_the_second_factor_show_no_navigation(world, client):
    sign_in_with_password(client, world.user("care_coordinator"))

    body = client.get(reverse("two_factor_setup")).content.decode()

    assert "nhsuk-header__navigation" not in body
    assert "Caseload" not in body


def test_a_signed_in_next_address_elsewhere_is_not_followed(world, client):
    user = world.user("team_leader")
    TOTPDevice.objects.create(user=user, key=DEMO_AUTHENTICATOR_KEY_HEX, confirmed=True)
    with time_machine.travel(START, tick=False):
        sign_in_with_password(client, user)
        response = client.post(
            reverse("two_factor_verify"),
            {"code": code_for(DEMO_AUTHENTICATOR_KEY_HEX), "next": "https://evil.example/"},
        )

    assert response["Location"] == reverse("home")


def test_resetting_a_lost_authenticator_sends_the_person_to_set_up_a_new_one(world, client):
    user = world.user("team_leader")
    TOTPDevice.objects.create(user=user, key=DEMO_AUTHENTICATOR_KEY_HEX, confirmed=True)
    StaticDevice.objects.create(user=user, name="Recovery codes").token_set.create(token="abc")

    call_command("reset_authenticator", "teamleader", stdout=StringIO())
    sign_in_with_password(client, user)

    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
    assert client.post(reverse("two_factor_verify"), {"code": "abc"}).status_code == 302
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))


def test_authenticators_cannot_be_added_or_read_in_the_admin_site(world, client):
    client.force_login(world.user("administrator"))

    index = client.get(reverse("admin:index")).content.decode()

    assert "TOTP" not in index and "Static device" not in index
    assert client.get("/admin/otp_totp/totpdevice/add/").status_code == 404
