"""Krippendorff's alpha for nominal data: do annotators agree more than chance?

α = 1 − D_o / D_e, observed over expected disagreement, computed from the coincidence
matrix (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"). In a unit
(item) with m_u values, every ordered pair of values from different coders adds
1 / (m_u − 1) to o[c, k]; units with fewer than two values are not pairable and dropped.
With n_c = Σ_k o[c, k] and n = Σ_c n_c, for the nominal metric

    α = 1 − (n − 1) · (n − Σ_c o[c, c]) / (n² − Σ_c n_c²).

α = 1 is perfect agreement, 0 is chance level, and it is undefined (NaN here) when every
pairable value is the same, since then no disagreement was possible.
"""

import numpy as np


def krippendorff_alpha_nominal(items: np.ndarray, coders: np.ndarray, labels: np.ndarray) -> float:
    """Nominal α for reliability data given as one (item, coder, label) triple per value.

    ``labels`` may be any hashable-by-numpy values (ints or strings). Each coder may give
    each item at most one value.
    """
    items, coders, labels = np.asarray(items), np.asarray(coders), np.asarray(labels)
    if not (items.shape == coders.shape == labels.shape and items.ndim == 1):
        raise ValueError("items, coders and labels must be 1-D arrays of equal length")
    _, unit = np.unique(items, return_inverse=True)
    _, coder = np.unique(coders, return_inverse=True)
    pair = unit * (coder.max(initial=0) + 1) + coder
    if np.unique(pair).size != pair.size:
        raise ValueError("a coder gave the same item more than one value")
    values, value = np.unique(labels, return_inverse=True)
    n_units, n_values = unit.max(initial=-1) + 1, values.size
    counts = np.bincount(unit * n_values + value, minlength=n_units * n_values)
    counts = counts.reshape(n_units, n_values).astype(np.float64)
    m = counts.sum(axis=1)
    counts, m = counts[m >= 2], m[m >= 2]
    if counts.size == 0:
        return float("nan")
    weighted = counts / (m - 1)[:, None]
    coincidence = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    n_c = coincidence.sum(axis=1)
    n = n_c.sum()
    expected = n * n - (n_c * n_c).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * (n - np.trace(coincidence)) / expected)


def interpret_alpha(alpha: float) -> str:
    """Krippendorff's guideline: ≥ 0.8 reliable, ≥ 0.667 tentative conclusions only,
    otherwise unreliable (including NaN, where reliability cannot be shown)."""
    if alpha >= 0.8:
        return "reliable"
    if alpha >= 0.667:
        return "tentative"
    return "unreliable"
