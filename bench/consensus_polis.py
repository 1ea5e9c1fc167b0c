"""Consensus maths on six real Polis conversations, compared with Polis' own results.

For each conversation: size, bridging fit time, opinion-group time, adjusted Rand index of
our groups against Polis' (over participants both place; coverage = share of Polis-grouped
participants we also place), group counts, and precision@k of the top-k statements by
bridging intercept against the statements every Polis group agreed with (k = how many
there are, or 10 if none; see ``polis.load_conversation`` for the definition), next to
the same precision for raw agree share and for group-aware consensus on our groups.

Data: REDNOTE_POLIS_DIR (default <repo>/../shared/polis), read in place.

    .venv/bin/python bench/consensus_polis.py
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from annotations.consensus import bridging, groups, polis  # noqa: E402

POLIS_DIR = Path(os.environ.get("REDNOTE_POLIS_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "polis"))


def _timed(fn, repeats=3):
    best, result = np.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return result, best


def _precision(scores, relevant, k):
    if relevant.size == 0:
        return float("nan")
    top = np.argsort(-scores, kind="stable")[:k]
    return float(np.isin(top, relevant).mean())


def _ari(ours, theirs):
    both = (ours >= 0) & (theirs >= 0)
    coverage = both.sum() / max(1, (theirs >= 0).sum())
    return groups.adjusted_rand_index(ours[both], theirs[both]), coverage


def main() -> None:
    folders = sorted(p for p in POLIS_DIR.iterdir() if p.is_dir()) if POLIS_DIR.is_dir() else []
    if not folders:
        sys.exit(f"no Polis conversations under {POLIS_DIR}")
    print(polis.ATTRIBUTION)
    print()
    summary = []
    for folder in folders:
        conv = polis.load_conversation(folder)
        rated = conv.votes != 0  # passes are not ratings for the bridging model
        users, claims = conv.voters[rated], conv.comments[rated]
        values = (conv.votes[rated] > 0).astype(np.float64)
        fit, fit_s = _timed(
            lambda users=users, claims=claims, values=values, conv=conv: bridging.fit(
                users, claims, values, n_users=conv.n_voters, n_claims=conv.n_comments
            )
        )
        shape = dict(n_users=conv.n_voters, n_claims=conv.n_comments)
        labels, group_s = _timed(
            lambda conv=conv, shape=shape: groups.opinion_groups(conv.voters, conv.comments, conv.votes, **shape)
        )
        by_factor = groups.opinion_groups(
            conv.voters, conv.comments, conv.votes, user_factor=fit.user_factor, **shape
        )
        ari, coverage = _ari(labels, conv.polis_group)
        ari_factor, _ = _ari(by_factor, conv.polis_group)

        n_ours = int(labels.max()) + 1
        agree, seen = groups.group_agree_shares(
            labels, conv.voters, conv.comments, conv.votes, conv.n_comments, n_ours
        )
        n_rated = np.bincount(claims, minlength=conv.n_comments)
        share = np.bincount(claims, weights=values, minlength=conv.n_comments) / np.maximum(n_rated, 1)
        relevant = conv.polis_consensus
        k = relevant.size or 10
        p_bridge = _precision(fit.claim_intercept, relevant, k)
        p_share = _precision(share, relevant, k)
        p_gac = _precision(groups.group_aware_consensus(agree, seen, log=True), relevant, k)
        st = bridging.statuses(fit.claim_intercept, fit.claim_factor, n_rated)
        summary.append((ari, ari_factor, p_bridge, p_share, p_gac))

        print(f"== {conv.name}")
        print(
            f"   {conv.n_voters} voters, {conv.n_comments} statements, {conv.votes.size} votes "
            f"({rated.sum()} agree/disagree); fit {fit_s * 1000:.1f} ms ({fit.n_iter} sweeps), "
            f"groups {group_s * 1000:.1f} ms"
        )
        print(
            f"   groups: Polis {int(conv.polis_group.max()) + 1}, ours {n_ours}; ARI {ari:.3f} "
            f"(coverage {coverage:.2f}); ARI clustering the bridging factor instead {ari_factor:.3f}"
        )
        print(
            f"   every-group-agreed statements: {relevant.size}; precision@{k}: bridging {p_bridge:.2f}, "
            f"raw agree share {p_share:.2f}, group-aware consensus {p_gac:.2f}"
        )
        counts = {s: int((st == s).sum()) for s in ("agreed", "divided", "rejected", "not_enough_votes")}
        print(f"   mu {fit.mu:.3f}; statuses {counts}")
        for c in np.argsort(-fit.claim_intercept, kind="stable")[:3]:
            text = " ".join(conv.comment_texts[c].split())
            text = text if len(text) <= 90 else text[:87] + "..."
            mark = "*" if c in relevant else " "
            print(f"   {mark} i={fit.claim_intercept[c]:+.3f} f={fit.claim_factor[c]:+.3f} n={n_rated[c]:>4}  {text}")
    means = np.nanmean(np.array(summary), axis=0)
    print()
    print(
        f"mean ARI {means[0]:.3f} (bridging factor: {means[1]:.3f}); mean precision@k over conversations "
        f"with every-group-agreed statements: bridging {means[2]:.2f}, raw share {means[3]:.2f}, "
        f"group-aware consensus {means[4]:.2f}"
    )
    print("(* = one of the statements every Polis group agreed with)")
    print(polis.ATTRIBUTION)


if __name__ == "__main__":
    main()
