"""What a problem with an instrument file looks like, and how much of the file it may quote.

A message quotes the file's content only through `shown`, which cuts it short and escapes what
a terminal would act on, and a report holds a bounded number of bounded lines: whatever the
file holds, what the operator reads stays a few kilobytes.
"""

from __future__ import annotations

import re
from typing import Any

SHOWN_CHARACTERS = 40
PROBLEM_CHARACTERS = 300
MAX_PROBLEMS = 50
# What a terminal acts on, or that makes text read otherwise than it is: never printed as is.
_UNPRINTABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class InstrumentFileError(Exception):
    """Everything wrong with an instrument file, each problem on its own line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = bounded(problems)
        super().__init__("\n".join(self.problems))


def bounded(problems: list[str]) -> list[str]:
    """At most MAX_PROBLEMS lines of at most PROBLEM_CHARACTERS each."""
    lines = [_cut(_escaped(problem), PROBLEM_CHARACTERS) for problem in problems[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        lines.append(f"... and {len(problems) - MAX_PROBLEMS} more problems.")
    return lines


def _escaped(text: str) -> str:
    return _UNPRINTABLE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value: Any) -> str:
    """A value from the file as a message may quote it: short, one line, escaped."""
    if isinstance(value, bool) or value is None:
        return str(value).lower() if value is not None else "null"
    if isinstance(value, int):
        return str(value) if value.bit_length() <= 64 else "a very large number"
    if isinstance(value, float):
        return repr(value)
    if not isinstance(value, str):
        # Never the container itself: a nested value can print as more text than memory holds.
        return (
            "a mapping"
            if isinstance(value, dict)
            else "a list"
            if isinstance(value, list)
            else "a value"
        )
    escaped = value.encode("unicode_escape", errors="backslashreplace").decode("ascii")
    return _cut(escaped, SHOWN_CHARACTERS)
