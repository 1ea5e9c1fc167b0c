import itertools
import math

import numpy as np
import pytest

from annotations.consensus.alpha import interpret_alpha, krippendorff_alpha_nominal

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C:
# 4 observers, 12 units, values 1..5, None = missing. Published nominal alpha = 0.743.
TEXTBOOK = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    "C": [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
}


def _triples(table):
    rows = [(unit, coder, v) for coder, vals in table.items() for unit, v in enumerate(vals) if v is not None]
    return tuple(np.array(col) for col in zip(*rows, strict=True))


def _alpha_by_pairs(items, labels):
    """Independent textbook form: α = 1 − D_o / D_e with D_o the mean disagreement over
    pairs within units (each unit's pairs weighted 1/(m_u − 1)) and D_e the disagreement
    over all pairs of pairable values, in plain Python loops."""
    units = {}
    for u, v in zip(items.tolist(), labels.tolist(), strict=True):
        units.setdefault(u, []).append(v)
    pairable = [vals for vals in units.values() if len(vals) >= 2]
    values = [v for vals in pairable for v in vals]
    n = len(values)
    d_o = sum(
        sum(a != b for a, b in itertools.permutations(vals, 2)) / (len(vals) - 1) for vals in pairable
    ) / n
    d_e = sum(a != b for a, b in itertools.permutations(values, 2)) / (n * (n - 1))
    return 1 - d_o / d_e


def test_textbook_example():
    items, coders, labels = _triples(TEXTBOOK)
    alpha = krippendorff_alpha_nominal(items, coders, labels)
    assert round(alpha, 3) == 0.743
    assert alpha == pytest.approx(_alpha_by_pairs(items, labels), abs=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_matches_pairwise_definition_on_random_data(seed):
    rng = np.random.default_rng(seed)
    n_units, n_coders, n_values = 30, 5, int(rng.integers(2, 6))
    truth = rng.integers(0, n_values, n_units)
    coded = rng.random((n_units, n_coders)) < 0.7  # ~30% missing
    agree = rng.random((n_units, n_coders)) < rng.uniform(0.3, 0.9)
    values = np.where(agree, truth[:, None], rng.integers(0, n_values, (n_units, n_coders)))
    items, coders = np.nonzero(coded)
    labels = values[items, coders]
    expected = _alpha_by_pairs(items, labels)
    assert krippendorff_alpha_nominal(items, coders, labels) == pytest.approx(expected, abs=1e-12)


def test_lone_values_are_not_pairable():
    items, coders, labels = _triples(TEXTBOOK)
    base = krippendorff_alpha_nominal(items, coders, labels)
    more = krippendorff_alpha_nominal(
        np.append(items, [20, 21]), np.append(coders, ["A", "B"]), np.append(labels, [1, 5])
    )
    assert more == base


def test_perfect_agreement_chance_and_no_variation():
    items = np.repeat(np.arange(6), 3)
    coders = np.tile([0, 1, 2], 6)
    assert krippendorff_alpha_nominal(items, coders, np.repeat([0, 1, 2, 0, 1, 2], 3)) == 1.0
    assert math.isnan(krippendorff_alpha_nominal(items, coders, np.zeros(18)))
    # Systematic disagreement: worse than chance.
    assert krippendorff_alpha_nominal([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0]) < 0


def test_string_labels():
    items, coders, labels = _triples(TEXTBOOK)
    names = np.array(["claim", "evidence", "opinion", "question", "other"])[labels - 1]
    assert krippendorff_alpha_nominal(items, coders, names) == krippendorff_alpha_nominal(items, coders, labels)


def test_duplicate_coding_is_rejected():
    with pytest.raises(ValueError):
        krippendorff_alpha_nominal([0, 0, 0], ["a", "a", "b"], [1, 2, 1])


@pytest.mark.parametrize(
    "alpha,verdict",
    [(1.0, "reliable"), (0.8, "reliable"), (0.79, "tentative"), (0.667, "tentative"),
     (0.666, "unreliable"), (-0.2, "unreliable"), (float("nan"), "unreliable")],
)
def test_interpretation(alpha, verdict):
    assert interpret_alpha(alpha) == verdict
