"""Label consensus for sentence tags (claim / evidence / opinion ...) from several annotators.

Majority vote treats every annotator as equally reliable. Dawid & Skene (1979) instead
estimates, for each annotator w, a confusion matrix π_w[k, l] = P(w says l | true class k)
and a class prior p_k, and the posterior over each item's true class

    P(true = k | item's labels) ∝ p_k · Π_{(w, l) on the item} π_w[k, l]

by EM: start from the majority-vote posteriors, then alternate M (confusions and prior
from the current soft labels, with additive smoothing so that an annotator with few labels
stays close to uniform instead of being trusted blindly) and E (posteriors). Annotators
who agree with the emerging consensus get sharp, diagonal confusions and dominate; those
who label at random get flat rows and stop mattering. Everything is vectorised over
annotations with ``np.bincount``.
"""

from dataclasses import dataclass

import numpy as np


@dataclass
class LabelConsensus:
    """Per-item consensus. Items nobody labelled have label −1, confidence 0 and the
    prior (Dawid–Skene) or the uniform distribution (majority vote) as posterior."""

    posterior: np.ndarray  # (n_items, n_classes)
    label: np.ndarray  # argmax of posterior
    confidence: np.ndarray  # max of posterior
    n_annotators: np.ndarray  # labels per item
    confusion: np.ndarray  # (n_workers, n_classes, n_classes): P(says l | true k)
    prior: np.ndarray  # (n_classes,)
    n_iter: int = 0
    converged: bool = True


def _check(items, workers, labels, n_items, n_workers, n_classes):
    items, workers, labels = (np.asarray(x, dtype=np.int64) for x in (items, workers, labels))
    if not (items.shape == workers.shape == labels.shape and items.ndim == 1):
        raise ValueError("items, workers and labels must be 1-D arrays of equal length")
    for name, x, n in (("item", items, n_items), ("worker", workers, n_workers), ("label", labels, n_classes)):
        if x.size and (x.min() < 0 or x.max() >= n):
            raise ValueError(f"{name} index out of range")
    return items, workers, labels


def _vote_posterior(items, labels, n_items, n_classes):
    """Share of each item's labels per class; uniform for unlabelled items."""
    counts = np.bincount(items * n_classes + labels, minlength=n_items * n_classes)
    counts = counts.reshape(n_items, n_classes).astype(np.float64)
    total = counts.sum(axis=1, keepdims=True)
    return np.where(total > 0, counts / np.maximum(total, 1), 1.0 / n_classes), total[:, 0]


def _m_step(post, items, workers, labels, n_workers, n_classes, smoothing, labelled):
    """Smoothed confusion matrices and class prior from soft labels ``post``."""
    k = n_classes
    soft = post[items]  # (n_annotations, K): weight of each true class
    cell = (workers[:, None] * k + np.arange(k)[None, :]) * k + labels[:, None]
    counts = np.bincount(cell.ravel(), weights=soft.ravel(), minlength=n_workers * k * k)
    counts = counts.reshape(n_workers, k, k) + smoothing
    confusion = counts / counts.sum(axis=2, keepdims=True)
    prior = post[labelled].sum(axis=0) + smoothing
    return confusion, prior / prior.sum()


def _finish(post, n_ann, confusion, prior, n_iter, converged) -> LabelConsensus:
    labelled = n_ann > 0
    return LabelConsensus(
        posterior=post,
        label=np.where(labelled, post.argmax(axis=1), -1),
        confidence=np.where(labelled, post.max(axis=1), 0.0),
        n_annotators=n_ann.astype(np.int64),
        confusion=confusion,
        prior=prior,
        n_iter=n_iter,
        converged=converged,
    )


def majority_vote(
    items, workers, labels, *, n_items: int, n_workers: int, n_classes: int, smoothing: float = 1.0
) -> LabelConsensus:
    """Vote shares as the posterior (ties go to the lowest class index in ``label``).

    ``confusion``/``prior`` are what one Dawid–Skene M-step makes of the vote shares, so
    the two methods can be compared like for like.
    """
    items, workers, labels = _check(items, workers, labels, n_items, n_workers, n_classes)
    post, n_ann = _vote_posterior(items, labels, n_items, n_classes)
    confusion, prior = _m_step(post, items, workers, labels, n_workers, n_classes, smoothing, n_ann > 0)
    return _finish(post, n_ann, confusion, prior, 0, True)


def dawid_skene(
    items: np.ndarray,
    workers: np.ndarray,
    labels: np.ndarray,
    *,
    n_items: int,
    n_workers: int,
    n_classes: int,
    max_iter: int = 50,
    tol: float = 1e-6,
    smoothing: float = 1.0,
) -> LabelConsensus:
    """Dawid–Skene EM from majority-vote initialisation.

    ``smoothing`` is added to every confusion-matrix cell and prior count (a symmetric
    Dirichlet(1 + smoothing) prior, MAP estimate). Stops when no posterior moves by more
    than ``tol`` or after ``max_iter`` EM rounds.
    """
    items, workers, labels = _check(items, workers, labels, n_items, n_workers, n_classes)
    post, n_ann = _vote_posterior(items, labels, n_items, n_classes)
    labelled = n_ann > 0
    converged = False
    n_iter = 0
    while n_iter < max_iter and not converged:
        n_iter += 1
        confusion, prior = _m_step(post, items, workers, labels, n_workers, n_classes, smoothing, labelled)
        log_conf = np.log(confusion)[workers, :, labels]  # (n_annotations, K)
        cell = items[:, None] * n_classes + np.arange(n_classes)[None, :]
        log_post = np.bincount(
            cell.ravel(), weights=log_conf.ravel(), minlength=n_items * n_classes
        ).reshape(n_items, n_classes) + np.log(prior)
        log_post -= log_post.max(axis=1, keepdims=True)
        new = np.exp(log_post)
        new /= new.sum(axis=1, keepdims=True)
        converged = float(np.abs(new - post).max(initial=0.0)) <= tol
        post = new
    confusion, prior = _m_step(post, items, workers, labels, n_workers, n_classes, smoothing, labelled)
    post[~labelled] = prior
    return _finish(post, n_ann, confusion, prior, n_iter, converged)
