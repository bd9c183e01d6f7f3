"""Instrument files that cannot hurt the server: clear, short errors for files that are not
UTF-8, YAML bombs, deep nesting, repeated or impossible lookup keys and numbers no column
holds; `--check` passes only what loads; one slip is reported once."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from surveys.choices import Channel
from surveys.instrument_files import InstrumentFileError, check_instrument
from surveys.models import Instrument
from surveys.services import instrument_load, response_record
from tests.audit import audit_as

DATA = Path(__file__).parent / "data"
MEASURE = json.loads((DATA / "fictional_measure.json").read_text())
KEY = MEASURE["key"]

# 570 bytes of YAML whose aliases stand for 9^9 copies of "lol".
ALIAS_BOMB = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
key: *i
version: *i
title: *i
items: *i
scoring: *i
"""
ALIAS_BOMB += "#" * (569 - len(ALIAS_BOMB)) + "\n"  # as long as the bomb first reported


def run(path: Path, *flags: str) -> str:
    """The command's output, or its error message; never a traceback."""
    out = StringIO()
    try:
        call_command("load_instrument", str(path), *flags, stdout=out)
    except CommandError as exc:
        return f"ERROR {exc}"
    return out.getvalue()


def problems_of(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InstrumentFileError) as caught:
        check_instrument(data)
    return caught.value.problems


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_a_file_that_is_not_utf8_gets_a_clear_error(tmp_path, db):
    text = json.dumps(MEASURE, ensure_ascii=False).replace("Never", "Jamais été")
    path = _write(tmp_path, "latin1.json", text.encode("latin-1"))

    said = run(path, "--check")

    assert said.startswith("ERROR latin1.json has problems")
    assert "is not UTF-8 text" in said and "save it as UTF-8" in said
    assert len(said) < 400


def test_a_570_byte_alias_bomb_gets_a_short_message(tmp_path, db):
    path = _write(tmp_path, "bomb.yaml", ALIAS_BOMB)
    assert len(ALIAS_BOMB.encode()) == 570

    said = run(path, "--check")

    assert "aliases (*name) cannot be used" in said
    assert len(said) < 1000


def test_yaml_anchors_and_aliases_are_refused_even_when_harmless(tmp_path, db):
    text = (DATA / "fictional_two_domains.yaml").read_text()
    text = text.replace("scale: agree4}", "scale: &s agree4}", 1).replace(
        "domain: control, scale: agree4}", "domain: control, scale: *s}", 1
    )
    said = run(_write(tmp_path, "aliased.yaml", text))
    assert "aliases (*name) cannot be used" in said
    assert not Instrument.objects.filter(key="fictional-two-domains").exists()


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_deep_json_file_is_reported_as_json(tmp_path, db, depth):
    data = copy.deepcopy(MEASURE)
    data["introduction"] = json.loads("[" * 40 + "]" * 40) if depth == 40 else ""
    text = json.dumps(data) if depth == 40 else "[" * depth + "]" * depth

    said = run(_write(tmp_path, "deep.json", text), "--check")

    assert "nests more than 16 levels deep" in said
    assert "YAML" not in said
    assert len(said) < 400


def test_a_deep_yaml_file_is_reported_as_yaml(tmp_path, db):
    said = run(_write(tmp_path, "deep.yaml", "[" * 5000 + "]" * 5000), "--check")
    assert "is not valid YAML" in said and "nests more than 16 levels deep" in said


def test_a_key_given_twice_in_the_file_is_an_error(tmp_path, db):
    text = json.dumps(MEASURE).replace('"lookup": {', '"lookup": {"9": 1.0, ', 1)
    said = run(_write(tmp_path, "twice.json", text), "--check")
    assert "the key '9' is given twice in one object" in said

    yaml_text = "key: one\nkey: two\n"
    said = run(_write(tmp_path, "twice.yaml", yaml_text), "--check")
    assert "the key 'key' is given twice" in said


def test_a_raw_total_given_twice_under_two_spellings_is_an_error():
    data = copy.deepcopy(MEASURE)
    data["scoring"][0]["lookup"]["09"] = 1.0
    assert "Scoring for 'other': the lookup table gives raw total 9 more than once." in (
        problems_of(data)
    )


def test_a_lookup_key_outside_the_raw_totals_is_an_error():
    data = copy.deepcopy(MEASURE)
    data["scoring"][0]["lookup"]["36"] = 99.0
    data["scoring"][0]["lookup"]["-1"] = 0.0
    problems = problems_of(data)
    assert (
        "Scoring for 'other': lookup key 36 is not a raw total this domain can have (7 to 35)."
        in problems
    )
    assert any("lookup key -1 is not a raw total" in p for p in problems)


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_in_a_lookup_table_are_errors(tmp_path, db, value):
    data = copy.deepcopy(MEASURE)
    data["scoring"][0]["lookup"]["9"] = float(value.replace("Infinity", "inf"))
    path = _write(tmp_path, "nan.json", json.dumps(data))
    assert f'"9": {value}' in path.read_text()

    said = run(path, "--check")

    assert "lookup value for raw total 9 must be a number" in said
    assert not Instrument.objects.filter(key=KEY).exists()


def test_one_misspelt_scale_is_reported_where_it_is_and_nowhere_else():
    data = copy.deepcopy(MEASURE)
    data["scales"]["oftn5"] = data["scales"].pop("often5")

    problems = problems_of(data)

    assert problems == [f"Item {n}: unknown scale 'often5'." for n in range(1, 8)]


def test_one_bad_item_does_not_make_its_domain_look_short_of_items_or_totals():
    data = copy.deepcopy(MEASURE)
    data["items"][3]["domain"] = "Other"

    problems = problems_of(data)

    assert problems == [
        "Item 4: domain 'Other' is not a name to use (lower-case letters, digits, '_' or '-', "
        "up to 40 characters)."
    ]


def test_a_rule_with_an_unreadable_domain_does_not_orphan_every_item():
    data = copy.deepcopy(MEASURE)
    data["scoring"][0]["domain"] = "Other things"
    problems = problems_of(data)
    assert len(problems) == 1 and "Scoring rule 1: domain 'Other things'" in problems[0]


def test_a_report_of_many_problems_is_bounded(tmp_path, db):
    data = copy.deepcopy(MEASURE)
    data["items"] = [
        {"number": n, "text": "x" * 600, "domain": "other", "scale": "nope" * 100}
        for n in range(1, 150)
    ]
    said = run(_write(tmp_path, "many.json", json.dumps(data)), "--check")
    assert "more problems" in said
    assert len(said) < 60 * 310


def test_control_characters_from_the_file_are_not_echoed_to_the_terminal(tmp_path, db):
    data = copy.deepcopy(MEASURE)
    data["items"][0]["scale"] = "\x1b[2Jgone"
    said = run(_write(tmp_path, "esc.json", json.dumps(data)), "--check")
    assert "\x1b" not in said
    assert "\\x1b[2Jgone" in said


# --- what --check passes always loads ----------------------------------------------------------


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _many_items(count: int, top: int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["scales"]["wide"] = [{"value": 0, "label": "None"}, {"value": top, "label": "All"}]
        data["items"] = [
            {"number": n, "text": f"Statement {n}", "domain": "other", "scale": "wide"}
            for n in range(1, count + 1)
        ]
        data["scoring"] = [{"domain": "other", "method": "sum", "min_answered": count}]

    return change


def _scored_by_mean(top: int) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["scales"]["often5"][4]["value"] = top
        data["scoring"] = [{"domain": "other", "method": "mean", "min_answered": 1}]

    return change


# Each edge: how it changes the file, and whether the file should then load.
EDGES: dict[str, tuple[Callable[[dict[str, Any]], None], bool]] = {
    "title of 200 characters": (_set(("title",), "T" * 200), True),
    "title of 201 characters": (_set(("title",), "T" * 201), False),
    "title with a right-to-left override": (_set(("title",), "Calm \u202escale"), False),
    "key of 60 characters": (_set(("key",), "k" * 60), True),
    "key of 61 characters": (_set(("key",), "k" * 61), False),
    "key with an accented letter": (_set(("key",), "clé"), False),
    "largest version": (_set(("version",), 2_147_483_647), True),
    "version past the column": (_set(("version",), 2_147_483_648), False),
    "item text of 500 characters": (_set(("items", 0, "text"), "t" * 500), True),
    "item text of 501 characters": (_set(("items", 0, "text"), "t" * 501), False),
    "hint of 301 characters": (_set(("items", 0, "hint"), "h" * 301), False),
    "item numbered 32767": (_set(("items", 0, "number"), 32_767), True),
    "item numbered 32768": (_set(("items", 0, "number"), 32_768), False),
    "label of 100 characters": (_set(("scoring", 0, "label"), "L" * 100), True),
    "label of 101 characters": (_set(("scoring", 0, "label"), "L" * 101), False),
    "min_answered past the column": (_set(("scoring", 0, "min_answered"), 40_000), False),
    "scale point labelled with NUL": (_set(("scales", "often5", 0, "label"), "Ne\x00ver"), False),
    "scale point labelled with a lone surrogate": (
        _set(("scales", "often5", 0, "label"), "Ne\ud800ver"),
        False,
    ),
    "scale value 1000": (_scored_by_mean(1000), True),
    "scale value past the answer column": (_scored_by_mean(40_000), False),
    "lookup value 1e300": (_set(("scoring", 0, "lookup", "9"), 1e300), False),
    "lookup value 49999.99": (_set(("scoring", 0, "lookup", "9"), 49999.99), True),
    "lookup value 50000": (_set(("scoring", 0, "lookup", "9"), 50_000), False),
    "lookup value NaN": (_set(("scoring", 0, "lookup", "9"), float("nan")), False),
    "200 items summing to 40000": (_many_items(200, 200), True),
    "60 items summing past the score column": (_many_items(60, 1000), False),
    "201 items": (_many_items(201, 1), False),
}


@pytest.mark.parametrize("edge", EDGES)
def test_a_file_that_check_passes_always_loads_and_one_it_fails_never_does(tmp_path, db, edge):
    data = copy.deepcopy(MEASURE)
    change, should_load = EDGES[edge]
    change(data)
    path = _write(tmp_path, "edge.json", json.dumps(data))

    checked = run(path, "--check")
    loaded = run(path)

    assert checked.startswith("ERROR") != should_load, checked
    if checked.startswith("ERROR"):
        assert loaded == checked, "the load refused it for the same reasons"
        assert not Instrument.objects.filter(key=data["key"]).exists()
        assert len(checked) < 2000
    else:
        assert "is fine" in checked
        assert loaded.startswith("Loaded"), loaded
        assert Instrument.objects.filter(key=data["key"], version=data["version"]).exists()


def test_check_refuses_a_version_that_already_has_responses(tmp_path, world):
    instrument, _ = instrument_load(checked=check_instrument(MEASURE))
    response_record(
        actor=world.user("service_user"),
        audit=audit_as(world.user("service_user")),
        service_user=world.person,
        channel=Channel.SIGNED_IN,
        idempotency_key=uuid.uuid4(),
        answers=dict.fromkeys(range(1, 8), 3),
        instrument=instrument,
    )
    path = _write(tmp_path, "again.json", json.dumps(MEASURE | {"title": "Renamed"}))

    said = run(path, "--check")

    assert "already has responses" in said and "version 2 (or higher)" in said
    instrument.refresh_from_db()
    assert instrument.title == MEASURE["title"]
