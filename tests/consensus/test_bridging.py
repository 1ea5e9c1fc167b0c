import numpy as np
import pytest
from scipy.optimize import minimize

from annotations.consensus import bridging
from annotations.consensus.bridging import BridgingFit, Thresholds, refresh_claims, status, statuses

from .synthetic import planted

LAMBDA_I, LAMBDA_F = 0.15, 0.03


def _fit(d, **kw):
    return bridging.fit(d.users, d.claims, d.values, n_users=d.n_users, n_claims=d.n_claims, **kw)


def _unpack(theta, n_users, n_claims):
    mu = theta[0]
    ui, uf, ci, cf = np.split(theta[1:], np.cumsum([n_users, n_users, n_claims]))
    return mu, ui, uf, ci, cf


def _cn_loss_and_grad(theta, users, claims, y, n_users, n_claims):
    """Community Notes' loss written out directly: MSE + Σ_blocks λ·mean(param²)."""
    mu, ui, uf, ci, cf = _unpack(theta, n_users, n_claims)
    n = y.size
    res = y - (mu + ui[users] + ci[claims] + uf[users] * cf[claims])
    loss = (res @ res) / n + LAMBDA_I * (mu**2 + ui @ ui / n_users + ci @ ci / n_claims)
    loss += LAMBDA_F * (uf @ uf / n_users + cf @ cf / n_claims)
    g = -2 * res / n
    grad = np.concatenate(
        [
            [g.sum() + 2 * LAMBDA_I * mu],
            np.bincount(users, g, n_users) + 2 * LAMBDA_I * ui / n_users,
            np.bincount(users, g * cf[claims], n_users) + 2 * LAMBDA_F * uf / n_users,
            np.bincount(claims, g, n_claims) + 2 * LAMBDA_I * ci / n_claims,
            np.bincount(claims, g * uf[users], n_claims) + 2 * LAMBDA_F * cf / n_claims,
        ]
    )
    return loss, grad


def _theta(f: BridgingFit):
    return np.concatenate(
        [[f.mu], f.user_intercept, f.user_factor, f.claim_intercept, f.claim_factor]
    )


@pytest.fixture(scope="module")
def small():
    return planted(60, 15, 8, seed=3)


@pytest.fixture(scope="module")
def default_data():
    return planted(3000, 200, 40, seed=0)


def test_fit_is_a_stationary_point_of_the_community_notes_loss(small):
    # Every user and claim has ratings, so "mean over the block" is over all rows.
    assert np.unique(small.users).size == small.n_users
    assert np.unique(small.claims).size == small.n_claims
    f = _fit(small, tol=1e-12, max_iter=5000)
    assert f.converged
    _, grad = _cn_loss_and_grad(
        _theta(f), small.users, small.claims, small.values, small.n_users, small.n_claims
    )
    assert np.abs(grad).max() < 1e-9


def test_fit_is_at_least_as_good_as_a_generic_optimiser(small):
    f = _fit(small, tol=1e-12, max_iter=5000)
    args = (small.users, small.claims, small.values, small.n_users, small.n_claims)
    start = np.random.default_rng(1).normal(0, 0.3, _theta(f).size)
    generic = minimize(_cn_loss_and_grad, start, args=args, jac=True, method="L-BFGS-B",
                       options={"maxiter": 20000, "gtol": 1e-12, "ftol": 1e-15})
    als_loss, _ = _cn_loss_and_grad(_theta(f), *args)
    assert als_loss <= generic.fun + 1e-10


def test_over_relaxation_reaches_the_same_fit_as_plain_als():
    sparse = planted(10000, 1000, 8, seed=0)  # ~8 votes per user: where ALS crawls
    plain = _fit(sparse, relaxation=1.0, tol=1e-10, max_iter=3000)
    fast = _fit(sparse, tol=1e-10, max_iter=3000)
    assert plain.converged and fast.converged
    assert fast.n_iter < plain.n_iter / 2
    np.testing.assert_allclose(_theta(fast), _theta(plain), atol=1e-7)


def test_bridging_ranks_consensus_above_partisan_where_raw_share_does_not():
    for seed in range(3):
        d = planted(3000, 200, 40, seed=seed)
        f = _fit(d)
        consensus, partisan = d.kind == "consensus", d.kind == "partisan_a"
        # The planted data is built so that raw agree share favours the majority's claims...
        share = d.raw_share()
        assert share[partisan].mean() > share[consensus].mean()
        assert (share[consensus][:, None] > share[partisan][None, :]).mean() < 0.5
        # ...while every consensus claim gets a higher intercept than every partisan one.
        assert f.claim_intercept[consensus].min() > f.claim_intercept[partisan].max()
        assert np.abs(f.claim_factor[partisan]).min() > np.abs(f.claim_factor[consensus]).max()


def test_factor_separates_the_camps_and_the_majority_is_positive(default_data):
    f = _fit(default_data)
    camp_a = default_data.camp == 0
    assert (f.user_factor[camp_a] > 0).mean() > 0.99
    assert (f.user_factor[~camp_a] < 0).mean() > 0.99
    assert np.all(f.claim_factor[default_data.kind == "partisan_a"] > 0)
    assert np.all(f.claim_factor[default_data.kind == "partisan_b"] < 0)


def test_result_does_not_depend_on_vote_order(default_data):
    d = default_data
    f = _fit(d)
    perm = np.random.default_rng(7).permutation(d.users.size)
    g = bridging.fit(d.users[perm], d.claims[perm], d.values[perm], n_users=d.n_users, n_claims=d.n_claims)
    # Ratings are sorted into canonical order first, so the arithmetic is identical.
    np.testing.assert_array_equal(_theta(f), _theta(g))
    assert f.n_iter == g.n_iter


def test_warm_start_from_a_converged_fit_changes_nothing(default_data):
    f = _fit(default_data, tol=1e-12, max_iter=2000)
    assert f.converged
    again = _fit(default_data, init=f, tol=1e-12)
    assert again.n_iter == 1 and again.converged
    np.testing.assert_allclose(_theta(again), _theta(f), rtol=0, atol=1e-9)


def test_warm_start_with_new_users_and_claims_converges_faster():
    d = planted(3000, 200, 40, seed=4)
    old = (d.users < 2900) & (d.claims < 190)
    before = bridging.fit(d.users[old], d.claims[old], d.values[old], n_users=2900, n_claims=190)
    warm = _fit(d, init=before)
    cold = _fit(d)
    assert warm.n_iter < cold.n_iter
    np.testing.assert_allclose(warm.claim_intercept, cold.claim_intercept, atol=1e-4)


def test_rows_without_ratings_are_zero():
    d = planted(50, 10, 5, seed=0)
    f = bridging.fit(d.users, d.claims, d.values, n_users=60, n_claims=12)
    assert not f.user_intercept[50:].any() and not f.user_factor[50:].any()
    assert not f.claim_intercept[10:].any() and not f.claim_factor[10:].any()


def test_no_ratings_at_all_fit_to_zero_and_new_votes_can_still_be_refreshed():
    empty = np.zeros(0, dtype=np.int64)
    f = bridging.fit(empty, empty, np.zeros(0), n_users=3, n_claims=2)
    assert f.mu == 0.0 and f.converged
    assert not f.user_intercept.any() and not f.claim_factor.any() and f.claim_intercept.size == 2
    intercept, _ = refresh_claims(f, np.arange(6), np.zeros(6, dtype=np.int64), np.ones(6), claim_ids_subset=np.arange(1))
    assert intercept[0] > 0  # six agrees after an empty fit: the claim's intercept rises


def test_duplicate_ratings_are_rejected():
    with pytest.raises(ValueError, match="duplicate"):
        bridging.fit(np.array([0, 0]), np.array([1, 1]), np.array([1.0, 0.0]), n_users=1, n_claims=2)


def test_penalty_scales_with_ratings_per_row(small):
    f = _fit(small)
    n = small.users.size
    per_user = n / np.unique(small.users).size
    per_claim = n / np.unique(small.claims).size
    assert f.user_ridge == pytest.approx((LAMBDA_I * per_user, LAMBDA_F * per_user))
    assert f.claim_ridge == pytest.approx((LAMBDA_I * per_claim, LAMBDA_F * per_claim))


def test_statuses_on_planted_data():
    d = planted(3000, 200, 40, seed=0, consensus_agree=0.9)
    f = _fit(d)
    st = statuses(f.claim_intercept, f.claim_factor, np.bincount(d.claims, minlength=d.n_claims))
    assert np.all(st[d.kind == "consensus"] == "agreed")
    assert not np.any(np.isin(st[d.kind != "consensus"], ["agreed"]))
    assert np.all(np.isin(st[(d.kind == "partisan_a") | (d.kind == "partisan_b")], ["divided"]))
    assert (st[d.kind == "rejected"] == "rejected").mean() > 0.7
    assert not np.any(st[d.kind != "rejected"] == "rejected")


@pytest.mark.parametrize(
    "intercept,factor,n,expected",
    [
        (0.40, 0.50, 5, "agreed"),
        (0.40, -0.50, 5, "agreed"),
        (0.399, 0.0, 5, "divided"),
        (0.90, 0.51, 5, "divided"),
        (0.90, 0.0, 4, "not_enough_votes"),
        (-0.05, 0.0, 5, "rejected"),
        (-0.049, 0.0, 5, "divided"),
        (-0.45, 0.5, 5, "rejected"),
        (-0.449, -0.5, 5, "divided"),
        (-0.9, 0.0, 0, "not_enough_votes"),
    ],
)
def test_status_thresholds(intercept, factor, n, expected):
    assert status(intercept, factor, n) == expected


def test_statuses_is_status_vectorised():
    rng = np.random.default_rng(0)
    i, f, n = rng.uniform(-1, 1, 500), rng.uniform(-1, 1, 500), rng.integers(0, 10, 500)
    th = Thresholds(min_votes=3, agree_intercept=0.3)
    assert list(statuses(i, f, n, th)) == [status(*args, th) for args in zip(i, f, n, strict=True)]


def test_refresh_claims_is_the_claim_half_step_of_the_fit(default_data):
    d = default_data
    f = _fit(d, tol=1e-12, max_iter=2000)
    subset = np.array([5, 17, 3, 5])
    intercept, factor = refresh_claims(f, d.users, d.claims, d.values, claim_ids_subset=subset)
    np.testing.assert_allclose(intercept, f.claim_intercept[subset], atol=1e-9)
    np.testing.assert_allclose(factor, f.claim_factor[subset], atol=1e-9)


def test_refresh_claims_moves_with_new_votes(default_data):
    d = default_data
    f = _fit(d)
    claim = int(np.flatnonzero(d.kind == "partisan_a")[0])
    voted = np.isin(np.arange(d.n_users), d.users[d.claims == claim])
    camp_b_newcomers = np.flatnonzero(~voted & (d.camp == 1))[:40]
    base_i, base_f = refresh_claims(f, d.users, d.claims, d.values, claim_ids_subset=[claim])

    def with_votes(value):
        users = np.concatenate([d.users, camp_b_newcomers])
        claims = np.concatenate([d.claims, np.full(camp_b_newcomers.size, claim)])
        values = np.concatenate([d.values, np.full(camp_b_newcomers.size, value)])
        return refresh_claims(f, users, claims, values, claim_ids_subset=[claim])

    agree_i, agree_f = with_votes(1.0)
    disagree_i, _ = with_votes(0.0)
    assert agree_i[0] > base_i[0] > disagree_i[0]
    # The other camp agreeing makes the claim look less partisan.
    assert 0 < agree_f[0] < base_f[0]


def test_refresh_claims_for_unknown_users_and_a_new_claim(default_data):
    f = _fit(default_data)
    users = np.arange(default_data.n_users, default_data.n_users + 12)
    values = np.array([1.0] * 10 + [0.0] * 2)
    new_claim = default_data.n_claims + 3
    intercept, factor = refresh_claims(
        f, users, np.full(12, new_claim), values, claim_ids_subset=[new_claim]
    )
    # Raters with zero intercept and factor: the 2x2 system is diagonal.
    assert intercept[0] == pytest.approx((values - f.mu).sum() / (12 + f.claim_ridge[0]))
    assert factor[0] == 0.0


def test_flat_moves_keep_predictions_and_lower_the_penalty(small):
    d = small
    rng = np.random.default_rng(5)
    n_u, n_c, n = d.n_users, d.n_claims, d.users.size
    user_ridge = (LAMBDA_I * n / n_u, LAMBDA_F * n / n_u)
    claim_ridge = (LAMBDA_I * n / n_c, LAMBDA_F * n / n_c)
    args = (d.users, d.claims, d.values, n_u, n_c)
    for _ in range(5):
        theta = rng.normal(0.2, 0.5, 1 + 2 * n_u + 2 * n_c)
        moved = bridging._flat_moves(
            *_unpack(theta, n_u, n_c), np.ones(n_u, bool), np.ones(n_c, bool),
            user_ridge, claim_ridge, LAMBDA_I * n,
        )
        mu, ui, uf, ci, cf = moved

        def predict(mu, ui, uf, ci, cf):
            return mu + ui[d.users] + ci[d.claims] + uf[d.users] * cf[d.claims]

        np.testing.assert_allclose(predict(*moved), predict(*_unpack(theta, n_u, n_c)), atol=1e-12)
        assert _cn_loss_and_grad(np.concatenate([[mu], ui, uf, ci, cf]), *args)[0] < _cn_loss_and_grad(theta, *args)[0]
        # The last move balances the factor penalties, the optimum of f_u·s, f_c/s.
        assert user_ridge[1] * uf @ uf == pytest.approx(claim_ridge[1] * cf @ cf)
