"""Checking an instrument file (JSON or YAML) before it is loaded, with errors a person can act on.

The shape, in JSON (YAML is the same structure):

    {"key": "wellbeing-check", "version": 1, "title": "...", "introduction": "...",
     "licence_note": "...",
     "scales": {"agree5": [{"value": 1, "label": "Strongly disagree"}, ...]},
     "items": [{"number": 1, "text": "...", "hint": "", "domain": "hope",
                "scale": "agree5", "reverse": false}, ...],
     "scoring": [{"domain": "hope", "label": "Hope", "kind": "wellbeing",
                  "higher_is_better": true, "method": "mean", "min_answered": 2},
                 {"domain": "wellbeing_total", "method": "sum", "min_answered": 7,
                  "lookup": {"7": 7.0, "8": 9.5, ...}}]}

An item's "scale" is the name of a scale above or a list of points of its own. A domain is any
slug (lower-case letters, digits, "_" or "-", up to 40 characters) that has a scoring rule. A
rule's "label" is the domain's name as shown (default: made from the slug); "kind" is
"wellbeing" (how the person is doing, compared between teams as distance travelled, the default)
or "service" (how much the team helped, compared as levels); "higher_is_better" (default true)
says which way is an improvement.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .choices import DomainKind, ScoringMethod
from .models.instruments import domain_label

DOMAIN_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class InstrumentFileError(Exception):
    """Everything wrong with an instrument file, each problem on its own line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class CheckedItem:
    number: int
    text: str
    hint: str
    domain: str
    scale: list[dict[str, Any]]
    reverse: bool


@dataclass
class CheckedRule:
    domain: str
    method: str
    min_answered: int
    lookup: dict[str, float] | None
    label: str = ""
    kind: str = DomainKind.WELLBEING
    higher_is_better: bool = True


@dataclass
class CheckedInstrument:
    key: str
    version: int
    title: str
    introduction: str
    licence_note: str
    items: list[CheckedItem] = field(default_factory=list)
    rules: list[CheckedRule] = field(default_factory=list)


def read_instrument_file(path: Path) -> dict[str, Any]:
    """Parse a .json, .yaml or .yml file into plain data."""
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            data = json.loads(text)
        elif suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            raise InstrumentFileError(
                [f"{path.name}: use a .json, .yaml or .yml file (got '{suffix or 'no suffix'}')."]
            )
    except (json.JSONDecodeError, ValueError) as exc:
        raise InstrumentFileError(
            [f"{path.name} is not valid {suffix[1:].upper()}: {exc}"]
        ) from exc
    except Exception as exc:  # yaml.YAMLError, without importing yaml at module level
        if isinstance(exc, InstrumentFileError):
            raise
        raise InstrumentFileError([f"{path.name} is not valid YAML: {exc}"]) from exc
    if not isinstance(data, dict):
        raise InstrumentFileError(["The file must hold one instrument (a mapping of fields)."])
    return data


def _text(data: dict[str, Any], name: str, problems: list[str], where: str, required: bool) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        problems.append(f"{where}: '{name}' must be text.")
        return ""
    if required and not value.strip():
        problems.append(f"{where}: '{name}' is missing.")
    return value.strip()


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _check_scale(points: Any, name: str, problems: list[str]) -> list[dict[str, Any]]:
    if not isinstance(points, list) or not points:
        problems.append(f"Scale '{name}' has no points: give a list of values with labels.")
        return []
    checked: list[dict[str, Any]] = []
    for index, point in enumerate(points, start=1):
        if not isinstance(point, dict):
            problems.append(f"Scale '{name}', point {index}: give a value and a label.")
            continue
        value = _int(point.get("value"))
        label = point.get("label")
        if value is None:
            problems.append(f"Scale '{name}', point {index}: the value must be a whole number.")
        if not isinstance(label, str) or not label.strip():
            problems.append(f"Scale '{name}', point {index}: every point needs a label.")
        if value is not None and isinstance(label, str) and label.strip():
            checked.append({"value": value, "label": label.strip()})
    values = [p["value"] for p in checked]
    if len(set(values)) != len(values):
        problems.append(f"Scale '{name}' uses the same value twice.")
    if len(checked) == 1:
        problems.append(f"Scale '{name}' needs at least two points.")
    return sorted(checked, key=lambda p: p["value"])


def check_instrument(data: dict[str, Any]) -> CheckedInstrument:
    """The instrument described by `data`, or InstrumentFileError listing every problem."""
    problems: list[str] = []
    key = _text(data, "key", problems, "Instrument", required=True)
    version = _int(data.get("version"))
    if version is None or version < 1:
        problems.append("Instrument: 'version' must be a whole number of 1 or more.")
    checked = CheckedInstrument(
        key=key,
        version=version or 0,
        title=_text(data, "title", problems, "Instrument", required=True),
        introduction=_text(data, "introduction", problems, "Instrument", required=False),
        licence_note=_text(data, "licence_note", problems, "Instrument", required=False),
    )
    if key and not all(ch.isalnum() or ch in "-_" for ch in key):
        problems.append("Instrument: 'key' may use only letters, numbers, '-' and '_'.")

    scales: dict[str, list[dict[str, Any]]] = {}
    raw_scales = data.get("scales", {}) or {}
    if not isinstance(raw_scales, dict):
        problems.append("'scales' must map each scale's name to its points.")
        raw_scales = {}
    for name, points in raw_scales.items():
        scales[str(name)] = _check_scale(points, str(name), problems)

    raw_items = data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("Instrument: 'items' must list at least one item.")
        raw_items = []
    seen_numbers: set[int] = set()
    slug_rule = "lower-case letters, digits, '_' or '-', up to 40 characters"
    for index, raw in enumerate(raw_items, start=1):
        if not isinstance(raw, dict):
            problems.append(f"Item {index} in the list: give its number, text, domain and scale.")
            continue
        number = _int(raw.get("number"))
        where = f"Item {number if number is not None else f'at position {index}'}"
        if number is None or number < 1:
            problems.append(f"{where}: 'number' must be a whole number of 1 or more.")
        elif number in seen_numbers:
            problems.append(f"Item number {number} is used more than once.")
        else:
            seen_numbers.add(number)
        text = _text(raw, "text", problems, where, required=True)
        if len(text) > 500:
            problems.append(f"{where}: 'text' is longer than 500 characters.")
        hint = _text(raw, "hint", problems, where, required=False)
        domain = raw.get("domain")
        if not isinstance(domain, str) or not DOMAIN_SLUG.match(domain):
            problems.append(f"{where}: domain '{domain}' is not a name to use ({slug_rule}).")
        scale_ref = raw.get("scale")
        if isinstance(scale_ref, str):
            if scale_ref not in scales:
                problems.append(f"{where}: unknown scale '{scale_ref}'.")
            scale = scales.get(scale_ref, [])
        else:
            scale = _check_scale(scale_ref, f"of item {number}", problems)
        reverse = raw.get("reverse", False)
        if not isinstance(reverse, bool):
            problems.append(f"{where}: 'reverse' must be true or false.")
        if number is not None and isinstance(domain, str) and DOMAIN_SLUG.match(domain) and scale:
            checked.items.append(
                CheckedItem(
                    number=number,
                    text=text,
                    hint=hint,
                    domain=str(domain),
                    scale=scale,
                    reverse=bool(reverse),
                )
            )

    raw_rules = data.get("scoring")
    if not isinstance(raw_rules, list) or not raw_rules:
        problems.append("Instrument: 'scoring' must give at least one domain's rule.")
        raw_rules = []
    seen_domains: set[str] = set()
    for index, raw in enumerate(raw_rules, start=1):
        if not isinstance(raw, dict):
            problems.append(f"Scoring rule {index}: give its domain and method.")
            continue
        domain = raw.get("domain")
        where = f"Scoring for '{domain}'"
        if not isinstance(domain, str) or not DOMAIN_SLUG.match(domain):
            problems.append(
                f"Scoring rule {index}: domain '{domain}' is not a name to use ({slug_rule})."
            )
            continue
        if domain in seen_domains:
            problems.append(f"{where} is given more than once.")
            continue
        seen_domains.add(str(domain))
        domain_items = [item for item in checked.items if item.domain == domain]
        if not domain_items:
            problems.append(f"{where}: no item is in this domain.")
        method = raw.get("method")
        if method not in ScoringMethod.values:
            problems.append(f"{where}: unknown method '{method}' (use mean or sum).")
        min_answered = _int(raw.get("min_answered", 1))
        if min_answered is None or min_answered < 1:
            problems.append(f"{where}: 'min_answered' must be a whole number of 1 or more.")
            min_answered = 1
        elif domain_items and min_answered > len(domain_items):
            problems.append(
                f"{where}: 'min_answered' is {min_answered} but the domain has only "
                f"{len(domain_items)} items."
            )
        lookup = _check_lookup(
            raw.get("lookup"), where, method, min_answered, domain_items, problems
        )
        label = _text(raw, "label", problems, where, required=False) or domain_label(domain)
        if len(label) > 100:
            problems.append(f"{where}: 'label' is longer than 100 characters.")
        kind = raw.get("kind", DomainKind.WELLBEING)
        if kind not in DomainKind.values:
            problems.append(f"{where}: unknown kind '{kind}' (use wellbeing or service).")
        higher_is_better = raw.get("higher_is_better", True)
        if not isinstance(higher_is_better, bool):
            problems.append(f"{where}: 'higher_is_better' must be true or false.")
        checked.rules.append(
            CheckedRule(
                domain=domain,
                method=str(method),
                min_answered=min_answered,
                lookup=lookup,
                label=label,
                kind=str(kind),
                higher_is_better=bool(higher_is_better),
            )
        )
    for item in checked.items:
        if item.domain not in seen_domains:
            problems.append(
                f"Item {item.number}: domain '{item.domain}' has no scoring rule (give it one "
                "in 'scoring', or use a domain that has one)."
            )
    if problems:
        raise InstrumentFileError(problems)
    return checked


def _check_lookup(
    raw: Any,
    where: str,
    method: Any,
    min_answered: int,
    domain_items: list[CheckedItem],
    problems: list[str],
) -> dict[str, float] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw:
        problems.append(f"{where}: 'lookup' must map each raw total to the score reported.")
        return None
    if method != ScoringMethod.SUM:
        problems.append(f"{where}: a lookup table converts a raw sum, so use the method 'sum'.")
    if domain_items and min_answered != len(domain_items):
        problems.append(
            f"{where}: with a lookup table every item must be answered, so 'min_answered' "
            f"must be {len(domain_items)}."
        )
    table: dict[str, float] = {}
    for raw_total, reported in raw.items():
        total = _int(raw_total)
        if total is None:
            problems.append(f"{where}: lookup key '{raw_total}' is not a whole number.")
            continue
        if isinstance(reported, bool) or not isinstance(reported, int | float):
            problems.append(f"{where}: lookup value for raw total {total} must be a number.")
            continue
        table[str(total)] = float(reported)
    if domain_items:
        low = sum(min(p["value"] for p in item.scale) for item in domain_items)
        high = sum(max(p["value"] for p in item.scale) for item in domain_items)
        missing = [total for total in range(low, high + 1) if str(total) not in table]
        if missing:
            shown = ", ".join(str(total) for total in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            problems.append(
                f"{where}: the lookup table misses raw total{'s' if len(missing) > 1 else ''} "
                f"{shown}{more} (it must cover {low} to {high})."
            )
    return table
