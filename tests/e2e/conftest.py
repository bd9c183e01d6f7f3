"""Browser tests: Playwright driving chromium against the live test server. The browser is
Debian's /usr/bin/chromium unless CHROMIUM names another (`make test` sets it to the one it found
or installed, which may be Playwright's own).

Every page a test visits is checked with axe-core (WCAG 2.2 A/AA) through `check_page`, and any
console error (a script failure or a Content Security Policy violation) fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

from recovery_site.two_factor import SECOND_FACTOR_SESSION_KEY

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
SCREENSHOTS = os.environ.get("SCREENSHOTS")  # a folder: save a picture of every checked page
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture
def context(context, live_server):
    # axe arrives as an init script, which the page's CSP does not govern.
    context.add_init_script(path=str(AXE))
    # Nothing leaves the machine: the NHS font host and anything else off-site is refused.
    origin = live_server.url
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith(origin) else route.abort(),
    )
    return context


@pytest.fixture
def page(page):
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    yield page
    real = [e for e in errors if "net::ERR_FAILED" not in e and "assets.nhs.uk" not in e]
    assert not real, f"console errors: {real}"


def sign_in(context, live_server, user) -> None:
    """Sign in by giving the browser a session cookie, as if the person had signed in."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session[SECOND_FACTOR_SESSION_KEY] = "test browser sign-in"  # the code page, passed
    session.create()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def check_page(page, name: str | None = None) -> None:
    """Fail on any WCAG 2.2 A/AA violation axe finds; save a screenshot when asked."""
    page.wait_for_load_state("load")
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in v["nodes"][:5])
        for v in result["violations"]
    ]
    if SCREENSHOTS and name:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
    assert not violations, f"axe found problems on {page.url}:\n" + "\n".join(violations)
