"""Reading every vote for the refit: packing, ids to indices, and (user, claim) order."""
import numpy as np
import pytest

from annotations.models import Claim, Vote
from annotations.services.consensus_votes import (
    _Packing,
    dense_index,
    in_user_claim_order,
    read_votes,
)
from tests.factories import ArticleFactory, UserFactory


def _pack_narrow(packing: _Packing, users, claims, values) -> bytes:
    shift = packing.claim_bits + 2
    return ((users << shift) | (claims << 2) | (values + 1)).astype(">i8").tobytes()


def _unpack(packing: _Packing, data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(data) // packing.size
    users, claims, values = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int8)
    packing.unpack(data, users, claims, values)
    return users, claims, values


def test_narrow_packing_unpacks_to_the_same_votes():
    users, claims, values = np.array([1, 7, 2**40]), np.array([3, 1000, 1]), np.array([1, -1, 0])
    packing = _Packing(int(users.max()), int(claims.max()))
    assert packing.narrow
    got = _unpack(packing, _pack_narrow(packing, users, claims, values))
    for array, expected in zip(got, (users, claims, values), strict=True):
        np.testing.assert_array_equal(array, expected)
    assert got[2].dtype == np.int8


def test_ids_too_large_for_one_integer_use_the_wide_packing():
    packing = _Packing(2**40, 2**30)  # 41 + 31 + 2 bits do not fit in 63
    assert not packing.narrow
    data = np.array([(2**40, 2**30, -1)], dtype=[("u", ">i8"), ("c", ">i8"), ("v", ">i2")]).tobytes()
    users, claims, values = _unpack(packing, data)
    assert (users.tolist(), claims.tolist(), values.tolist()) == ([2**40], [2**30], [-1])


def test_a_packing_knows_which_ids_it_holds():
    packing = _Packing(100, 10)  # 4 bits for claims
    assert packing.holds(100, 15) and packing.holds(2**50, 15)
    assert not packing.holds(100, 16)  # a claim made since the packing was chosen


@pytest.mark.parametrize("ids", [[5, 3, 5, 9, 3], [2**40, 7, 2**40, 11]])
def test_dense_index_is_numpys_unique_with_inverse(ids):
    ids = np.array(ids, dtype=np.int64)
    also = np.array([4, 9], dtype=np.int64)
    distinct, position = dense_index(ids, also)
    expected, inverse = np.unique(np.concatenate([ids, also]), return_inverse=True)
    np.testing.assert_array_equal(distinct, expected)
    np.testing.assert_array_equal(position, inverse[: ids.size])


@pytest.mark.parametrize("n_claims", [50, 2**31])  # a 32-bit key, and one that needs 64 bits
def test_votes_are_put_in_user_then_claim_order(n_claims):
    rng = np.random.default_rng(0)
    pairs = rng.choice(300 * 50, 2000, replace=False)
    users, claims = (pairs // 50).astype(np.int32), (pairs % 50 * (n_claims // 50)).astype(np.int64)
    values = rng.integers(-1, 2, 2000).astype(np.int8)
    got = in_user_claim_order(users, claims, values, n_claims)
    order = np.lexsort((claims, users))
    for array, expected in zip(got, (users[order], claims[order], values[order]), strict=True):
        np.testing.assert_array_equal(array, expected)


@pytest.mark.django_db
@pytest.mark.parametrize("huge_ids", [False, True])
def test_read_votes_returns_every_vote(huge_ids):
    article = ArticleFactory()
    claims = [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(3)]
    users = [UserFactory() for _ in range(4)]
    if huge_ids:  # too large to pack a vote into one integer
        claims.append(Claim.objects.create(pk=2**40, article=article, quote="A claim with a large id."))
        users.append(UserFactory(pk=2**30))
    expected = set()
    for i, user in enumerate(users):
        for j, claim in enumerate(claims):
            value = (i + j) % 3 - 1
            Vote.objects.create(user=user, claim=claim, value=value)
            expected.add((user.pk, claim.pk, value))
    user_ids, claim_ids, values = read_votes()
    assert values.dtype == np.int8 and user_ids.dtype == claim_ids.dtype == np.int64
    assert set(zip(user_ids.tolist(), claim_ids.tolist(), values.tolist(), strict=True)) == expected
    assert user_ids.size == len(expected)


@pytest.mark.django_db
def test_read_votes_with_none():
    user_ids, claim_ids, values = read_votes()
    assert user_ids.size == claim_ids.size == values.size == 0
