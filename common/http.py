"""Who is on the other end of a request, behind a known number of trusted proxies."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """The address of the client, counting `TRUSTED_PROXY_COUNT` proxies in front of us.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so
    the entry the outermost trusted proxy wrote is the client; anything to its left came from the
    client and may be forged. With no trusted proxy the header is ignored altogether.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    hops = settings.TRUSTED_PROXY_COUNT
    if hops <= 0:
        return remote
    forwarded = [
        entry.strip()
        for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if entry.strip()
    ]
    if len(forwarded) < hops:
        # Fewer entries than proxies: the request did not come through all of them.
        return remote
    return forwarded[-hops][:45]
