"""The referral state machine as a table, checked for every pair of statuses and both sides."""

from __future__ import annotations

import itertools

import pytest

from networks.choices import ReferralStatus as S
from networks.choices import Side
from networks.transitions import ENDED, TransitionRefused, check_transition, next_steps

# Written out by hand, independently of the table under test.
ALLOWED = {
    (S.SUGGESTED, S.REFERRED, Side.TRUST),
    (S.SUGGESTED, S.WITHDRAWN, Side.TRUST),
    (S.REFERRED, S.ACCEPTED, Side.PARTNER),
    (S.REFERRED, S.DECLINED, Side.PARTNER),
    (S.REFERRED, S.WITHDRAWN, Side.TRUST),
    (S.ACCEPTED, S.STARTED, Side.PARTNER),
    (S.ACCEPTED, S.WITHDRAWN, Side.TRUST),
    (S.STARTED, S.COMPLETED, Side.PARTNER),
    (S.STARTED, S.WITHDRAWN, Side.TRUST),
}


@pytest.mark.parametrize(
    ("frm", "to", "side"),
    [
        pytest.param(frm, to, side, id=f"{frm}-{to}-{side}")
        for frm, to, side in itertools.product(S.values, S.values, Side.values)
    ],
)
def test_every_pair_of_statuses_for_both_sides(frm, to, side):
    if (frm, to, side) in ALLOWED:
        check_transition(frm, to, side)
        assert to in next_steps(frm, side)
    else:
        with pytest.raises(TransitionRefused):
            check_transition(frm, to, side)
        assert to not in next_steps(frm, side)


def test_ended_referrals_go_nowhere_and_nothing_goes_back():
    order = [S.SUGGESTED, S.REFERRED, S.ACCEPTED, S.STARTED, S.COMPLETED]
    for status in ENDED:
        assert next_steps(status, Side.TRUST) == next_steps(status, Side.PARTNER) == []
    for frm, to, _ in ALLOWED:
        if to in order and frm in order:
            assert order.index(to) == order.index(frm) + 1, "a step skipped or went back"


def test_the_refusal_says_why():
    with pytest.raises(TransitionRefused, match="cannot become started"):
        check_transition(S.REFERRED, S.STARTED, Side.PARTNER)
    with pytest.raises(TransitionRefused, match="Only the partner organisation"):
        check_transition(S.REFERRED, S.ACCEPTED, Side.TRUST)
