"""The benchmark's baseline page: mounted only where BENCH_HELLO is on, and signed in even then."""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest
from django.test import override_settings
from django.urls import NoReverseMatch, clear_url_caches, reverse

import recovery_site.urls

pytestmark = pytest.mark.django_db


def _reload_urls() -> None:
    importlib.reload(recovery_site.urls)
    clear_url_caches()


@pytest.fixture
def bench_hello_on() -> Iterator[None]:
    with override_settings(BENCH_HELLO=True):
        _reload_urls()
        yield
    _reload_urls()  # back to the URL conf every other test sees, with the page unmounted


def test_the_page_does_not_exist_when_the_setting_is_off(client, world):
    # Given the default settings, when anybody asks for the page, then there is no such page.
    client.force_login(world.user("team_leader"))

    with pytest.raises(NoReverseMatch):
        reverse("bench_hello")
    assert client.get("/bench/hello/").status_code == 404


def test_signed_in_staff_get_the_tiny_page_without_a_query_of_its_own(
    bench_hello_on, client, world, django_assert_max_num_queries
):
    client.force_login(world.user("care_coordinator"))

    # Only what middleware does on every page: read the session and the user (the session is
    # written at most once a minute, so not here).
    with django_assert_max_num_queries(2):
        response = client.get(reverse("bench_hello"))

    assert response.status_code == 200
    assert "<h1>Hello</h1>" in response.content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(bench_hello_on, client):
    response = client.get("/bench/hello/")

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
