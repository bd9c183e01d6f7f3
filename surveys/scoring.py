"""Scoring: from a response's answers to one score per domain, by the instrument's own rules.

Pure functions over plain values, so the rules can be checked by hand against worked examples.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .choices import ScoringMethod

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class ItemSpec:
    key: int  # the item's id (or number, in a file being checked)
    domain: str
    low: int
    high: int
    reverse: bool = False


@dataclass(frozen=True)
class RuleSpec:
    domain: str
    method: str
    min_answered: int = 1
    lookup: Mapping[str, object] | None = None


def scored_value(item: ItemSpec, value: int) -> int:
    """The value that counts: a reverse-scored item counts from the other end of its scale."""
    return item.low + item.high - value if item.reverse else value


def domain_scores(
    *, items: Iterable[ItemSpec], rules: Iterable[RuleSpec], answers: Mapping[int, int | None]
) -> dict[str, Decimal | None]:
    """Each rule's domain score, or None where too few of its items were answered.

    Means are rounded half up to two places. A lookup table converts the raw sum to the reported
    score; a raw total missing from it scores None rather than a guess.
    """
    by_domain: dict[str, list[int]] = {}
    for item in items:
        value = answers.get(item.key)
        if value is None:
            by_domain.setdefault(item.domain, [])
            continue
        by_domain.setdefault(item.domain, []).append(scored_value(item, value))
    scores: dict[str, Decimal | None] = {}
    for rule in rules:
        values = by_domain.get(rule.domain, [])
        if not values or len(values) < rule.min_answered:
            scores[rule.domain] = None
            continue
        raw = Decimal(sum(values))
        score: Decimal | None
        if rule.method == ScoringMethod.MEAN:
            score = (raw / len(values)).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)
        else:
            score = raw
        if rule.lookup is not None:
            reported = rule.lookup.get(str(int(raw)))
            score = None if reported is None else Decimal(str(reported)).quantize(TWO_PLACES)
        scores[rule.domain] = score
    return scores
