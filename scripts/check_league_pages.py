"""Sign in as the demo QA manager and fetch the league pages, their files and the league API.

Usage: python scripts/check_league_pages.py http://127.0.0.1:8000 [--recompute]

Fails (exit 1) on any answer but 200, on a league page without a team's figures, and on an API
answer without rows. Standard library only, so it runs wherever the server does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.cookiejar
import json
import re
import struct
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

USERNAME = "qa"
PASSWORD = "recovery-care-demo"  # noqa: S105 - the demo data's shared password, development only
# The demo staff's shared authenticator key (README, "Demo sign-ins"): demo data only.
DEMO_AUTHENTICATOR_KEY = "OJSWG33WMVZHSLLDMFZGKLLEMVWW6IJB"
TEAM_LINK = re.compile(r'href="(/league/teams/[0-9a-f-]{36}/)"')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def authenticator_code(secret: str, now: float | None = None) -> str:
    """The 6-digit time-based code (RFC 6238, 30-second steps) an authenticator app shows."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = struct.pack(">Q", int((time.time() if now is None else now) // 30))
    digest = hmac.new(key, counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Check:
    def __init__(self, base: str) -> None:
        if urllib.parse.urlsplit(base).scheme not in {"http", "https"}:
            raise ValueError(f"not a web address: {base}")
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.failures: list[str] = []

    def fetch(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """Status, final path and body; a redirect is followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)  # noqa: S310 - http(s) only
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                final = urllib.parse.urlsplit(response.geturl()).path
                return response.status, final, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as error:
            return error.code, path, error.read().decode("utf-8", "replace")

    def expect(self, path: str, data: dict[str, str] | None = None, *, final: str = "") -> str:
        status, reached, body = self.fetch(path, data)
        verb = "POST" if data is not None else "GET"
        if status != 200 or (final and not reached.startswith(final)):
            self.failures.append(f"{verb} {path} answered {status} at {reached}")
        else:
            print(f"200 {verb} {path}")
        return body

    def csrf(self, path: str) -> str:
        found = CSRF_FIELD.search(self.expect(path))
        return found.group(1) if found else ""

    def sign_in(self) -> None:
        token = self.csrf("/account/sign-in/")
        self.expect(
            "/account/sign-in/",
            {"csrfmiddlewaretoken": token, "username": USERNAME, "password": PASSWORD},
        )
        if not any(cookie.name == "sessionid" for cookie in self.jar):
            self.failures.append(f"signing in as {USERNAME} made no session")
        # Staff who sign in with a password then enter their authenticator app's code.
        token = self.csrf("/account/two-factor/")
        self.expect(
            "/account/two-factor/",
            {"csrfmiddlewaretoken": token, "code": authenticator_code(DEMO_AUTHENTICATOR_KEY)},
            final="/",
        )

    def run(self, *, recompute: bool) -> int:
        self.sign_in()
        league = self.expect("/league/", final="/league/")
        teams = TEAM_LINK.findall(league)
        if not teams:
            self.failures.append("the league page links to no team: no figures?")
        else:
            self.expect(teams[0])
            self.expect(teams[0] + "team-series.csv")
        self.expect("/league/league-table.csv")
        self.expect("/league/other-trusts/")
        self.expect("/league/other-trusts/benchmark.csv")
        api = self.expect("/api/league-table/")
        try:
            if not json.loads(api).get("rows"):
                self.failures.append("the league API has no rows")
        except ValueError:
            self.failures.append("the league API did not answer JSON")
        if recompute:
            token = self.csrf("/league/recompute/")
            self.expect(
                "/league/recompute/", {"csrfmiddlewaretoken": token}, final="/league/recompute/"
            )
        for failure in self.failures:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1 if self.failures else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    return Check(argv[0]).run(recompute="--recompute" in argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
