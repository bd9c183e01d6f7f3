"""The checked shape of an instrument, and the report its checks write to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..choices import DomainKind


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


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    # Domains some item of which was left out for a problem of its own: their counts are wrong.
    unsure_domains: set[str] = field(default_factory=set)
    item_without_domain: bool = False  # an item whose domain could not be read at all
    rule_without_domain: bool = False  # a rule whose domain could not be read at all

    def add(self, problem: str) -> None:
        if problem not in self.problems:
            self.problems.append(problem)

    def counts_are_sure(self, domain: str) -> bool:
        return domain not in self.unsure_domains and not self.item_without_domain


def text_of(data: dict[str, Any], name: str, report: Report, where: str, required: bool) -> str:
    value = data.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        report.add(f"{where}: '{name}' must be text.")
        return ""
    if required and not value.strip():
        report.add(f"{where}: '{name}' is missing.")
    return value.strip()


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and 0 < len(value.strip()) <= 12:
        digits = value.strip()
        if digits.lstrip("-").isdigit():
            return int(digits)
    return None
