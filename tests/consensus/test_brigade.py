"""The brigade rule alone: flags with their flaggers' groups in, a decision out."""
import pytest

from annotations.consensus.brigade import FlagVote, decide


def flags(*groups):
    return [FlagVote(flagger=i, group=g) for i, g in enumerate(groups)]


def test_five_flags_from_one_group_do_not_hide():
    decision = decide(flags(0, 0, 0, 0, 0), threshold=3)
    assert decision.hide is False
    assert (decision.flaggers, decision.groups) == (5, 1)


def test_three_flags_from_two_groups_hide():
    decision = decide(flags(0, 0, 1), threshold=3)
    assert decision.hide is True
    assert decision.groups == 2


def test_one_group_hides_at_twice_the_threshold():
    assert decide(flags(*[1] * 6), threshold=3).hide is True


def test_flaggers_without_a_group_count_together_as_one_more_group():
    assert decide(flags(0, None, None), threshold=3).hide is True
    # Only ungrouped flaggers: that is one group, so it takes twice the threshold.
    assert decide(flags(None, None, None), threshold=3).hide is False
    assert decide(flags(*[None] * 6), threshold=3).groups == 1


def test_two_groups_below_the_threshold_do_not_hide():
    assert decide(flags(0, 1), threshold=3).hide is False


def test_a_person_counts_once():
    repeated = [FlagVote(flagger=7, group=0)] * 4 + [FlagVote(flagger=8, group=1)]
    decision = decide(repeated, threshold=3)
    assert decision.flaggers == 2 and decision.hide is False


def test_score_orders_cross_group_flags_above_a_single_camp():
    cross = decide(flags(0, 1, 2), threshold=3)
    camp = decide(flags(0, 0, 0, 0), threshold=3)
    assert cross.score > camp.score


def test_no_flags_score_zero():
    decision = decide([], threshold=3)
    assert (decision.flaggers, decision.score, decision.hide) == (0, 0.0, False)


def test_threshold_must_be_positive():
    with pytest.raises(ValueError):
        decide(flags(0), threshold=0)
