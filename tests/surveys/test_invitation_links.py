"""What a one-time link looks like: the address sent to the person, the strength of its token,
and the short browser name the audit shows."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from surveys.services import invitations


@pytest.mark.parametrize("site", ["https://care.example.nhs.uk", "https://care.example.nhs.uk/"])
def test_the_link_sent_is_the_site_address_and_the_check_in_path_with_one_slash(site):
    with override_settings(SITE_URL=site):
        url = invitations.invitation_url("tok3n")

    assert url == "https://care.example.nhs.uk" + reverse(
        "surveys:invitation", kwargs={"token": "tok3n"}
    )
    assert "//" not in url.removeprefix("https://")


def test_a_new_token_carries_256_random_bits_and_only_its_hash_is_kept():
    token, hashed = invitations._new_token()
    other, _ = invitations._new_token()

    assert len(token) == 43  # 32 random bytes, URL-safe base 64 without padding
    assert token != other
    assert hashed == invitations.hash_token(token) and token not in hashed


def test_the_audit_names_a_browser_by_ten_characters_that_do_not_reveal_its_key():
    label = invitations.browser_label("browser-key-1")

    assert len(label) == 10
    assert label != invitations.browser_label("browser-key-2")
    assert "browser-key-1" not in invitations.link_actor("browser-key-1")
    assert invitations.link_actor("browser-key-1").endswith(f", browser {label}")
