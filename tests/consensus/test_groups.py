import itertools
import math

import numpy as np
import pytest

from annotations.consensus import bridging
from annotations.consensus.groups import (
    adjusted_rand_index,
    divisiveness,
    group_agree_shares,
    group_aware_consensus,
    kmeans,
    opinion_groups,
    silhouette,
    votes_needed_for_groups,
)

from .synthetic import planted


def _ari_by_pairs(a, b):
    """Textbook ARI from pair counts over all item pairs (no contingency table)."""
    pairs = list(itertools.combinations(range(len(a)), 2))
    same_a = [a[i] == a[j] for i, j in pairs]
    same_b = [b[i] == b[j] for i, j in pairs]
    both = sum(x and y for x, y in zip(same_a, same_b, strict=True))
    expected = sum(same_a) * sum(same_b) / len(pairs)
    top = (sum(same_a) + sum(same_b)) / 2
    return (both - expected) / (top - expected)


def test_ari_matches_pair_counting_on_random_labelings():
    rng = np.random.default_rng(0)
    for _ in range(20):
        n = int(rng.integers(5, 40))
        a, b = rng.integers(0, 3, n), rng.integers(0, 4, n)
        if len(set(a)) == 1 and len(set(b)) == 1:
            continue
        assert adjusted_rand_index(a, b) == pytest.approx(_ari_by_pairs(list(a), list(b)), abs=1e-12)


def test_ari_known_values():
    assert adjusted_rand_index([0, 0, 1, 1], [5, 5, 9, 9]) == 1.0
    assert adjusted_rand_index([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]) == pytest.approx(0.24242424, abs=1e-8)
    assert adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


def test_opinion_groups_recover_planted_camps():
    d = planted(1500, 120, 30, seed=1, camp_a_share=0.6)
    votes = d.values_signed
    labels = opinion_groups(d.users, d.claims, votes, n_users=d.n_users, n_claims=d.n_claims)
    assert labels.max() == 1  # silhouette picks the two planted camps
    assert adjusted_rand_index(labels, d.camp) > 0.95
    assert (labels == 0).sum() > (labels == 1).sum()  # group 0 is the larger


def test_opinion_groups_from_the_bridging_factor():
    d = planted(1500, 120, 30, seed=1, camp_a_share=0.6)
    f = bridging.fit(d.users, d.claims, d.values, n_users=d.n_users, n_claims=d.n_claims)
    labels = opinion_groups(
        d.users, d.claims, d.values_signed, n_users=d.n_users, n_claims=d.n_claims,
        user_factor=f.user_factor,
    )
    assert adjusted_rand_index(labels, d.camp) > 0.95


def test_users_with_too_few_votes_get_no_group():
    d = planted(400, 60, 20, seed=2)
    first = np.searchsorted(d.users, d.users)  # votes are sorted by user
    keep = (d.users >= 50) | (np.arange(d.users.size) - first < 5 + d.users % 3)
    labels = opinion_groups(
        d.users[keep], d.claims[keep], d.values_signed[keep], n_users=d.n_users, n_claims=d.n_claims
    )
    remaining = np.bincount(d.users[keep], minlength=d.n_users)
    assert set(remaining[:50]) == {5, 6, 7}
    np.testing.assert_array_equal(labels < 0, remaining < 7)


def test_opinion_groups_are_deterministic():
    d = planted(800, 80, 25, seed=3)
    perm = np.random.default_rng(0).permutation(d.users.size)
    kw = dict(n_users=d.n_users, n_claims=d.n_claims)
    a = opinion_groups(d.users, d.claims, d.values_signed, **kw)
    b = opinion_groups(d.users[perm], d.claims[perm], d.values_signed[perm], **kw)
    np.testing.assert_array_equal(a, b)


def test_kmeans_and_silhouette_on_separated_blobs():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [10, 0], [0, 10]])
    points = np.concatenate([c + rng.normal(0, 0.5, (50, 2)) for c in centres])
    truth = np.repeat([0, 1, 2], 50)
    assign = kmeans(points, 3, seed=0)
    assert adjusted_rand_index(assign, truth) == 1.0
    assert silhouette(points, assign) > 0.9
    assert silhouette(points, np.arange(150) % 3) < 0.05


def test_silhouette_matches_direct_definition():
    rng = np.random.default_rng(1)
    points = rng.normal(size=(25, 2))
    labels = rng.integers(0, 3, 25)
    labels[0] = 2  # make sure every cluster exists
    labels[1], labels[2] = 0, 1
    scores = []
    for i in range(25):
        dist = [math.dist(points[i], points[j]) for j in range(25)]
        own = [dist[j] for j in range(25) if labels[j] == labels[i] and j != i]
        if not own:
            scores.append(0.0)
            continue
        a = sum(own) / len(own)
        b = min(
            np.mean([dist[j] for j in range(25) if labels[j] == k])
            for k in set(labels.tolist()) - {labels[i]}
        )
        scores.append((b - a) / max(a, b))
    assert silhouette(points, labels) == pytest.approx(np.mean(scores), abs=1e-12)


def test_group_agree_shares_counts():
    labels = np.array([0, 0, 1, -1])
    users = np.array([0, 1, 2, 3, 0, 2])
    claims = np.array([0, 0, 0, 0, 1, 1])
    votes = np.array([1, 0, -1, 1, 1, 1])
    agree, seen = group_agree_shares(labels, users, claims, votes, n_claims=2, n_groups=2)
    np.testing.assert_array_equal(agree, [[1, 1], [0, 1]])
    np.testing.assert_array_equal(seen, [[2, 1], [1, 1]])  # the pass counts as seen


def test_group_aware_consensus_formula_and_log_space():
    agree = np.array([[8, 9, 0], [7, 1, 0]])
    seen = np.array([[10, 10, 0], [10, 10, 3]])
    expected = [(9 / 12) * (8 / 12), (10 / 12) * (2 / 12), (1 / 2) * (1 / 5)]
    np.testing.assert_allclose(group_aware_consensus(agree, seen), expected)
    # 400 groups: the plain product of 400 factors of 1/12 underflows to 0.
    assert np.prod(np.full(400, 1 / 12)) == 0.0
    lg = group_aware_consensus(np.tile([0, 1], (400, 1)), np.full((400, 2), 10), log=True)
    np.testing.assert_allclose(lg, [400 * math.log(1 / 12), 400 * math.log(2 / 12)])


def test_group_aware_consensus_prefers_cross_camp_claims():
    d = planted(3000, 200, 40, seed=0)
    agree, seen = group_agree_shares(d.camp, d.users, d.claims, d.values_signed, d.n_claims, 2)
    gac = group_aware_consensus(agree, seen)
    assert gac[d.kind == "consensus"].min() > gac[d.kind == "partisan_a"].max()
    div = divisiveness(agree, seen)
    assert div[d.kind == "partisan_a"].min() > 0.7
    assert div[d.kind == "consensus"].max() < 0.15


def test_divisiveness_edge_cases():
    agree = np.array([[10, 0, 5, 0], [0, 0, 5, 0]])
    seen = np.array([[10, 10, 10, 4], [10, 10, 10, 0]])
    div = divisiveness(agree, seen)
    assert div[0] == pytest.approx(11 / 12 - 1 / 12)
    assert div[1] == 0.0 and div[2] == 0.0
    assert div[3] == 0.0  # only one group voted
    assert divisiveness(np.zeros((0, 3)), np.zeros((0, 3))).tolist() == [0.0, 0.0, 0.0]  # no groups yet


def test_votes_needed_for_groups_tops_up_the_closest_voters():
    assert votes_needed_for_groups([], n_claims=8) == 21  # three new voters, seven votes each
    assert votes_needed_for_groups([10, 3], n_claims=8) == 4 + 7
    assert votes_needed_for_groups([1, 9, 6, 7, 2], n_claims=8) == 1
    assert votes_needed_for_groups([7, 7, 7], n_claims=7) == 0
    assert votes_needed_for_groups([3], n_claims=6) is None  # nobody can reach seven votes yet


def _camps(votes_per_voter: list[int]):
    """Voters 0 and 1 agree with every claim they vote on, the others disagree."""
    users, claims, values = [], [], []
    for user, n in enumerate(votes_per_voter):
        users += [user] * n
        claims += list(range(n))
        values += [1 if user < 2 else -1] * n
    return np.array(users), np.array(claims), np.array(values)


@pytest.mark.parametrize("votes", [[7, 7, 6], [9, 7, 3, 2], [7, 1]])
def test_groups_form_exactly_when_the_votes_said_to_be_needed_are_cast(votes):
    n_claims = 9
    needed = votes_needed_for_groups(votes, n_claims=n_claims)
    users, claims, values = _camps(votes)
    before = opinion_groups(users, claims, values, n_users=len(votes) + 3, n_claims=n_claims)
    assert before.max() <= 0  # no split yet
    topped = sorted(votes, reverse=True)[:3]
    topped = [max(n, 7) for n in topped + [0] * (3 - len(topped))]
    assert sum(topped) - sum(sorted(votes, reverse=True)[:3]) == needed
    one_short = topped.copy()
    one_short[-1] -= 1
    users, claims, values = _camps(one_short)
    assert opinion_groups(users, claims, values, n_users=3, n_claims=n_claims).max() <= 0
    users, claims, values = _camps(topped)
    assert opinion_groups(users, claims, values, n_users=3, n_claims=n_claims).max() == 1


def test_votes_spread_so_thinly_that_no_claim_has_two_voters_give_one_group_not_a_crash():
    """Each of 10 people voted on 8 claims nobody else voted on: nothing tells them apart, so
    they are one group (the refit used to stop with ArpackError "Starting vector is zero")."""
    users = np.repeat(np.arange(10), 8)
    claims = np.arange(80)
    values = np.where(claims % 2 == 0, 1.0, -1.0)
    labels = opinion_groups(users, claims, values, n_users=10, n_claims=80)
    assert labels.tolist() == [0] * 10
