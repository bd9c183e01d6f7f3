"""gunicorn's access log without secrets: one-time tokens in paths and every query string are
dropped before a line is written (gunicorn.conf.py names this logger for every command)."""

from __future__ import annotations

import re
from typing import Any

from gunicorn.glogging import Logger

# Paths whose last segments are one-time secrets: the check-in link and the password reset link.
TOKEN_PATHS = re.compile(
    r"(/check-in/link/|/account/password-reset/[^/\s?]+/)(?!set-password/)[^/\s?]+"
)
QUERY = re.compile(r"\?[^\s\"]*")

# The atoms that carry a URL: the request line, path, query and referrer.
URL_ATOMS = ("r", "U", "f")


def redact(text: str) -> str:
    return TOKEN_PATHS.sub(r"\1…", QUERY.sub("", text))


class RedactingLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["q"] = atoms["{query_string}e"] = ""
        for key, value in atoms.items():
            # Headers and environ values too: PATH_INFO, RAW_URI, REQUEST_URI, Referer.
            if isinstance(value, str) and (key in URL_ATOMS or key.endswith(("}e", "}i"))):
                atoms[key] = redact(value)
        return atoms
