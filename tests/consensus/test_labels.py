import math

import numpy as np
import pytest

from annotations.consensus.labels import dawid_skene, majority_vote

K = 3  # claim / evidence / opinion


def _simulate(seed, n_items=500, per_item=5, accuracy=(0.9, 0.9, 0.9) + (0.4,) * 7):
    """Each item gets ``per_item`` distinct annotators; an annotator is right with its
    accuracy and otherwise says one of the other classes at random."""
    rng = np.random.default_rng(seed)
    accuracy = np.asarray(accuracy)
    truth = rng.integers(0, K, n_items)
    items = np.repeat(np.arange(n_items), per_item)
    workers = np.concatenate([rng.choice(accuracy.size, per_item, replace=False) for _ in range(n_items)])
    right = rng.random(items.size) < accuracy[workers]
    wrong = (truth[items] + rng.integers(1, K, items.size)) % K
    return truth, items, workers, np.where(right, truth[items], wrong), accuracy.size


@pytest.mark.parametrize("seed", range(5))
def test_dawid_skene_beats_majority_vote_with_mixed_reliability(seed):
    truth, items, workers, labels, n_workers = _simulate(seed)
    kw = dict(n_items=truth.size, n_workers=n_workers, n_classes=K)
    ds = dawid_skene(items, workers, labels, **kw)
    mv = majority_vote(items, workers, labels, **kw)
    ds_acc, mv_acc = (ds.label == truth).mean(), (mv.label == truth).mean()
    assert ds_acc > 0.85
    assert ds_acc > mv_acc + 0.1


def test_confusions_tell_reliable_from_random_annotators():
    truth, items, workers, labels, n_workers = _simulate(0)
    ds = dawid_skene(items, workers, labels, n_items=truth.size, n_workers=n_workers, n_classes=K, max_iter=200)
    assert ds.converged
    diag = np.einsum("wkk->wk", ds.confusion).mean(axis=1)
    assert np.all(diag[:3] > 0.8)
    assert np.all(np.abs(diag[3:] - 0.4) < 0.1)
    np.testing.assert_allclose(ds.confusion.sum(axis=2), 1.0)


def test_biased_annotators_are_decoded_not_followed():
    # Annotators 0 and 4 are always right; 1, 2 and 3 always say "opinion" (class 2), so
    # the majority is always "opinion". Dawid–Skene learns that their label carries no
    # information and follows the two reliable annotators.
    rng = np.random.default_rng(3)
    truth = rng.integers(0, K, 300)
    items = np.repeat(np.arange(300), 5)
    workers = np.tile([0, 1, 2, 3, 4], 300)
    labels = np.where(np.isin(workers, [1, 2, 3]), 2, truth[items])
    ds = dawid_skene(items, workers, labels, n_items=300, n_workers=5, n_classes=K)
    mv = majority_vote(items, workers, labels, n_items=300, n_workers=5, n_classes=K)
    assert (ds.label == truth).mean() == 1.0
    assert (mv.label == truth).mean() == (truth == 2).mean()
    assert np.all(ds.confusion[1:4, :, 2] > 0.95)
    assert np.all(np.einsum("wkk->wk", ds.confusion[[0, 4]]) > 0.95)


def test_posterior_is_one_e_step_of_its_own_parameters():
    truth, items, workers, labels, n_workers = _simulate(1, n_items=60)
    ds = dawid_skene(items, workers, labels, n_items=60, n_workers=n_workers, n_classes=K, max_iter=500, tol=1e-12)
    assert ds.converged
    for i in range(60):  # plain loops: p_k · Π π_w[k, l], normalised
        scores = [
            math.log(ds.prior[k])
            + sum(math.log(ds.confusion[w, k, lab]) for w, lab in zip(workers[items == i], labels[items == i], strict=True))
            for k in range(K)
        ]
        top = max(scores)
        probs = np.exp(np.array(scores) - top)
        np.testing.assert_allclose(ds.posterior[i], probs / probs.sum(), atol=1e-9)


def test_output_fields_and_unlabelled_items():
    items = np.array([0, 0, 0, 1, 1, 3])
    workers = np.array([0, 1, 2, 0, 1, 2])
    labels = np.array([1, 1, 2, 0, 2, 1])
    mv = majority_vote(items, workers, labels, n_items=4, n_workers=3, n_classes=K)
    np.testing.assert_allclose(mv.posterior[0], [0, 2 / 3, 1 / 3])
    assert list(mv.label) == [1, 0, -1, 1]  # item 1 is a tie: lowest class wins
    assert list(mv.n_annotators) == [3, 2, 0, 1]
    assert mv.confidence[2] == 0.0
    ds = dawid_skene(items, workers, labels, n_items=4, n_workers=3, n_classes=K)
    np.testing.assert_allclose(ds.posterior.sum(axis=1), 1.0)
    np.testing.assert_array_equal(ds.confidence[[0, 1, 3]], ds.posterior[[0, 1, 3]].max(axis=1))
    assert ds.label[2] == -1
    np.testing.assert_allclose(ds.posterior[2], ds.prior)
    assert ds.confusion.shape == (3, K, K)


def test_rejects_out_of_range_labels():
    with pytest.raises(ValueError):
        dawid_skene([0], [0], [3], n_items=1, n_workers=1, n_classes=K)
