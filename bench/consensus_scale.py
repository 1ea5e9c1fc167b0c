"""Bridging fit at scale: 100k users x 10k claims at 100k, 1M and 10M synthetic votes.

Prints fit time, sweeps, peak memory allocated during the fit (tracemalloc: numpy and
scipy arrays included), whether the planted structure is recovered (share of
(consensus, partisan) claim pairs the claim intercept orders correctly), and for
reference the time to find opinion groups on the same votes. Target: 1M votes in <= 2 s
on a 2-core machine.

    .venv/bin/python bench/consensus_scale.py [--max-votes 1000000] [--repeats 3]
"""

import argparse
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotations.consensus import bridging, groups  # noqa: E402
from tests.consensus.synthetic import planted  # noqa: E402

N_USERS, N_CLAIMS = 100_000, 10_000
SIZES = (100_000, 1_000_000, 10_000_000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-votes", type=int, default=10_000_000, help="largest size to run")
    parser.add_argument("--repeats", type=int, default=3, help="timed fits per size (min is reported)")
    args = parser.parse_args()

    print(f"{N_USERS:,} users x {N_CLAIMS:,} claims; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(
        f"{'target':>10} {'votes':>10} {'gen s':>6} {'fit s':>7} {'sweeps':>6} {'conv':>5} "
        f"{'peak MB':>8} {'pairs ok':>8} {'groups s':>8}"
    )
    for size in (s for s in SIZES if s <= args.max_votes):
        start = time.perf_counter()
        d = planted(N_USERS, N_CLAIMS, size // N_USERS, seed=0)
        gen = time.perf_counter() - start
        times = []
        for _ in range(max(1, args.repeats)):
            start = time.perf_counter()
            fit = bridging.fit(d.users, d.claims, d.values, n_users=N_USERS, n_claims=N_CLAIMS)
            times.append(time.perf_counter() - start)
        tracemalloc.start()
        bridging.fit(d.users, d.claims, d.values, n_users=N_USERS, n_claims=N_CLAIMS)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        consensus = fit.claim_intercept[d.kind == "consensus"]
        partisan = fit.claim_intercept[d.kind == "partisan_a"]
        pairs = (consensus[:, None] > partisan[None, :]).mean()
        start = time.perf_counter()
        groups.opinion_groups(d.users, d.claims, d.values_signed, n_users=N_USERS, n_claims=N_CLAIMS)
        group_s = time.perf_counter() - start
        print(
            f"{size:>10,} {d.users.size:>10,} {gen:>6.2f} {min(times):>7.3f} {fit.n_iter:>6} "
            f"{'yes' if fit.converged else 'no':>5} {peak / 2**20:>8.0f} {pairs:>8.3f} {group_s:>8.2f}"
        )
    print(f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print("(1 vote per user at 100k: intercept and factor are not separately identifiable, so ~0.5 pairs is expected)")


if __name__ == "__main__":
    main()
