"""Opinion groups, group-aware consensus and divisiveness (after Polis).

Opinion groups follow Polis: the participant × statement matrix (agree 1, disagree −1,
pass 0, unseen imputed with the statement's mean vote) is reduced to its first two
principal components and k-means with k in 2..max_groups, picked by silhouette, splits
the plane. Column-mean imputation means the centred matrix is zero wherever a vote is
missing, so it stays sparse and the PCA is a truncated SVD of a sparse matrix; nothing
dense of size users × statements is built.

Chosen on the six Polis conversations (adjusted Rand index against Polis' own groups, over
participants both place; mean of six): plain PCA projection 0.84, PCA with Polis'
newer "sparsity-aware" scaling (projection × sqrt(n_statements / n_voted)) 0.76, k-means on
the bridging model's one-dimensional user factor 0.54 (one axis cannot hold a third group
or a split the factor does not see). Plain PCA is the default; the factor stays available
through ``user_factor``.
"""

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

from annotations.consensus.bridging import as_indices

MIN_VOTES = 7
"""Participants with fewer votes (passes included) get group −1: Polis' own cut-off; their
position is mostly imputation."""

MIN_VOTERS = 3
"""Fewer participants with MIN_VOTES votes than this form no groups (all of them are group 0)."""

SAMPLE = 2000
"""Choosing k (k-means restarts plus an O(n²) silhouette per k) uses a seeded sample of at
most this many participants; the chosen clustering is then refined on everyone."""


def opinion_groups(
    users: np.ndarray,
    claims: np.ndarray,
    values_signed: np.ndarray,
    *,
    n_users: int,
    n_claims: int,
    user_factor: np.ndarray | None = None,
    max_groups: int = 5,
    seed: int = 0,
    min_votes: int = MIN_VOTES,
) -> np.ndarray:
    """Group label per user (0 = largest group), −1 for users with < ``min_votes`` votes.

    ``values_signed``: 1 agree, −1 disagree, 0 pass, one per (user, claim). With
    ``user_factor`` (a bridging fit's) the users are clustered on that one-dimensional
    axis instead of the two principal components; the Polis benchmark compares both.
    """
    users, claims = as_indices(users), as_indices(claims)
    values = np.asarray(values_signed, dtype=np.float64)
    n_votes = np.bincount(users, minlength=n_users)
    eligible = np.flatnonzero(n_votes >= min_votes)
    labels = np.full(n_users, -1, dtype=np.int64)
    if eligible.size < MIN_VOTERS or max_groups < 2:
        labels[eligible] = 0
        return labels

    if user_factor is not None:
        points = np.asarray(user_factor, dtype=np.float64)[eligible, None]
    else:
        points = _pca_projection(users, claims, values, eligible, n_users, n_claims, seed)
    if points is None:
        labels[eligible] = 0
        return labels

    rng = np.random.default_rng(seed)
    sample = (
        np.sort(rng.choice(eligible.size, SAMPLE, replace=False))
        if eligible.size > SAMPLE
        else np.arange(eligible.size)
    )
    best, best_score = None, -np.inf
    distances = _distances(points[sample])
    for k in range(2, min(max_groups, sample.size - 1) + 1):
        assign = kmeans(points[sample], k, seed=seed)
        score = _silhouette(distances, assign)
        if score > best_score:
            best, best_score = assign, score
    centres = np.stack([points[sample][best == j].mean(axis=0) for j in np.unique(best)])
    assign, _ = _lloyd(np.ascontiguousarray(points.T), centres, max_iter=100, tol=1e-6)
    labels[eligible] = _by_size(assign)
    return labels


def votes_needed_for_groups(
    votes_per_voter, *, n_claims: int, min_votes: int = MIN_VOTES, min_voters: int = MIN_VOTERS
) -> int | None:
    """The fewest further votes after which ``opinion_groups`` has enough to split: at least
    ``min_voters`` people with ``min_votes`` votes each (the closest ones topped up, new voters
    where too few have voted). None when it cannot happen yet: one vote per person and claim,
    so it takes at least ``min_votes`` claims. 0 means enough (a split still needs the voters
    to differ)."""
    if n_claims < min_votes:
        return None
    closest = sorted((int(n) for n in votes_per_voter), reverse=True)[:min_voters]
    closest += [0] * (min_voters - len(closest))
    return sum(max(0, min_votes - n) for n in closest)


def _pca_projection(users, claims, values, eligible, n_users, n_claims, seed):
    """2-D PCA scores of the eligible users (None if fewer than 3 statements were voted)."""
    row_of = np.full(n_users, -1, dtype=np.int32)
    row_of[eligible] = np.arange(eligible.size)
    rows = row_of[users]
    keep = rows >= 0
    if not keep.all():
        rows, claims, values = rows[keep], claims[keep], values[keep]
    seen = np.bincount(claims, minlength=n_claims)
    col_mean = np.bincount(claims, weights=values, minlength=n_claims) / np.maximum(seen, 1)
    voted_on = np.flatnonzero(seen)
    if voted_on.size < 3:
        return None
    col_of = np.full(n_claims, -1, dtype=np.int32)
    col_of[voted_on] = np.arange(voted_on.size)
    centred = _csr(rows, col_of[claims], values - col_mean[claims], shape=(eligible.size, voted_on.size))
    if not np.any(centred.data):  # everyone voted as each claim's mean (say, one voter a claim)
        return None
    v0 = np.random.default_rng(seed).normal(size=min(centred.shape))
    u, s, _ = svds(centred, k=2, v0=v0, random_state=seed)
    return u * s


def _csr(rows, cols, data, *, shape) -> sp.csr_matrix:
    """The sparse matrix of these entries in canonical form (sorted, duplicates summed). Built
    directly when they come in that order already; it is then the very matrix scipy's
    conversion from coordinates would make, without its copies and sorts."""
    key = rows.astype(np.int64) * shape[1] + cols
    if not np.all(key[1:] > key[:-1]):
        return sp.csr_matrix((data, (rows, cols)), shape=shape)
    indptr = np.zeros(shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    return sp.csr_matrix((data, cols.astype(np.int32), indptr), shape=shape)


def kmeans(points: np.ndarray, k: int, *, seed: int = 0, n_init: int = 10, max_iter: int = 100):
    """Lloyd's k-means with k-means++ seeding; best of ``n_init`` seeded starts by inertia."""
    rng = np.random.default_rng(seed)
    cols = np.ascontiguousarray(points.T)  # one contiguous row per dimension
    best, best_inertia = None, np.inf
    for _ in range(n_init):
        assign, inertia = _lloyd(cols, _kmeans_pp(points, k, rng), max_iter=max_iter, tol=1e-6)
        if inertia < best_inertia:
            best, best_inertia = assign, inertia
    return best


def _lloyd(cols, centres, *, max_iter: int, tol: float):
    """Lloyd's iterations from ``centres``; returns (assignment, inertia). Stops when no
    assignment changes or no centre moves by more than ``tol`` times the data's spread."""
    min_shift = tol * float(cols.std(axis=1).max())
    k = centres.shape[0]
    assign = None
    for _ in range(max_iter):
        new_assign, d2 = _nearest(cols, centres)
        if assign is not None and np.array_equal(new_assign, assign):
            break
        assign = new_assign
        counts = np.bincount(assign, minlength=k)
        sums = np.stack([np.bincount(assign, weights=col, minlength=k) for col in cols], axis=1)
        moved = np.where(counts[:, None] > 0, sums / np.maximum(counts, 1)[:, None], centres)
        shift = float(np.abs(moved - centres).max())
        centres = moved
        if shift <= min_shift:
            assign, d2 = _nearest(cols, centres)
            break
    return assign, float(d2.sum())


def _nearest(cols, centres):
    """Index of and squared distance to the nearest centre, for points given as one row
    per dimension. Loops over the (few) centres and dimensions so that every numpy call
    runs over a long contiguous array."""
    best_d2 = np.full(cols.shape[1], np.inf)
    best = np.zeros(cols.shape[1], dtype=np.int64)
    for j, centre in enumerate(centres):
        d2 = np.zeros(cols.shape[1])
        for col, x in zip(cols, centre, strict=True):
            d2 += (col - x) ** 2
        closer = d2 < best_d2
        best[closer] = j
        np.minimum(d2, best_d2, out=best_d2)
    return best, best_d2


def _kmeans_pp(points, k, rng):
    """k-means++: each next centre drawn with probability ∝ squared distance to the nearest."""
    centres = [points[rng.integers(points.shape[0])]]
    d2 = ((points - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        idx = rng.choice(points.shape[0], p=d2 / total) if total > 0 else rng.integers(points.shape[0])
        centres.append(points[idx])
        d2 = np.minimum(d2, ((points - points[idx]) ** 2).sum(axis=1))
    return np.array(centres)


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette (b − a) / max(a, b); points alone in their cluster score 0."""
    return _silhouette(_distances(points), labels)


def _distances(points: np.ndarray) -> np.ndarray:
    """Euclidean distance between every two points."""
    return np.sqrt(np.maximum(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2), 0.0))


def _silhouette(d: np.ndarray, labels: np.ndarray) -> float:
    """`silhouette` from the points' distance matrix, which choosing k computes once for every k."""
    k = int(labels.max()) + 1
    onehot = np.eye(k)[labels]
    sums = d @ onehot  # distance from each point to all members of each cluster
    sizes = onehot.sum(axis=0)
    own = sizes[labels]
    a = sums[np.arange(labels.size), labels] / np.maximum(own - 1, 1)
    others = np.where(onehot.astype(bool) | (sizes == 0), np.inf, sums / np.maximum(sizes, 1))
    b = others.min(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.where(own > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(np.nan_to_num(s).mean())


def _by_size(assign: np.ndarray) -> np.ndarray:
    """Relabel so group 0 is the largest (ties: the group whose first member comes first)."""
    ids, first, counts = np.unique(assign, return_index=True, return_counts=True)
    order = np.lexsort((first, -counts))
    relabel = np.empty(ids.size, dtype=np.int64)
    relabel[order] = np.arange(ids.size)
    return relabel[np.searchsorted(ids, assign)]


def group_agree_shares(group_labels, users, claims, values_signed, n_claims: int, n_groups: int):
    """Per group g and claim c: agree count A[g, c] and seen count S[g, c].

    "Seen" counts every vote, passes included (Polis' convention), so a pass lowers the
    agree share. Users with label −1 are left out.
    """
    agree, _, seen = group_vote_counts(np.asarray(group_labels)[np.asarray(users)], claims, values_signed, n_claims, n_groups)
    return agree, seen


def group_vote_counts(vote_groups, claims, values_signed, n_claims: int, n_groups: int):
    """Per group g and claim c: agree A[g, c], disagree D[g, c] and seen S[g, c] counts, given
    each vote's group (the voter's; −1: none, left out)."""
    vote_groups = np.asarray(vote_groups)
    keep = vote_groups >= 0
    key = vote_groups[keep].astype(np.int64) * n_claims + np.asarray(claims)[keep]
    values = np.asarray(values_signed)[keep]
    size = n_groups * n_claims
    seen = np.bincount(key, minlength=size).reshape(n_groups, n_claims)
    agree = np.bincount(key, weights=values == 1, minlength=size).reshape(n_groups, n_claims)
    disagree = np.bincount(key, weights=values == -1, minlength=size).reshape(n_groups, n_claims)
    return agree.astype(np.int64), disagree.astype(np.int64), seen


def group_aware_consensus(agree: np.ndarray, seen: np.ndarray, *, log: bool = False) -> np.ndarray:
    """Polis' group-aware consensus Π_g (A_g + 1) / (S_g + 2), per claim.

    Each factor is a Laplace-smoothed agree share, so a claim scores high only if every
    group agrees; a group that has not seen it contributes ½. The product is formed as a
    sum of logs; ``log=True`` returns that sum, which ranks claims the same way and cannot
    underflow however many groups there are.
    """
    a = np.asarray(agree, dtype=np.float64)
    s = np.asarray(seen, dtype=np.float64)
    log_consensus = (np.log1p(a) - np.log(s + 2.0)).sum(axis=0)
    return log_consensus if log else np.exp(log_consensus)


def divisiveness(agree: np.ndarray, seen: np.ndarray) -> np.ndarray:
    """Per claim: largest minus smallest Laplace-smoothed agree share among the groups
    that voted on it (0 when fewer than two groups did). 0 = groups agree, 1 = opposite."""
    a = np.asarray(agree, dtype=np.float64)
    s = np.asarray(seen, dtype=np.float64)
    if a.shape[0] == 0:
        return np.zeros(a.shape[1])
    p = (a + 1.0) / (s + 2.0)
    voted = s > 0
    hi = np.where(voted, p, -np.inf).max(axis=0)
    lo = np.where(voted, p, np.inf).min(axis=0)
    return np.where(voted.sum(axis=0) >= 2, hi - lo, 0.0)


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index (Hubert & Arabie) between two labelings of the same items.

    ARI = (Σ C(n_ij, 2) − E) / (½(Σ C(a_i, 2) + Σ C(b_j, 2)) − E),
    E = Σ C(a_i, 2) · Σ C(b_j, 2) / C(n, 2); 1 for identical partitions, ~0 for chance.
    """
    a = np.asarray(a)
    b = np.asarray(b)
    if a.shape != b.shape:
        raise ValueError("labelings must have the same length")
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.bincount(ai * (bi.max(initial=0) + 1) + bi).astype(np.float64)

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    sum_ij = pairs(table)
    sum_a = pairs(np.bincount(ai).astype(np.float64))
    sum_b = pairs(np.bincount(bi).astype(np.float64))
    total = a.size * (a.size - 1) / 2
    if total == 0:
        return 1.0
    expected = sum_a * sum_b / total
    max_index = (sum_a + sum_b) / 2
    if max_index == expected:  # both partitions trivial (one cluster, or all singletons)
        return 1.0
    return float((sum_ij - expected) / (max_index - expected))
