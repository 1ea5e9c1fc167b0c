"""Bridging-based claim scoring: Community Notes style one-factor matrix factorisation.

Model, for the rating ``y`` (agree = 1, disagree = 0) that user ``u`` gave claim ``c``::

    y ≈ μ + i_u + i_c + f_u · f_c

The factor product soaks up agreement that is explained by which "side" a reader is on
(``f_u``) and which side a claim appeals to (``f_c``). What is left in the claim intercept
``i_c`` is agreement shared across sides, so a high intercept means "readers who usually
disagree both agree with this".

Loss (as in Community Notes' ``matrix_factorization.py``): mean squared error over the N
ratings plus, for every parameter block, λ times the *mean* of its squared entries, with
λ_i = 0.15 for intercepts (μ included) and λ_f = 0.03 for factors. Multiplying through by
N turns this into a sum of squared errors plus a ridge penalty whose weight per parameter
is ``λ · N / n_rows``: λ times the average number of ratings per row of that block (rows
= users or claims with at least one rating; μ is a block of one, so its weight is λ_i·N).
Intercepts are therefore shrunk 5x harder than factors, which is what pushes polarised
agreement into the factor instead of the intercept, and a claim with few ratings is shrunk
towards zero until evidence accumulates.

Fitting is alternating least squares: with the claims fixed, every user's (i_u, f_u) is a
ridge regression on [1, f_c] over the claims they rated, i.e. a 2x2 linear system solved in
closed form for all users at once from a few sparse matrix products; then the same for
claims with users fixed; then μ; then three closed-form "flat moves" along directions ALS
alone crawls along (see ``_flat_moves``). User and claim updates are over-relaxed (see
``fit``). Ratings are sorted into canonical CSR order first, so the result does not depend
on the order votes are given in, down to the last bit.
"""

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

STATUS_AGREED = "agreed"
STATUS_REJECTED = "rejected"
STATUS_DIVIDED = "divided"
STATUS_NOT_ENOUGH_VOTES = "not_enough_votes"


@dataclass
class BridgingFit:
    """Fitted parameters. ``user_ridge``/``claim_ridge`` are the per-row penalty weights
    (intercept, factor) the fit used; ``refresh_claims`` needs ``claim_ridge`` to solve the
    same problem, so persist it along with the parameters."""

    mu: float
    user_intercept: np.ndarray
    user_factor: np.ndarray
    claim_intercept: np.ndarray
    claim_factor: np.ndarray
    n_iter: int
    converged: bool
    user_ridge: tuple[float, float] | None = None
    claim_ridge: tuple[float, float] | None = None


@dataclass
class Thresholds:
    """Status cut-offs on the claim intercept and factor (Community Notes' values)."""

    min_votes: int = 5
    agree_intercept: float = 0.40
    max_abs_factor: float = 0.50
    reject_base: float = -0.05
    reject_slope: float = 0.8


@dataclass
class _Ratings:
    ones: sp.csr_matrix  # users x claims, 1 where rated
    vals: sp.csr_matrix  # users x claims, the rating (explicit zeros dropped)
    user_n: np.ndarray  # ratings per user
    claim_n: np.ndarray
    user_sum: np.ndarray  # sum of ratings per user
    claim_sum: np.ndarray
    n: int
    total: float


def as_indices(x) -> np.ndarray:
    """``x`` as an integer array, without a copy when it is one already (so that callers can
    pass int32 indices, half the memory of int64 at millions of votes)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.integer) else x.astype(np.int64)


def _ratings(users, claims, values, n_users: int, n_claims: int) -> _Ratings:
    users = as_indices(users)
    claims = as_indices(claims)
    values = np.asarray(values, dtype=np.float64)
    if not (users.shape == claims.shape == values.shape and users.ndim == 1):
        raise ValueError("users, claims and values must be 1-D arrays of equal length")
    if users.size and (users.min() < 0 or users.max() >= n_users):
        raise ValueError("user index out of range")
    if claims.size and (claims.min() < 0 or claims.max() >= n_claims):
        raise ValueError("claim index out of range")
    key = users.astype(np.int64) * n_claims + claims
    if np.all(key[1:] > key[:-1]):  # given in canonical order already (so no duplicates either)
        indices = claims if claims.dtype == np.int32 else claims.astype(np.int32)
        y = values.copy()  # compacted in place below
    else:
        order = np.argsort(key, kind="stable")
        key = key[order]
        if np.any(key[1:] == key[:-1]):
            raise ValueError("duplicate (user, claim) rating; keep one vote per pair")
        indices, y = claims[order].astype(np.int32), values[order]
    del key
    indptr = np.zeros(n_users + 1, dtype=np.int64)
    np.cumsum(np.bincount(users, minlength=n_users), out=indptr[1:])
    shape = (n_users, n_claims)
    vals = sp.csr_matrix((y, indices.copy(), indptr.copy()), shape=shape)
    vals.eliminate_zeros()  # 0/1 ratings: only agrees contribute to Σ y·x
    return _Ratings(
        ones=sp.csr_matrix((np.ones_like(y), indices, indptr), shape=shape),
        vals=vals,
        user_n=np.diff(indptr).astype(np.float64),
        claim_n=np.bincount(claims, minlength=n_claims).astype(np.float64),
        user_sum=np.bincount(users, weights=values, minlength=n_users),
        claim_sum=np.bincount(claims, weights=values, minlength=n_claims),
        n=users.size,
        total=float(values.sum()),
    )


def _ridge_2x2(n, s1, s2, t1, t2, lam_i: float, lam_f: float):
    """Solve [[n+λi, s1], [s1, s2+λf]] @ [i, f] = [t1, t2] row-wise.

    These are the normal equations of a ridge regression of targets on [1, x] where
    n = count, s1 = Σx, s2 = Σx², t1 = Σt, t2 = Σt·x. The determinant is positive because
    s1² ≤ n·s2 (Cauchy–Schwarz) and both λ are positive; rows with no data get (0, 0).
    """
    a11 = n + lam_i
    a22 = s2 + lam_f
    det = a11 * a22 - s1 * s1
    return (a22 * t1 - s1 * t2) / det, (a11 * t2 - s1 * t1) / det


def _half_step(ones, vals, n_rows, row_sum, mu, other_i, other_f, lam_i, lam_f):
    """Best (intercept, factor) for every row given the other side's parameters.

    ``ones``/``vals`` are the rating pattern and values with this side as rows (for the
    claim side, transposed CSC views: their products scatter into the small claim array
    while reading users sequentially, which is faster than gathering from the user array).
    Also returns Σ f_other over each row, which the μ update reuses.
    """
    m = ones @ np.column_stack([other_f, other_f * other_f, other_i, other_i * other_f])
    t1 = row_sum - mu * n_rows - m[:, 2]  # Σ (y - μ - i_other)
    t2 = vals @ other_f - mu * m[:, 0] - m[:, 3]  # Σ (y - μ - i_other) f_other
    return *_ridge_2x2(n_rows, m[:, 0], m[:, 1], t1, t2, lam_i, lam_f), m[:, 0]


def _pad(x: np.ndarray, size: int) -> np.ndarray:
    """Copy of ``x`` cut or zero-padded to ``size`` (new users/claims start at zero)."""
    out = np.zeros(size)
    k = min(size, x.size)
    out[:k] = x[:k]
    return out


def fit(
    users: np.ndarray,
    claims: np.ndarray,
    values: np.ndarray,
    *,
    n_users: int,
    n_claims: int,
    lambda_intercept: float = 0.15,
    lambda_factor: float = 0.03,
    max_iter: int = 300,
    tol: float = 1e-6,
    seed: int = 0,
    init: BridgingFit | None = None,
    relaxation: float = 1.5,
) -> BridgingFit:
    """Fit μ, user and claim intercepts and one factor dimension by ALS.

    ``users``/``claims`` are integer indices, ``values`` the ratings (1 agree, 0 disagree),
    one per (user, claim) pair. A sweep is: solve every user, solve every claim, solve μ,
    then the exact "flat moves" of ``_flat_moves``. Stops when no parameter moved by more
    than ``tol`` in a sweep, or after ``max_iter`` sweeps.

    From the second sweep on, user and claim updates are over-relaxed: x ← x + ω(x* − x)
    with ω = ``relaxation``. Any fixed point is a fixed point of plain ALS (ω = 1), i.e. a
    stationary point of the loss; near it the problem is a two-block (2-cyclic) linear
    system, for which successive over-relaxation converges for 0 < ω < 2. Plain ALS never
    increases the loss; over-relaxation trades that guarantee for speed: ω = 1.5 cuts the
    sweeps on sparse data about threefold (106 → 31 for 1M synthetic votes, 10 per user)
    at the cost of a few extra sweeps on small dense data (16 → 25).

    Without ``init`` the claim factors start from a seeded N(0, 0.1²) draw and the rest at
    zero; with ``init`` (a previous fit, possibly for fewer users/claims, new ones start at
    zero) refits are warm-started. Finally the factor sign is fixed so that most users with
    a non-zero factor have a positive one (Community Notes fixes it the other way round;
    only the convention matters).
    """
    if lambda_intercept <= 0 or lambda_factor <= 0:
        raise ValueError("regularisation weights must be positive")
    if not 0 < relaxation < 2:
        raise ValueError("relaxation must be in (0, 2)")
    r = _ratings(users, claims, values, n_users, n_claims)
    if r.n == 0:
        # Nothing to fit: everything at zero, with the penalties of one rating per row, so
        # that refreshing claims against this fit is still a well-posed problem.
        ridge = (lambda_intercept, lambda_factor)
        zeros = np.zeros(n_users), np.zeros(n_users), np.zeros(n_claims), np.zeros(n_claims)
        return BridgingFit(0.0, *zeros, n_iter=0, converged=True, user_ridge=ridge, claim_ridge=ridge)
    user_active, claim_active = r.user_n > 0, r.claim_n > 0
    per_user = r.n / max(1, int(np.count_nonzero(user_active)))
    per_claim = r.n / max(1, int(np.count_nonzero(claim_active)))
    user_ridge = (lambda_intercept * per_user, lambda_factor * per_user)
    claim_ridge = (lambda_intercept * per_claim, lambda_factor * per_claim)
    mu_ridge = lambda_intercept * r.n

    if init is None:
        mu = r.total / (r.n + mu_ridge) if r.n else 0.0
        ui, uf, ci = np.zeros(n_users), np.zeros(n_users), np.zeros(n_claims)
        cf = np.random.default_rng(seed).normal(0.0, 0.1, n_claims)
    else:
        mu = float(init.mu)
        ui, uf = _pad(init.user_intercept, n_users), _pad(init.user_factor, n_users)
        ci, cf = _pad(init.claim_intercept, n_claims), _pad(init.claim_factor, n_claims)
    # Rows without ratings stay exactly zero: every update below preserves that.
    ui[~user_active] = uf[~user_active] = 0.0
    ci[~claim_active] = cf[~claim_active] = 0.0

    converged = False
    n_iter = 0
    while n_iter < max_iter and not converged:
        omega = relaxation if n_iter else 1.0
        n_iter += 1
        old = (mu, ui, uf, ci, cf)
        new_ui, new_uf, _ = _half_step(r.ones, r.vals, r.user_n, r.user_sum, mu, ci, cf, *user_ridge)
        ui, uf = ui + omega * (new_ui - ui), uf + omega * (new_uf - uf)
        new_ci, new_cf, raters_f = _half_step(
            r.ones.T, r.vals.T, r.claim_n, r.claim_sum, mu, ui, uf, *claim_ridge
        )
        ci, cf = ci + omega * (new_ci - ci), cf + omega * (new_cf - cf)
        # μ minimises Σ(y - μ - i_u - i_c - f_u f_c)² + λ_i·N·μ² given everything else;
        # Σ f_u f_c over ratings is Σ_c f_c · (Σ of f_u over c's raters).
        explained = r.user_n @ ui + r.claim_n @ ci + cf @ raters_f
        mu = (r.total - explained) / (r.n + mu_ridge) if r.n else 0.0
        mu, ui, uf, ci, cf = _flat_moves(
            mu, ui, uf, ci, cf, user_active, claim_active, user_ridge, claim_ridge, mu_ridge
        )
        change = max(_max_abs_diff(a, b) for a, b in zip(old, (mu, ui, uf, ci, cf), strict=True))
        converged = change <= tol

    if np.count_nonzero(uf > 0) < np.count_nonzero(uf < 0):
        uf, cf = -uf, -cf
    return BridgingFit(
        mu=float(mu),
        user_intercept=ui,
        user_factor=uf,
        claim_intercept=ci,
        claim_factor=cf,
        n_iter=n_iter,
        converged=converged,
        user_ridge=user_ridge,
        claim_ridge=claim_ridge,
    )


def _flat_moves(mu, ui, uf, ci, cf, user_active, claim_active, user_ridge, claim_ridge, mu_ridge):
    """Minimise the penalty exactly along directions that leave every prediction unchanged.

    ALS only creeps along these, because each needs users and claims to move together:

    1. how the overall mean is split: μ+α, i_u+β, i_c+γ (rated rows) with α+β+γ = 0;
    2. the origin of the factor axis: f_u+δ (rated users) with i_c−δ·f_c, and the mirror
       image f_c+ε (rated claims) with i_u−ε·f_u;
    3. the factor scale: f_u·s, f_c/s.

    Each is a small problem solved in closed form, so the loss never increases. On small
    dense data this cuts the sweeps about fourfold (62 → 16 on 3000 users x 300 claims).
    """
    lam_ui, lam_uf = user_ridge
    lam_ci, lam_cf = claim_ridge
    n_u = max(1, int(np.count_nonzero(user_active)))
    n_c = max(1, int(np.count_nonzero(claim_active)))
    # 1. Lagrange condition: λ_μ(μ+α) = Λ_u(Σi_u + n_u β) = Λ_c(Σi_c + n_c γ) = ν.
    sum_ui, sum_ci = ui.sum(), ci.sum()
    nu = (mu + sum_ui / n_u + sum_ci / n_c) / (1 / mu_ridge + 1 / (lam_ui * n_u) + 1 / (lam_ci * n_c))
    ui = ui + ((nu / lam_ui - sum_ui) / n_u) * user_active
    ci = ci + ((nu / lam_ci - sum_ci) / n_c) * claim_active
    mu = nu / mu_ridge
    # 2. Minimise Λ_uf Σ(f_u+δ)² + Λ_ci Σ(i_c−δ f_c)² over δ, then the mirror image.
    delta = (lam_ci * (ci @ cf) - lam_uf * uf.sum()) / (lam_uf * n_u + lam_ci * (cf @ cf))
    uf, ci = uf + delta * user_active, ci - delta * cf
    eps = (lam_ui * (ui @ uf) - lam_cf * cf.sum()) / (lam_cf * n_c + lam_ui * (uf @ uf))
    cf, ui = cf + eps * claim_active, ui - eps * uf
    # 3. Minimise Λ_uf s² Σf_u² + Λ_cf Σf_c² / s² over s.
    uu, cc = uf @ uf, cf @ cf
    if uu > 0 and cc > 0:
        scale = (lam_cf * cc / (lam_uf * uu)) ** 0.25
        uf, cf = uf * scale, cf / scale
    return mu, ui, uf, ci, cf


def _max_abs_diff(a, b) -> float:
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b)), initial=0.0))


def refresh_claims(
    fit: BridgingFit,
    users: np.ndarray,
    claims: np.ndarray,
    values: np.ndarray,
    *,
    claim_ids_subset: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Re-estimate (intercept, factor) for ``claim_ids_subset`` with users and μ frozen.

    This is one claim half-step of ALS restricted to those claims: a 2x2 ridge solve per
    claim over all of its current ratings (pass every rating of those claims; others are
    ignored), using the fit's per-claim penalties. Users unknown to the fit count with
    zero intercept and factor. Returns arrays aligned with ``claim_ids_subset``.
    """
    if fit.claim_ridge is None:
        raise ValueError("fit.claim_ridge is missing; keep it from the fit() result")
    subset = np.asarray(claim_ids_subset, dtype=np.int64)
    claims = np.asarray(claims, dtype=np.int64)
    users = np.asarray(users, dtype=np.int64)
    values = np.asarray(values, dtype=np.float64)
    wanted, inverse = np.unique(subset, return_inverse=True)
    if wanted.size == 0:
        return np.zeros(0), np.zeros(0)
    lookup = np.full(max(int(wanted[-1]), int(claims.max(initial=-1))) + 1, -1, dtype=np.int64)
    lookup[wanted] = np.arange(wanted.size)
    pos = lookup[claims]
    keep = pos >= 0
    pos, users, values = pos[keep], users[keep], values[keep]
    n_known = fit.user_intercept.size
    known = users < n_known
    u_i = np.where(known, fit.user_intercept[np.minimum(users, n_known - 1)], 0.0)
    u_f = np.where(known, fit.user_factor[np.minimum(users, n_known - 1)], 0.0)
    t = values - fit.mu - u_i
    k = wanted.size
    intercept, factor = _ridge_2x2(
        np.bincount(pos, minlength=k).astype(np.float64),
        np.bincount(pos, weights=u_f, minlength=k),
        np.bincount(pos, weights=u_f * u_f, minlength=k),
        np.bincount(pos, weights=t, minlength=k),
        np.bincount(pos, weights=t * u_f, minlength=k),
        *fit.claim_ridge,
    )
    return intercept[inverse], factor[inverse]


def statuses(
    intercept: np.ndarray,
    factor: np.ndarray,
    n_votes: np.ndarray,
    thresholds: Thresholds | None = None,
) -> np.ndarray:
    """Vectorised claim status.

    "agreed": intercept ≥ agree_intercept and |factor| ≤ max_abs_factor (agreement that is
    not one side's); "rejected": intercept ≤ reject_base − reject_slope·|factor| (the more
    polarised, the lower the intercept must be before we call it rejected); "divided"
    otherwise; "not_enough_votes" below min_votes regardless of the estimates.
    """
    th = thresholds or Thresholds()
    i = np.asarray(intercept, dtype=np.float64)
    abs_f = np.abs(np.asarray(factor, dtype=np.float64))
    enough = np.asarray(n_votes) >= th.min_votes
    return np.select(
        [
            ~enough,
            (i >= th.agree_intercept) & (abs_f <= th.max_abs_factor),
            i <= th.reject_base - th.reject_slope * abs_f,
        ],
        [STATUS_NOT_ENOUGH_VOTES, STATUS_AGREED, STATUS_REJECTED],
        default=STATUS_DIVIDED,
    )


def status(intercept: float, factor: float, n_votes: int, thresholds: Thresholds | None = None) -> str:
    """Status of one claim; see ``statuses``."""
    return str(statuses(np.array([intercept]), np.array([factor]), np.array([n_votes]), thresholds)[0])
