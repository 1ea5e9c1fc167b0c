"""Planted-structure vote generator for the consensus tests and benchmarks.

Two camps of readers vote on four kinds of claim:

- consensus: both camps agree with probability ``consensus_agree`` (~0.8);
- partisan_a: camp A agrees ~0.97, camp B ~0.10. With camp A a large majority
  (default 85/15) these have a *higher* raw agree share than consensus claims, so ranking
  by raw share puts them first; a bridging score should not;
- partisan_b: the mirror image, favoured by the minority camp;
- rejected: both camps mostly disagree.

Each user also has a small personal agreeableness offset, which the user intercepts of the
bridging model are there to absorb.
"""

from dataclasses import dataclass

import numpy as np

KINDS = ("consensus", "partisan_a", "partisan_b", "rejected")


@dataclass
class Planted:
    users: np.ndarray  # rating -> user index
    claims: np.ndarray  # rating -> claim index
    values: np.ndarray  # 1.0 agree, 0.0 disagree
    camp: np.ndarray  # per user: 0 = camp A (majority), 1 = camp B
    kind: np.ndarray  # per claim: one of KINDS
    n_users: int
    n_claims: int

    @property
    def values_signed(self) -> np.ndarray:
        """Votes on Polis' scale: agree = 1, disagree = -1."""
        return (2 * self.values - 1).astype(np.int8)

    def raw_share(self) -> np.ndarray:
        """Per-claim agree share (NaN for claims without votes)."""
        n = np.bincount(self.claims, minlength=self.n_claims)
        agree = np.bincount(self.claims, weights=self.values, minlength=self.n_claims)
        with np.errstate(invalid="ignore", divide="ignore"):
            return agree / n


def planted(
    n_users: int,
    n_claims: int,
    votes_per_user: int,
    seed: int,
    *,
    camp_a_share: float = 0.85,
    mix: tuple[float, float, float, float] = (0.2, 0.3, 0.1, 0.4),
    consensus_agree: float = 0.8,
    partisan_agree: tuple[float, float] = (0.97, 0.10),
    rejected_agree: float = 0.15,
    user_bias_sd: float = 0.05,
) -> Planted:
    """Generate votes with planted camps and claim kinds (``mix`` follows ``KINDS``).

    Every user draws ``votes_per_user`` claims uniformly with replacement; repeats are
    dropped, so users end up with at most that many votes. Fully determined by ``seed``.
    """
    rng = np.random.default_rng(seed)
    n_a = round(camp_a_share * n_users)
    camp = rng.permutation(np.repeat([0, 1], [n_a, n_users - n_a]))

    counts = np.floor(np.asarray(mix) / np.sum(mix) * n_claims).astype(int)
    counts[-1] = n_claims - counts[:-1].sum()
    kind = rng.permutation(np.repeat(np.array(KINDS), counts))
    hi, lo = partisan_agree
    agree_a = np.select(
        [kind == k for k in KINDS], [consensus_agree, hi, lo, rejected_agree]
    )
    agree_b = np.select(
        [kind == k for k in KINDS], [consensus_agree, lo, hi, rejected_agree]
    )

    users = np.repeat(np.arange(n_users, dtype=np.int64), votes_per_user)
    claims = rng.integers(0, n_claims, users.size)
    key = np.unique(users * n_claims + claims)
    users, claims = key // n_claims, key % n_claims
    bias = rng.normal(0.0, user_bias_sd, n_users)
    p = np.where(camp[users] == 0, agree_a[claims], agree_b[claims]) + bias[users]
    values = (rng.random(users.size) < np.clip(p, 0.01, 0.99)).astype(np.float64)
    return Planted(users, claims, values, camp, kind, n_users, n_claims)
