"""Checking an instrument's data before it is loaded: every problem at once, each in words a
person can act on, and nothing the load would still refuse (a file that passes always loads).

Two rules keep the report honest. A problem is said once, where it is: an item whose scale or
domain is wrong is left out of its domain's counts, and the checks that depend on those counts
(items per domain, `min_answered`, a lookup table's range) are not made for that domain, so one
slip does not come back as several misleading ones. And the stored fields are checked by the
models' own validators (`_stored_field_problems`): lengths, ranges and plain text are whatever
the database columns say.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from common.validators import validate_name

from ..models import Instrument, Item, ScoringRule
from .checked import CheckedInstrument, CheckedItem, Report, text_of, whole_number
from .problems import InstrumentFileError, shown
from .rules import MAX_ANSWERED, check_rule

DOMAIN_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
SLUG_RULE = "lower-case letters, digits, '_' or '-', up to 40 characters"
MAX_ITEMS = MAX_ANSWERED  # a check-in people answer; also bounds a lookup's range
MAX_VERSION = 2_147_483_647  # the column's range
MAX_ITEM_NUMBER = 32_767  # the column's range
SCALE_VALUES = (-1000, 1000)
SCALE_LABEL_CHARACTERS = 100


def _check_scale(points: Any, name: str, report: Report) -> list[dict[str, Any]] | None:
    """The scale's points, lowest first; None when it has a problem (reported here)."""
    where = f"Scale '{shown(name)}'"
    if not isinstance(points, list) or not points:
        report.add(f"{where} has no points: give a list of values with labels.")
        return None
    low, high = SCALE_VALUES
    checked: list[dict[str, Any]] = []
    sound = True
    for index, point in enumerate(points, start=1):
        if not isinstance(point, dict):
            report.add(f"{where}, point {index}: give a value and a label.")
            sound = False
            continue
        value = whole_number(point.get("value"))
        label = point.get("label")
        if value is None:
            report.add(f"{where}, point {index}: the value must be a whole number.")
        elif not low <= value <= high:
            report.add(f"{where}, point {index}: the value must be from {low} to {high}.")
            value = None
        if not isinstance(label, str) or not label.strip():
            report.add(f"{where}, point {index}: every point needs a label.")
            label = None
        elif len(label.strip()) > SCALE_LABEL_CHARACTERS:
            report.add(f"{where}, point {index}: the label is longer than 100 characters.")
            label = None
        else:
            try:
                validate_name(label)
            except ValidationError as exc:
                report.add(f"{where}, point {index}: {exc.messages[0]}")
                label = None
        if value is None or label is None:
            sound = False
        else:
            checked.append({"value": value, "label": label.strip()})
    values = [p["value"] for p in checked]
    if len(set(values)) != len(values):
        report.add(f"{where} uses the same value twice.")
        sound = False
    if sound and len(checked) == 1:
        report.add(f"{where} needs at least two points.")
        sound = False
    return sorted(checked, key=lambda p: p["value"]) if sound else None


def _check_items(
    raw_items: Any, scales: dict[str, list[dict[str, Any]] | None], report: Report
) -> list[CheckedItem]:
    if not isinstance(raw_items, list) or not raw_items:
        report.add("Instrument: 'items' must list at least one item.")
        return []
    if len(raw_items) > MAX_ITEMS:
        report.add(f"Instrument: an instrument has at most {MAX_ITEMS} items.")
        return []
    checked: list[CheckedItem] = []
    seen_numbers: set[int] = set()
    for index, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            report.add(f"Item {index} in the list: give its number, text, domain and scale.")
            report.item_without_domain = True
            continue
        number = whole_number(raw.get("number"))
        where = f"Item {number if number is not None else f'at position {index}'}"
        sound = True
        if number is None or not 1 <= number <= MAX_ITEM_NUMBER:
            report.add(f"{where}: 'number' must be a whole number from 1 to {MAX_ITEM_NUMBER}.")
            sound = False
        elif number in seen_numbers:
            report.add(f"Item number {number} is used more than once.")
            sound = False
        else:
            seen_numbers.add(number)
        text = text_of(raw, "text", report, where, required=True)
        hint = text_of(raw, "hint", report, where, required=False)
        domain = raw.get("domain")
        if not isinstance(domain, str) or not DOMAIN_SLUG.match(domain):
            report.add(f"{where}: domain '{shown(domain)}' is not a name to use ({SLUG_RULE}).")
            report.item_without_domain = True
            continue
        scale_ref = raw.get("scale")
        if isinstance(scale_ref, str):
            if scale_ref not in scales:
                report.add(f"{where}: unknown scale '{shown(scale_ref)}'.")
            scale = scales.get(scale_ref)
        else:
            scale = _check_scale(scale_ref, f"of item {number}", report)
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            report.add(f"{where}: 'reverse' must be true or false.")
        if not sound or scale is None or number is None:
            report.unsure_domains.add(domain)
            continue
        checked.append(CheckedItem(number, text, hint, domain, scale, reverse is True))
    return checked


def _stored_field_problems(checked: CheckedInstrument, report: Report) -> None:
    """What the models' own validators say of each row the load would store."""
    rows: list[tuple[str, models.Model]] = [
        (
            "Instrument",
            Instrument(
                key=checked.key,
                version=checked.version,
                title=checked.title,
                introduction=checked.introduction,
                licence_note=checked.licence_note,
            ),
        )
    ]
    rows += [
        (
            f"Item {item.number}",
            Item(number=item.number, text=item.text, hint=item.hint, domain=item.domain),
        )
        for item in checked.items
    ]
    rows += [
        (
            f"Scoring for '{rule.domain}'",
            ScoringRule(domain=rule.domain, label=rule.label, min_answered=rule.min_answered),
        )
        for rule in checked.rules
    ]
    for where, row in rows:
        try:
            row.clean_fields(exclude=["instrument", "scale", "lookup", "kind", "method"])
        except ValidationError as exc:
            for name, errors in exc.error_dict.items():
                # An empty required field was reported in the file's own words above.
                said = [e for e in errors if e.code not in ("blank", "null", "required")]
                if said:
                    report.add(f"{where}: '{name}': {' '.join(said[0].messages)}")


def check_instrument(data: dict[str, Any]) -> CheckedInstrument:
    """The instrument described by `data`, or InstrumentFileError listing every problem."""
    report = Report()
    key = text_of(data, "key", report, "Instrument", required=True)
    version = whole_number(data.get("version"))
    if version is None or not 1 <= version <= MAX_VERSION:
        report.add(f"Instrument: 'version' must be a whole number from 1 to {MAX_VERSION}.")
    checked = CheckedInstrument(
        key=key,
        version=version or 1,
        title=text_of(data, "title", report, "Instrument", required=True),
        introduction=text_of(data, "introduction", report, "Instrument", required=False),
        licence_note=text_of(data, "licence_note", report, "Instrument", required=False),
    )

    raw_scales = data.get("scales", {}) or {}
    if not isinstance(raw_scales, dict):
        report.add("'scales' must map each scale's name to its points.")
        raw_scales = {}
    scales = {
        str(name): _check_scale(points, str(name), report) for name, points in raw_scales.items()
    }
    checked.items = _check_items(data.get("items"), scales, report)

    raw_rules = data.get("scoring")
    if not isinstance(raw_rules, list) or not raw_rules:
        report.add("Instrument: 'scoring' must give at least one domain's rule.")
        raw_rules = []
    seen_domains: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        domain = raw.get("domain") if isinstance(raw, dict) else None
        if not isinstance(raw, dict):
            report.add(f"Scoring rule {index}: give its domain and method.")
            report.rule_without_domain = True
        elif not isinstance(domain, str) or not DOMAIN_SLUG.match(domain):
            report.add(
                f"Scoring rule {index}: domain '{shown(domain)}' is not a name to use "
                f"({SLUG_RULE})."
            )
            report.rule_without_domain = True
        elif domain in seen_domains:
            report.add(f"Scoring for '{domain}' is given more than once.")
        else:
            seen_domains.add(domain)
            checked.rules.append(check_rule(raw, domain, checked.items, report))
    if not report.rule_without_domain:  # else the item's rule may be the unreadable one
        for domain in sorted({item.domain for item in checked.items} - seen_domains):
            number = min(item.number for item in checked.items if item.domain == domain)
            report.add(
                f"Item {number}: domain '{domain}' has no scoring rule (give it one in "
                "'scoring', or use a domain that has one)."
            )
    _stored_field_problems(checked, report)
    if report.problems:
        raise InstrumentFileError(report.problems)
    return checked
