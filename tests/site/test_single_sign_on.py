"""Staff single sign-on against a real OpenID Connect provider (oidc-provider-mock) started on a
free local port: the browser's steps are plain HTTP requests, and the live server does the real
code exchange, ID token check and userinfo call with the provider."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from axes.models import AccessLog
from django.core.management import CommandError, call_command
from django.test import override_settings
from oidc_provider_mock import User as ProviderUser
from oidc_provider_mock import run_server_in_thread

from directory.choices import TeamRole
from directory.models import User
from tests.factories import ServiceUserFactory, TeamFactory, UserFactory, staff

pytestmark = pytest.mark.django_db(transaction=True)

CALLBACK = "/account/sso/callback/"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The provider, with two people who share a name, and one the trust has never heard of."""
    people = [
        ProviderUser(sub="entra-0001", claims={"name": "Alex Morgan", "oid": "oid-a"}),
        ProviderUser(sub="entra-0002", claims={"name": "Alex Morgan", "oid": "oid-b"}),
        ProviderUser(sub="entra-9999", claims={"name": "Una Known", "oid": "oid-z"}),
    ]
    with run_server_in_thread(require_client_registration=True, user_claims=people) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def configured(provider, live_server) -> Iterator[str]:
    registration = requests.post(
        f"{provider}/oauth2/clients",
        json={"redirect_uris": [f"{live_server.url}{CALLBACK}"]},
        timeout=5,
    )
    registration.raise_for_status()
    client = registration.json()
    with override_settings(
        OIDC_RP_CLIENT_ID=client["client_id"],
        OIDC_RP_CLIENT_SECRET=client["client_secret"],
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{provider}/oauth2/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{provider}/oauth2/token",
        OIDC_OP_USER_ENDPOINT=f"{provider}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{provider}/jwks",
        OIDC_PROVIDER_NAME="Fellside NHS sign-in",
        # The provider has one signing key, published without a key id.
        OIDC_VERIFY_KID=False,
    ):
        yield live_server.url


def sign_in_at_provider(
    site: str, sub: str | None, *, next_url: str = ""
) -> tuple[requests.Response, requests.Session]:
    """A browser: start at the site, pick the person at the provider (or deny), come back."""
    browser = requests.Session()
    start = browser.get(
        f"{site}/account/sso/start/" + (f"?next={next_url}" if next_url else ""),
        allow_redirects=False,
        timeout=10,
    )
    assert start.status_code == 302
    authorize = start.headers["Location"]
    form = {"sub": sub} if sub else {"action": "deny"}
    back = browser.post(authorize, data=form, allow_redirects=False, timeout=10)
    assert back.status_code == 302 and back.headers["Location"].startswith(f"{site}{CALLBACK}")
    answer = browser.get(back.headers["Location"], allow_redirects=False, timeout=20)
    return answer, browser


def coordinator(**kwargs) -> User:
    return staff(team=TeamFactory.create(), role=TeamRole.CARE_COORDINATOR, **kwargs)


def twins() -> tuple[User, User]:
    """Two members of staff with the same name; only the second is linked to entra-0001."""
    team_user = coordinator(username="alex.morgan.1", first_name="Alex", last_name="Morgan")
    linked = coordinator(username="alex.morgan.2", first_name="Alex", last_name="Morgan")
    linked.identity_subject = "entra-0001"
    linked.save()
    return team_user, linked


def test_the_sign_in_page_offers_single_sign_on_only_when_configured(configured, client):
    assert "Sign in with Fellside NHS sign-in" in client.get("/account/sign-in/").content.decode()

    with override_settings(OIDC_RP_CLIENT_ID=""):
        assert "Sign in with" not in client.get("/account/sign-in/").content.decode()
        assert client.get("/account/sso/start/").status_code == 404
        assert client.get(CALLBACK + "?code=x&state=y").status_code == 404


def test_a_linked_member_of_staff_signs_in_without_an_authenticator_code(configured):
    _, linked = twins()
    person = ServiceUserFactory.create(team=linked.memberships.get().team, care_coordinator=linked)

    answer, browser = sign_in_at_provider(
        configured, "entra-0001", next_url=person.get_absolute_url()
    )

    assert answer.status_code == 302
    assert answer.headers["Location"] == person.get_absolute_url()
    record = browser.get(f"{configured}{person.get_absolute_url()}", timeout=10)
    assert record.status_code == 200 and record.url.endswith(person.get_absolute_url())
    # Recorded as a password sign-in is: in the sign-in log, with the address it came from.
    assert AccessLog.objects.filter(username=linked.username).count() == 1


def test_staff_are_matched_by_the_claim_never_by_name(configured):
    same_name, linked = twins()

    answer, _browser = sign_in_at_provider(configured, "entra-0001")

    assert answer.status_code == 302
    assert AccessLog.objects.filter(username=linked.username).exists()
    assert not AccessLog.objects.filter(username=same_name.username).exists()
    # The provider's other Alex Morgan is linked to nobody: refused, though the name matches two.
    other, _browser = sign_in_at_provider(configured, "entra-0002")
    assert other.status_code == 403
    assert "no recovery-care account linked" in other.text


def test_a_configured_claim_such_as_entra_oid_is_matched_instead_of_sub(configured):
    user = coordinator(username="by.oid")
    user.identity_subject = "oid-b"
    user.save()

    with override_settings(OIDC_MATCH_CLAIM="oid"):
        answer, _browser = sign_in_at_provider(configured, "entra-0002")
    assert answer.status_code == 302
    assert AccessLog.objects.filter(username="by.oid").exists()

    # Under the default claim, the same person's `sub` is not what the login carries.
    refused, _browser = sign_in_at_provider(configured, "entra-0002")
    assert refused.status_code == 403


def test_an_unknown_person_is_refused_and_no_login_is_made(configured):
    before = User.objects.count()

    answer, browser = sign_in_at_provider(configured, "entra-9999")

    assert answer.status_code == 403
    assert "You have not been signed in" in answer.text
    assert "no recovery-care account linked" in answer.text
    assert User.objects.count() == before
    assert browser.get(f"{configured}/caseload/", allow_redirects=False).status_code == 302


def test_service_users_never_sign_in_through_the_provider(configured):
    login = UserFactory.create(username="person.login")
    login.identity_subject = "entra-0001"
    login.save()
    ServiceUserFactory.create(user=login)

    answer, _browser = sign_in_at_provider(configured, "entra-0001")

    assert answer.status_code == 403


def test_the_provider_refusing_shows_a_page_saying_so(configured):
    twins()

    answer, browser = sign_in_at_provider(configured, None)

    assert answer.status_code == 403
    assert "did not sign you in" in answer.text
    assert browser.get(f"{configured}/caseload/", allow_redirects=False).status_code == 302


def test_a_replayed_answer_from_the_provider_is_refused_cleanly(configured):
    twins()
    first, _browser = sign_in_at_provider(configured, "entra-0001")
    callback = first.url

    replay = requests.get(callback, allow_redirects=False, timeout=10)

    assert parse_qs(urlsplit(callback).query)["code"]
    assert replay.status_code == 403
    assert "did not sign you in" in replay.text


def test_a_signing_key_the_provider_does_not_name_is_refused_not_a_server_error(configured):
    twins()

    with override_settings(OIDC_VERIFY_KID=True):
        answer, _browser = sign_in_at_provider(configured, "entra-0001")

    assert answer.status_code == 403
    assert "did not sign you in" in answer.text


@pytest.mark.django_db(transaction=False)
def test_linking_a_login_to_its_subject_refuses_service_users_and_taken_subjects():
    first = coordinator(username="first")
    second = coordinator(username="second")
    person_login = UserFactory.create(username="person.login")
    ServiceUserFactory.create(user=person_login)

    call_command("link_staff_identity", "first", "entra-0001", stdout=StringIO())

    first.refresh_from_db()
    assert first.identity_subject == "entra-0001"
    with pytest.raises(CommandError, match="already has that subject"):
        call_command("link_staff_identity", "second", "entra-0001", stdout=StringIO())
    with pytest.raises(CommandError, match="Service users"):
        call_command("link_staff_identity", "person.login", "entra-0003", stdout=StringIO())
    second.refresh_from_db()
    assert second.identity_subject is None
    call_command("link_staff_identity", "first", "--clear", stdout=StringIO())
    first.refresh_from_db()
    assert first.identity_subject is None
