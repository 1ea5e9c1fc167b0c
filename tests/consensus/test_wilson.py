import pytest
from scipy.stats import binomtest

from annotations.consensus.wilson import wilson_interval


def test_no_trials_is_the_whole_unit_interval():
    assert wilson_interval(0, 0) == (0.0, 1.0)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 37, 200])
def test_matches_scipy_wilson_interval(n):
    for k in range(n + 1):
        expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        low, high = wilson_interval(k, n)
        assert low == pytest.approx(expected.low, abs=1e-6)
        assert high == pytest.approx(expected.high, abs=1e-6)


def test_known_value_and_symmetry():
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    flipped = wilson_interval(2, 10)
    assert flipped == pytest.approx((1 - high, 1 - low))


def test_wider_z_gives_wider_interval_containing_the_share():
    narrow = wilson_interval(30, 50, z=1.0)
    wide = wilson_interval(30, 50, z=3.0)
    assert wide[0] < narrow[0] < 0.6 < narrow[1] < wide[1]


@pytest.mark.parametrize("k,n", [(-1, 5), (6, 5), (0, -1)])
def test_rejects_impossible_counts(k, n):
    with pytest.raises(ValueError):
        wilson_interval(k, n)
