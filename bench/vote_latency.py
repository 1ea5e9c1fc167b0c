"""From a vote to its claim's updated consensus, with a real Celery worker on the configured
broker (Redis when REDIS_URL is set, else the filesystem broker) and a throwaway test database.

Seeds 300 voters on 50 claims and fits the model, starts `celery worker` like the worker tests
do, then casts 200 votes through the service (random voter and claim, a short pause between
votes) and measures, per vote, the time until the claim's consensus row is up to date with it:
not dirty and computed after the vote. Prints p50 / p95 / max; the target is p95 <= 2 s.

    .venv/bin/python bench/vote_latency.py [--votes 200] [--pause 0.05] [--concurrency 2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
from django_env import REPO, django_test_database

N_VOTERS, N_CLAIMS = 300, 50


def seed():
    """Voters, claims and a first refit, so that votes are refreshes against a fitted model."""
    from django.contrib.auth import get_user_model

    from annotations.models import Claim, VoteValue
    from annotations.services.articles import article_create
    from annotations.services.consensus import consensus_refit
    from annotations.services.votes import ImportedVote, votes_import
    from tests.consensus.synthetic import planted

    article = article_create(text="Latency Article\nOne sentence to hang the claims on.")
    claims = Claim.objects.bulk_create(Claim(article=article, quote=f"Claim {c}.") for c in range(N_CLAIMS))
    data = planted(N_VOTERS, N_CLAIMS, 20, seed=1)
    votes_import(
        votes=[
            ImportedVote(line=i, username=f"v{u}", claim_id=claims[c].pk, value=VoteValue.AGREE if v else VoteValue.DISAGREE)
            for i, (u, c, v) in enumerate(zip(data.users, data.claims, data.values, strict=True))
        ]
    )
    consensus_refit()
    return list(get_user_model().objects.filter(username__startswith="v")), claims


def start_worker(queue: str, concurrency: int, log: Path) -> subprocess.Popen:
    from tests.worker.conftest import database_url

    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "rednote", "worker", "--loglevel", "INFO", "--pool", "prefork",
         "--concurrency", str(concurrency), "--queues", queue, "--hostname", f"{queue}@%h",
         "--without-gossip", "--without-mingle"],
        cwd=REPO, env={**os.environ, "DATABASE_URL": database_url(), "PYTHONUNBUFFERED": "1"},
        stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit(f"the worker did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    return process


def measure(voters, claims, *, n_votes: int, pause: float) -> list[float]:
    """Cast votes at a steady pace and poll for each one's claim to be up to date with it."""
    from django.utils import timezone

    from annotations.models import ClaimConsensus
    from annotations.services.votes import vote_cast

    rng = np.random.default_rng(7)
    pending: list[tuple[int, object, float]] = []  # claim, wall time before the vote, monotonic
    latencies: list[float] = []
    next_vote, cast = time.monotonic(), 0
    deadline = None
    while cast < n_votes or pending:
        now = time.monotonic()
        if cast < n_votes and now >= next_vote:
            claim = claims[int(rng.integers(len(claims)))]
            before, started = timezone.now(), time.monotonic()
            vote = vote_cast(user=voters[int(rng.integers(len(voters)))], claim_id=claim.pk,
                             value=("agree", "disagree", "unsure")[int(rng.integers(3))])
            if vote.updated_at >= before:  # the same vote again changes nothing: not counted
                pending.append((claim.pk, before, started))
                cast += 1
            next_vote = now + pause
            if cast == n_votes:
                deadline = time.monotonic() + 60
        if pending:
            fresh = {
                claim_id: computed_at
                for claim_id, computed_at in ClaimConsensus.objects.filter(
                    claim_id__in={p[0] for p in pending}, dirty=False
                ).values_list("claim_id", "computed_at")
            }
            seen = time.monotonic()
            still = []
            for claim_id, before, started in pending:
                if claim_id in fresh and fresh[claim_id] >= before:
                    latencies.append(seen - started)
                else:
                    still.append((claim_id, before, started))
            pending = still
        if deadline and time.monotonic() > deadline:
            raise SystemExit(f"{len(pending)} votes never reached their claim's consensus")
        time.sleep(0.01)
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--votes", type=int, default=200)
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between votes")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    args = parser.parse_args()

    with django_test_database(), tempfile.TemporaryDirectory() as scratch:
        from django.conf import settings
        from django.db import connection

        from annotations.models import ConsensusRun
        from rednote.celery import app

        voters, claims = seed()  # in-process
        app.conf.task_always_eager = False
        queue = f"rednote-bench-{uuid.uuid4().hex[:8]}"
        app.conf.task_default_queue = queue
        runs = ConsensusRun.objects.count()
        worker = start_worker(queue, args.concurrency, Path(scratch) / "worker.log")
        try:
            latencies = measure(voters, claims, n_votes=args.votes, pause=args.pause)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
        broker = "Redis" if settings.REDIS_URL else "filesystem broker"
        ms = sorted(x * 1000 for x in latencies)
        print(f"backend: {connection.vendor}; broker: {broker}; worker concurrency {args.concurrency}; "
              f"{N_VOTERS} voters, {N_CLAIMS} claims; a vote every {args.pause * 1000:.0f} ms; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"votes {len(ms)}  p50 {statistics.median(ms):.0f} ms  p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms  "
              f"max {ms[-1]:.0f} ms  (refits during the run: {ConsensusRun.objects.count() - runs})")


if __name__ == "__main__":
    main()
