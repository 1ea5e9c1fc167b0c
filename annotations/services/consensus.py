"""Consensus from votes: the full refit, refreshing claims between refits, and the sweep that
catches up on out-of-date claims (and on tag agreement, `tag_agreement`). Queueing the work
after a vote is `consensus_queue`.

The maths is `annotations.consensus`; this module maps database ids to array indices and back
and writes the results with bulk statements.

- A refit reads every vote, fits the bridging model (vote ≈ μ + i_user + i_claim +
  f_user·f_claim over agree/disagree votes), finds opinion groups, and writes every voter's
  viewpoint and every claim's consensus. It also recomputes every article's tag agreement.
- Between refits a claim is refreshed against the voters' stored intercepts and factors and the
  last refit's μ (`bridging.refresh_claims`); voters the last refit did not see count with
  intercept and factor 0 and no group. Counts, agree share, Wilson interval and group shares
  are always exact.
- A consensus row is written as up to date only if no vote bumped its `version` since the
  computation read it; otherwise it stays dirty and the vote's own task (or the sweep)
  recomputes it.
"""
from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from annotations.consensus import bridging, groups
from annotations.consensus.wilson import wilson_interval
from annotations.models import Claim, ClaimConsensus, ConsensusRun, UserViewpoint, Vote, VoteValue
from annotations.services.bulk import BATCH, bulk_upsert, chunks
from annotations.services.consensus_votes import dense_index, in_user_claim_order, read_votes
from annotations.services.tag_agreement import labels_refresh

REFRESH_BATCH = 500
"""Claims refreshed together by the sweep."""
_CLAIM_FIELDS = [
    "votes", "agree", "disagree", "unsure", "agree_share", "wilson_low", "wilson_high", "intercept",
    "factor", "status", "groups", "group_consensus", "divisiveness", "computed_at", "dirty",
]


def thresholds() -> bridging.Thresholds:
    """The status cut-offs from the CONSENSUS_* settings."""
    return bridging.Thresholds(
        min_votes=settings.CONSENSUS_MIN_VOTES,
        agree_intercept=settings.CONSENSUS_AGREE_INTERCEPT,
        max_abs_factor=settings.CONSENSUS_MAX_ABS_FACTOR,
        reject_base=settings.CONSENSUS_REJECT_BASE,
        reject_slope=settings.CONSENSUS_REJECT_SLOPE,
    )


# ---- Per-claim numbers ------------------------------------------------------------------


@dataclass
class _ClaimVotes:
    """Votes on K claims: per vote the claim's index (0..K-1), the value (1, -1, 0) and the
    voter's opinion group (−1: none)."""

    claim_ids: np.ndarray
    index: np.ndarray
    value: np.ndarray
    group: np.ndarray


def _claim_rows(
    votes: _ClaimVotes, intercept: np.ndarray, factor: np.ndarray, group_sizes: list[int], now
) -> list[dict]:
    """Consensus rows (as for `bulk_upsert`) for every claim in `votes.claim_ids`, given the
    model's estimates; not dirty, at version 0 if new."""
    k = votes.claim_ids.size
    agree = np.bincount(votes.index, weights=votes.value == VoteValue.AGREE, minlength=k).astype(np.int64)
    disagree = np.bincount(votes.index, weights=votes.value == VoteValue.DISAGREE, minlength=k).astype(np.int64)
    total = np.bincount(votes.index, minlength=k)
    rated = agree + disagree
    status = bridging.statuses(intercept, factor, rated, thresholds())

    n_groups = len(group_sizes)
    g_agree, g_disagree, g_seen = groups.group_vote_counts(votes.group, votes.index, votes.value, k, n_groups)
    grouped = g_seen.sum(axis=0) > 0  # never true without groups
    group_consensus = groups.group_aware_consensus(g_agree, g_seen)
    divisiveness = groups.divisiveness(g_agree, g_seen)

    rows = []
    for c in range(k):
        low, high = wilson_interval(int(agree[c]), int(total[c]))
        rows.append(
            dict(
                claim_id=int(votes.claim_ids[c]),
                votes=int(total[c]),
                agree=int(agree[c]),
                disagree=int(disagree[c]),
                unsure=int(total[c] - rated[c]),
                agree_share=float(agree[c] / total[c]) if total[c] else None,
                wilson_low=low if total[c] else None,
                wilson_high=high if total[c] else None,
                intercept=float(intercept[c]) if rated[c] else None,
                factor=float(factor[c]) if rated[c] else None,
                status=str(status[c]),
                groups=[
                    {
                        "group": g,
                        "members": group_sizes[g],
                        "agree": int(g_agree[g, c]),
                        "disagree": int(g_disagree[g, c]),
                        "unsure": int(g_seen[g, c] - g_agree[g, c] - g_disagree[g, c]),
                        "share": float(g_agree[g, c] / g_seen[g, c]) if g_seen[g, c] else None,
                    }
                    for g in range(n_groups)
                ],
                group_consensus=float(group_consensus[c]) if grouped[c] else None,
                divisiveness=float(divisiveness[c]) if grouped[c] else None,
                computed_at=now,
                dirty=False,
                dirty_at=None,
                version=0,
            )
        )
    return rows


def _save_claim_rows(rows: list[dict], read_versions: dict[int, int], *, every_row: bool) -> None:
    """Write consensus rows in one transaction. A row is left dirty if a vote bumped its version
    after `read_versions` was taken (the rows are locked first, so no vote slips in between).

    Locks are taken in the order votes take them, claims then consensus rows, each by id: the
    claims whose row did not exist when `read_versions` was read (so that they cannot go before
    their row is inserted), then the consensus rows.
    """
    with transaction.atomic():
        fresh = sorted(row["claim_id"] for row in rows if row["claim_id"] not in read_versions)
        live: set[int] = set()
        for chunk in chunks(fresh):
            claims = Claim.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
            live.update(claims.values_list("pk", flat=True))
        locked = ClaimConsensus.objects.select_for_update().order_by("claim_id")
        if every_row:
            current = dict(locked.values_list("claim_id", "version"))
        else:
            current = {}
            for chunk in chunks(sorted(row["claim_id"] for row in rows)):
                current.update(locked.filter(claim_id__in=chunk).values_list("claim_id", "version"))
        existing, new = [], []
        for row in rows:
            if row["claim_id"] in current:
                row["dirty"] = current[row["claim_id"]] != read_versions.get(row["claim_id"], 0)
                existing.append(row)
            elif row["claim_id"] in live:
                new.append(row)
        bulk_upsert(ClaimConsensus, existing, update_fields=_CLAIM_FIELDS)
        # A vote may have inserted the row meanwhile: its version wins and the row stays dirty.
        bulk_upsert(ClaimConsensus, new, update_fields=[])


# ---- Refreshing claims between refits -------------------------------------------------------


def latest_fitted_run() -> ConsensusRun | None:
    """The newest refit whose model (μ, voters' viewpoints) has been written."""
    return ConsensusRun.objects.filter(mu__isnull=False).order_by("-started_at", "-id").first()


def claims_refresh(*, claim_ids: Iterable[int]) -> None:
    """Recompute these claims from all their current votes against the last refit's model.
    Idempotent. With no refit yet, runs the first one instead."""
    ids = np.unique(np.fromiter(claim_ids, dtype=np.int64))
    if ids.size == 0:
        return
    run = latest_fitted_run()
    if run is None:
        consensus_refit()
        return
    id_list = ids.tolist()
    read_versions = dict(ClaimConsensus.objects.filter(claim_id__in=id_list).values_list("claim_id", "version"))
    ids = np.array(sorted(Claim.objects.filter(pk__in=id_list).values_list("pk", flat=True)), dtype=np.int64)
    rows = Vote.objects.filter(claim_id__in=ids.tolist()).values_list(
        "claim_id", "value", "user__viewpoint__intercept", "user__viewpoint__factor", "user__viewpoint__group"
    )
    # Voters the last refit did not see: intercept and factor 0, no group.
    table = np.array(
        [(c, v, i or 0.0, f or 0.0, -1 if g is None else g) for c, v, i, f, g in rows], dtype=np.float64
    ).reshape(-1, 5)
    votes = _ClaimVotes(
        claim_ids=ids,
        index=np.searchsorted(ids, table[:, 0].astype(np.int64)),
        value=table[:, 1].astype(np.int64),
        group=table[:, 4].astype(np.int64),
    )
    rated = votes.value != VoteValue.UNSURE
    # Each rating is its own "user" to refresh_claims: it only needs the rater's parameters.
    frozen = bridging.BridgingFit(
        mu=run.mu,
        user_intercept=table[rated, 2],
        user_factor=table[rated, 3],
        claim_intercept=np.zeros(0),
        claim_factor=np.zeros(0),
        n_iter=0,
        converged=True,
        claim_ridge=(run.claim_ridge_intercept, run.claim_ridge_factor),
    )
    intercept, factor = bridging.refresh_claims(
        frozen,
        np.arange(int(rated.sum())),
        votes.index[rated],
        (votes.value[rated] == VoteValue.AGREE).astype(np.float64),
        claim_ids_subset=np.arange(ids.size),
    )
    _save_claim_rows(_claim_rows(votes, intercept, factor, run.group_sizes, timezone.now()), read_versions, every_row=False)


def consensus_sweep() -> int:
    """Refresh every out-of-date claim (all of them by a refit if there has been none yet) and
    every article whose tags changed since its agreement was computed. Returns how many claims
    were out of date."""
    from annotations.selectors.consensus import stale_agreement_articles

    dirty = list(ClaimConsensus.objects.filter(dirty=True).order_by("dirty_at").values_list("claim_id", flat=True))
    if latest_fitted_run() is None:
        if dirty or Vote.objects.exists():
            consensus_refit()
    else:
        for chunk in chunks(dirty, REFRESH_BATCH):
            claims_refresh(claim_ids=chunk)
    stale = list(stale_agreement_articles().values_list("pk", flat=True))
    if stale:
        labels_refresh(article_ids=stale)
    return len(dirty)


# ---- The full refit -------------------------------------------------------------------------


def _replace_viewpoints(user_ids: np.ndarray, intercept: np.ndarray, factor: np.ndarray, group: np.ndarray) -> None:
    """Every voter's viewpoint from this refit in place of the last one's (people with no votes
    left lose theirs). Call inside a transaction; readers see the old rows until it commits.
    On PostgreSQL one COPY of text (floats by repr: exact)."""
    UserViewpoint.objects.all().delete()
    rows = zip(user_ids.tolist(), intercept.tolist(), factor.tolist(), group.tolist(), strict=True)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor, cursor.copy(
            f"COPY {quote(UserViewpoint._meta.db_table)} (user_id, intercept, factor, {quote('group')}) FROM STDIN"
        ) as copy:
            copy.write("".join(f"{pk}\t{i!r}\t{f!r}\t{g}\n" for pk, i, f, g in rows))
    else:
        UserViewpoint.objects.bulk_create(
            (UserViewpoint(user_id=pk, intercept=i, factor=f, group=g) for pk, i, f, g in rows), batch_size=BATCH
        )


def consensus_refit() -> ConsensusRun:
    """Fit the model on every vote and rewrite every voter's viewpoint and every claim's
    consensus, then every article's tag agreement. Idempotent: with no new votes the same
    numbers are written again."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        timings[name] = round(time.perf_counter() - clock, 3)
        clock = time.perf_counter()

    th = thresholds()
    run = ConsensusRun.objects.create(started_at=timezone.now(), thresholds=asdict(th))
    read_versions = dict(ClaimConsensus.objects.values_list("claim_id", "version"))
    user_id, claim_id, value = read_votes()
    lap("read")

    user_ids, u = dense_index(user_id, np.zeros(0, dtype=np.int64))
    # Claims with a row but no votes any more are rewritten as empty.
    claim_ids, c = dense_index(claim_id, np.fromiter(read_versions, dtype=np.int64))
    del user_id, claim_id
    # In (user, claim) order, the order the fit and the groups work in: each then finds its
    # input sorted instead of sorting it again. The results do not depend on the order.
    u, c, value = in_user_claim_order(u, c, value, claim_ids.size)
    rated = value != VoteValue.UNSURE
    everything = bool(rated.all())  # then the ratings are the votes, with no copies
    fit = bridging.fit(
        u if everything else u[rated], c if everything else c[rated],
        (value == VoteValue.AGREE if everything else value[rated] == VoteValue.AGREE).astype(np.float64),
        n_users=user_ids.size, n_claims=claim_ids.size,
    )
    lap("fit")
    group = groups.opinion_groups(
        u, c, value, n_users=user_ids.size, n_claims=claim_ids.size, max_groups=settings.CONSENSUS_MAX_GROUPS
    )
    group_sizes = np.bincount(group[group >= 0], minlength=int(group.max(initial=-1)) + 1).tolist()
    lap("groups")

    rows = _claim_rows(
        _ClaimVotes(claim_ids=claim_ids, index=c, value=value, group=group[u]),
        fit.claim_intercept, fit.claim_factor, group_sizes, timezone.now(),
    )
    lap("claims")

    with transaction.atomic():
        _replace_viewpoints(user_ids, fit.user_intercept, fit.user_factor, group)
        # Refreshes use the newest run with μ set: its model and groups go in with the viewpoints.
        run.mu = fit.mu
        run.claim_ridge_intercept, run.claim_ridge_factor = fit.claim_ridge
        run.n_groups, run.group_sizes = len(group_sizes), group_sizes
        run.save(update_fields=["mu", "claim_ridge_intercept", "claim_ridge_factor", "n_groups", "group_sizes"])
    lap("write_viewpoints")
    _save_claim_rows(rows, read_versions, every_row=True)
    lap("write_claims")
    corpus = labels_refresh()
    lap("labels")

    run.n_votes, run.n_ratings = int(value.size), int(rated.sum())
    run.n_users, run.n_claims = int(user_ids.size), int(np.unique(c).size)
    run.n_iter, run.converged = fit.n_iter, fit.converged
    run.corpus_alpha, run.corpus_units, run.corpus_taggers = corpus.alpha, corpus.n_units, corpus.n_taggers
    run.seconds = timings
    run.finished_at = timezone.now()
    run.save()
    return run


