"""Reading an instrument file into plain data, refusing what could hurt the server.

- Only UTF-8 text, and at most MAX_FILE_BYTES of it (an instrument is a few kilobytes).
- JSON or YAML by the file's suffix, each reported as itself when it does not parse.
- No YAML aliases: an alias repeats a node without repeating its text, so a few hundred bytes
  can stand for a structure that never fits in memory ("billion laughs").
- No key given twice in one mapping: a parser would keep one silently.
- No nesting deeper than MAX_DEPTH levels (an instrument needs four), no more than
  MAX_VALUES values (should a structure ever share its parts, walking it stays bounded), and
  no text that cannot be stored (a lone surrogate, as JSON's "\\ud800" can write).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .problems import InstrumentFileError, shown

MAX_FILE_BYTES = 1_000_000
MAX_DEPTH = 16
MAX_VALUES = 100_000  # far more than an instrument holds, few enough to walk at once
TOO_DEEP = f"it nests more than {MAX_DEPTH} levels deep (an instrument needs four)"


class _DuplicateKey(ValueError):
    pass


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(f"the key '{shown(key)}' is given twice in one object")
        found[key] = value
    return found


class _InstrumentYamlLoader(yaml.SafeLoader):
    """Safe YAML without aliases and without keys given twice."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) cannot be used in an instrument file", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            try:
                duplicate = key in seen
            except TypeError:
                continue  # unhashable: the constructor says so itself
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, f"the key '{shown(key)}' is given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _walk_problem(data: Any) -> str | None:
    """Why `data` cannot be taken whatever it says, or None: too deep, or unstorable text."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    walked = 0
    while stack:
        value, depth = stack.pop()
        walked += 1
        if walked > MAX_VALUES:
            return f"it holds more than {MAX_VALUES:,} values (an instrument holds a few hundred)"
        if depth > MAX_DEPTH:
            return TOO_DEEP
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                return f"the text '{shown(value)}' holds a lone surrogate, which is not text"
        elif isinstance(value, dict):
            stack.extend((part, depth + 1) for pair in value.items() for part in pair)
        elif isinstance(value, list):
            stack.extend((part, depth + 1) for part in value)
    return None


def _parse(text: str, kind: str) -> Any:
    if kind == "JSON":
        return json.loads(text, object_pairs_hook=_json_object)
    return yaml.load(text, Loader=_InstrumentYamlLoader)  # noqa: S506 (a SafeLoader)


def read_instrument_file(path: Path) -> dict[str, Any]:
    """Parse a .json, .yaml or .yml file into plain data, or InstrumentFileError saying why
    not."""
    suffix = path.suffix.lower()
    kind = {".json": "JSON", ".yaml": "YAML", ".yml": "YAML"}.get(suffix)
    if kind is None:
        raise InstrumentFileError(
            [
                f"{path.name}: use a .json, .yaml or .yml file (got '{shown(suffix or 'no suffix')}')."
            ]
        )
    with path.open("rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise InstrumentFileError(
            [f"{path.name} is larger than {MAX_FILE_BYTES:,} bytes: an instrument is far smaller."]
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InstrumentFileError(
            [
                f"{path.name} is not UTF-8 text (byte {exc.start + 1} cannot be read as "
                f"UTF-8): save it as UTF-8 and try again."
            ]
        ) from None
    try:
        data = _parse(text, kind)
    except RecursionError:
        raise InstrumentFileError([f"{path.name} is not valid {kind}: {TOO_DEEP}."]) from None
    except (ValueError, yaml.YAMLError) as exc:
        raise InstrumentFileError([f"{path.name} is not valid {kind}: {exc}"]) from None
    if (unusable := _walk_problem(data)) is not None:
        raise InstrumentFileError([f"{path.name} cannot be used: {unusable}."])
    if not isinstance(data, dict):
        raise InstrumentFileError(["The file must hold one instrument (a mapping of fields)."])
    return data
