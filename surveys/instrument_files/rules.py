"""Checking one domain's scoring rule: its method, how many items must be answered, and a
lookup table's keys and values against the totals the domain's items can make."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from ..choices import DomainKind, ScoringMethod
from ..models.instruments import domain_label
from .checked import CheckedItem, CheckedRule, Report, text_of, whole_number
from .problems import shown

MAX_ANSWERED = 200  # an instrument's items, at most
# Scores are stored with 7 digits, 2 after the point, and so is the change between two scores:
# every score a rule can give stays within half of that.
SCORE_LIMIT = Decimal("49999.99")


def check_rule(
    raw: dict[str, Any], domain: str, items: list[CheckedItem], report: Report
) -> CheckedRule:
    where = f"Scoring for '{domain}'"
    domain_items = [item for item in items if item.domain == domain]
    sure = report.counts_are_sure(domain)
    if sure and not domain_items:
        report.add(f"{where}: no item is in this domain.")
    method = raw.get("method")
    if method not in ScoringMethod.values:
        report.add(f"{where}: unknown method '{shown(method)}' (use mean or sum).")
    min_answered = whole_number(raw.get("min_answered", 1))
    if min_answered is None or not 1 <= min_answered <= MAX_ANSWERED:
        report.add(f"{where}: 'min_answered' must be a whole number from 1 to {MAX_ANSWERED}.")
        min_answered = None
    elif sure and domain_items and min_answered > len(domain_items):
        report.add(
            f"{where}: 'min_answered' is {min_answered} but the domain has only "
            f"{len(domain_items)} items."
        )
    lookup = _check_lookup(
        raw.get("lookup"), where, method, min_answered, domain_items if sure else [], report
    )
    if sure and domain_items and lookup is None and method in ScoringMethod.values:
        _check_score_range(where, method, domain_items, report)
    label = text_of(raw, "label", report, where, required=False) or domain_label(domain)
    kind = raw.get("kind", DomainKind.WELLBEING)
    if kind not in DomainKind.values:
        report.add(f"{where}: unknown kind '{shown(kind)}' (use wellbeing or service).")
    higher_is_better = raw.get("higher_is_better", True)
    if not isinstance(higher_is_better, bool):
        report.add(f"{where}: 'higher_is_better' must be true or false.")
    return CheckedRule(
        domain=domain,
        method=str(method),
        min_answered=min_answered or 1,
        lookup=lookup,
        label=label,
        kind=str(kind),
        higher_is_better=higher_is_better is not False,
    )


def _totals(domain_items: list[CheckedItem]) -> tuple[int, int]:
    low = sum(min(p["value"] for p in item.scale) for item in domain_items)
    high = sum(max(p["value"] for p in item.scale) for item in domain_items)
    return low, high


def _check_score_range(
    where: str, method: str, domain_items: list[CheckedItem], report: Report
) -> None:
    if method == ScoringMethod.SUM:
        low, high = _totals(domain_items)
        if max(abs(low), abs(high)) > SCORE_LIMIT:
            report.add(
                f"{where}: sums run from {low} to {high}, but scores must stay within "
                f"-{SCORE_LIMIT} and {SCORE_LIMIT}: use a mean, or smaller scale values."
            )


def _check_lookup(
    raw: Any,
    where: str,
    method: Any,
    min_answered: int | None,
    domain_items: list[CheckedItem],
    report: Report,
) -> dict[str, float] | None:
    """The lookup table, keyed by raw total as text; `domain_items` is empty where the
    domain's items are not all known, and then its range is not checked."""
    if raw is None:
        return None
    if not isinstance(raw, dict) or not raw:
        report.add(f"{where}: 'lookup' must map each raw total to the score reported.")
        return None
    if method == ScoringMethod.MEAN:
        report.add(f"{where}: a lookup table converts a raw sum, so use the method 'sum'.")
    if domain_items and min_answered is not None and min_answered != len(domain_items):
        report.add(
            f"{where}: with a lookup table every item must be answered, so 'min_answered' "
            f"must be {len(domain_items)}."
        )
    low, high = _totals(domain_items) if domain_items else (None, None)
    table: dict[str, float] = {}
    for raw_total, reported in raw.items():
        total = whole_number(raw_total)
        if total is None:
            report.add(f"{where}: lookup key '{shown(raw_total)}' is not a whole number.")
            continue
        if str(total) in table:
            report.add(f"{where}: the lookup table gives raw total {total} more than once.")
            continue
        if low is not None and high is not None and not low <= total <= high:
            report.add(
                f"{where}: lookup key {total} is not a raw total this domain can have "
                f"({low} to {high})."
            )
            continue
        if isinstance(reported, bool) or not isinstance(reported, int | float):
            report.add(f"{where}: lookup value for raw total {total} must be a number.")
            continue
        if isinstance(reported, float) and not math.isfinite(reported):
            report.add(
                f"{where}: lookup value for raw total {total} must be a number, "
                f"not {shown(reported)}."
            )
            continue
        if abs(reported) > SCORE_LIMIT:
            report.add(
                f"{where}: lookup value for raw total {total} must be within "
                f"-{SCORE_LIMIT} and {SCORE_LIMIT}."
            )
            continue
        table[str(total)] = float(reported)
    if low is not None and high is not None:
        missing = [total for total in range(low, high + 1) if str(total) not in table]
        claimed = {whole_number(key) for key in raw}
        missing = [total for total in missing if total not in claimed]  # said above
        if missing:
            shown_totals = ", ".join(str(total) for total in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            report.add(
                f"{where}: the lookup table misses raw total{'s' if len(missing) > 1 else ''} "
                f"{shown_totals}{more} (it must cover {low} to {high})."
            )
    return table
