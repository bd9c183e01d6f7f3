"""Idle sessions that end after SESSION_COOKIE_AGE without writing the session on every request.

Django's way to end idle sessions, SESSION_SAVE_EVERY_REQUEST, rewrites the session row on every
page: an UPDATE and its savepoint each time. Here the store remembers the expiry it read, and the
middleware saves (pushing the expiry on by SESSION_COOKIE_AGE) only once that stored expiry is
SESSION_TOUCH_SECONDS old. A session therefore ends between SESSION_COOKIE_AGE minus that minute
and SESSION_COOKIE_AGE after its last request: never later than the idle limit.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """The database store, keeping the expiry of the row it loaded."""

    stored_expiry: datetime.datetime | None = None

    def _get_session_from_db(self) -> Session | None:
        session = super()._get_session_from_db()  # type: ignore[misc]  # not in the stubs
        self.stored_expiry = session.expire_date if session is not None else None
        return session

    def needs_touch(self) -> bool:
        """Whether the stored expiry was last pushed on more than a minute ago."""
        if self.stored_expiry is None:
            return False  # a new or empty session: saved when something is put in it
        saved_at = self.stored_expiry - datetime.timedelta(seconds=self.get_session_cookie_age())
        return timezone.now() - saved_at >= datetime.timedelta(
            seconds=settings.SESSION_TOUCH_SECONDS
        )


def seconds_left(session: object) -> int:
    """How long the signed-in session has before it ends if nothing else is asked of the
    server, for the page's timeout warning: the full idle time where this response pushes the
    expiry on, otherwise what is left of the stored expiry."""
    age = settings.SESSION_COOKIE_AGE
    if not isinstance(session, SessionStore) or session.stored_expiry is None:
        return age
    if session.needs_touch() or session.modified:
        return age
    return max(0, int((session.stored_expiry - timezone.now()).total_seconds()))


class IdleSessionMiddleware(SessionMiddleware):
    """Django's session middleware, marking a loaded session for saving once its expiry is stale."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if (
            isinstance(session, SessionStore)
            and session.accessed
            and not session.is_empty()
            and session.needs_touch()
        ):
            session.modified = True
        return super().process_response(request, response)
