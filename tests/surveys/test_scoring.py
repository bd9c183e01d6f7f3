"""Scoring against values worked out by hand."""

from __future__ import annotations

from decimal import Decimal

from surveys.scoring import ItemSpec, RuleSpec, domain_scores, scored_value


def items(*specs):
    return [ItemSpec(key=n, domain=d, low=1, high=5, reverse=r) for n, d, r in specs]


def test_reverse_item_counts_from_the_other_end():
    item = ItemSpec(key=1, domain="hope", low=1, high=5, reverse=True)
    assert [scored_value(item, v) for v in (1, 2, 3, 4, 5)] == [5, 4, 3, 2, 1]
    zero_based = ItemSpec(key=1, domain="hope", low=0, high=3, reverse=True)
    assert [scored_value(zero_based, v) for v in (0, 1, 2, 3)] == [3, 2, 1, 0]


def test_mean_of_answered_items_with_a_reverse_item():
    # Given hope items 1-4 with 4 reversed, answered 4, 5, 2 and 2 (2 reversed is 4)
    given = items((1, "hope", False), (2, "hope", False), (3, "hope", False), (4, "hope", True))
    rules = [RuleSpec(domain="hope", method="mean", min_answered=2)]
    scores = domain_scores(items=given, rules=rules, answers={1: 4, 2: 5, 3: 2, 4: 2})
    # (4 + 5 + 2 + 4) / 4 = 15 / 4 = 3.75
    assert scores == {"hope": Decimal("3.75")}


def test_mean_rounds_half_up_to_two_places_over_answered_items_only():
    given = items((1, "hope", False), (2, "hope", False), (3, "hope", False), (4, "hope", False))
    rules = [RuleSpec(domain="hope", method="mean", min_answered=2)]
    # 4 + 4 + 5 = 13 over 3 answered = 4.3333 -> 4.33 (the skipped item does not count as 0)
    assert domain_scores(items=given, rules=rules, answers={1: 4, 2: 4, 3: 5, 4: None}) == {
        "hope": Decimal("4.33")
    }
    # 1 + 2 + 2 = 5 / 3 = 1.6667 -> 1.67
    assert domain_scores(items=given, rules=rules, answers={1: 1, 2: 2, 3: 2}) == {
        "hope": Decimal("1.67")
    }


def test_sum_and_minimum_answered():
    given = items((1, "control", False), (2, "control", True), (3, "control", False))
    rules = [RuleSpec(domain="control", method="sum", min_answered=2)]
    # 3 + (6 - 1) = 8 with two answered: counts
    assert domain_scores(items=given, rules=rules, answers={1: 3, 2: 1}) == {
        "control": Decimal("8")
    }
    # one answered is fewer than the minimum: no score, not a low score
    assert domain_scores(items=given, rules=rules, answers={1: 5}) == {"control": None}
    assert domain_scores(items=given, rules=rules, answers={}) == {"control": None}


def test_domains_are_scored_separately():
    given = items((1, "hope", False), (2, "hope", False), (3, "opportunity", False))
    rules = [
        RuleSpec(domain="hope", method="mean", min_answered=1),
        RuleSpec(domain="opportunity", method="sum", min_answered=1),
    ]
    assert domain_scores(items=given, rules=rules, answers={1: 2, 2: 5, 3: 4}) == {
        "hope": Decimal("3.50"),
        "opportunity": Decimal("4"),
    }


def test_lookup_table_converts_the_raw_total():
    given = [ItemSpec(key=n, domain="other", low=1, high=5) for n in (1, 2, 3)]
    table = {str(raw): raw * 2 + 0.5 for raw in range(3, 16)}
    rules = [RuleSpec(domain="other", method="sum", min_answered=3, lookup=table)]
    # raw 2 + 3 + 4 = 9 -> 18.5
    assert domain_scores(items=given, rules=rules, answers={1: 2, 2: 3, 3: 4}) == {
        "other": Decimal("18.50")
    }


def test_a_raw_total_missing_from_the_table_scores_nothing_rather_than_a_guess():
    given = [ItemSpec(key=1, domain="other", low=1, high=5)]
    rules = [RuleSpec(domain="other", method="sum", lookup={"1": 10})]
    assert domain_scores(items=given, rules=rules, answers={1: 4}) == {"other": None}


def test_a_mean_exactly_half_way_rounds_up_not_to_the_even_neighbour():
    given = items(*((n, "hope", False) for n in range(1, 9)))
    rules = [RuleSpec(domain="hope", method="mean", min_answered=1)]
    # 2 + 1 * 7 = 9 over 8 answered = 1.125 -> 1.13 (to the even neighbour it would be 1.12)
    answers = dict.fromkeys(range(2, 9), 1) | {1: 2}
    assert domain_scores(items=given, rules=rules, answers=answers) == {"hope": Decimal("1.13")}


def test_a_domain_whose_first_item_was_skipped_is_scored_from_the_rest():
    given = items((1, "hope", False), (2, "hope", False), (3, "hope", False))
    rules = [RuleSpec(domain="hope", method="sum", min_answered=2)]
    assert domain_scores(items=given, rules=rules, answers={1: None, 2: 3, 3: 4}) == {
        "hope": Decimal("7")
    }
    assert domain_scores(items=given, rules=rules, answers={2: 3}) == {"hope": None}
