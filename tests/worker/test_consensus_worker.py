"""Consensus with a real Celery worker: a vote reaches its claim's consensus, and a worker
killed in the middle of a recompute does not leave the claim out of date."""
import os
import signal
import time
from pathlib import Path
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction

from annotations.models import Claim, ClaimConsensus, ConsensusRun, Vote
from annotations.services.consensus import consensus_refit
from annotations.services.consensus_queue import claim_queued_key
from annotations.services.votes import vote_cast
from annotations.tasks import refresh_claim_consensus, sweep_consensus
from tests.factories import ArticleFactory
from tests.worker.conftest import wait_for

pytestmark = pytest.mark.worker


def start_worker(start):
    """Start a worker and wait until it takes tasks."""
    log = Path(start.log_dir) / f"worker-{len(list(Path(start.log_dir).glob('worker-*.log')))}.log"
    process = start()
    assert wait_for(lambda: "ready." in log.read_text(), timeout=60), worker_logs(start)
    return process


def worker_logs(start) -> str:
    return "\n".join(p.read_text() for p in sorted(Path(start.log_dir).glob("worker-*.log")))[-4000:]


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants (from /proc)."""
    tree = [pid]
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in children.read_text().split():
            tree += process_tree(int(child))
    return tree


def is_clean(claim_id: int, votes: int):
    return ClaimConsensus.objects.filter(claim_id=claim_id, dirty=False, votes=votes).first()


@pytest.fixture
def claim():
    claim = Claim.objects.create(article=ArticleFactory(), quote="A claim the worker recomputes.")
    yield claim
    cache.delete(claim_queued_key(claim.pk))


@pytest.fixture
def voters():
    return get_user_model().objects.bulk_create(get_user_model()(username=f"w{i}") for i in range(8))


def test_a_vote_updates_its_claims_consensus_through_the_worker(celery_worker_process, claim, voters):
    start_worker(celery_worker_process)
    vote_cast(user=voters[0], claim_id=claim.pk, value="agree")
    cast = time.monotonic()
    row = wait_for(lambda: is_clean(claim.pk, 1), timeout=10, interval=0.05)
    assert row, f"the consensus was not updated within 10 s; worker log:\n{worker_logs(celery_worker_process)}"
    assert (row.agree, row.agree_share, row.computed_at is not None) == (1, 1.0, True)
    assert ConsensusRun.objects.exists()  # the first recompute was a full refit

    for voter in voters[1:4]:
        vote_cast(user=voter, claim_id=claim.pk, value="disagree")
    cast = time.monotonic()
    row = wait_for(lambda: is_clean(claim.pk, 4), timeout=10, interval=0.05)
    assert row and (row.agree, row.disagree) == (1, 3), worker_logs(celery_worker_process)
    assert time.monotonic() - cast < 10
    assert ConsensusRun.objects.count() == 1  # later votes refresh the claim, no refit


def _kill_mid_task(start, claim_id: int, *, whole_worker: bool) -> None:
    """Queue a recompute of the claim while its consensus row is locked, wait until the task
    has started (it clears the queued mark first) and is stuck writing, then SIGKILL the
    worker (parent and pool child) or only the pool child running the task."""
    worker = start_worker(start)
    with transaction.atomic():
        ClaimConsensus.objects.select_for_update().get(claim_id=claim_id)
        cache.set(claim_queued_key(claim_id), 1, timeout=60)
        refresh_claim_consensus.delay(claim_id)
        assert wait_for(lambda: cache.get(claim_queued_key(claim_id)) is None, timeout=30), worker_logs(start)
        time.sleep(1.0)  # reading and computing take milliseconds; then it waits for the lock
        tree = process_tree(worker.pid)
        assert len(tree) >= 2, "no pool process"
        for pid in tree if whole_worker else tree[1:]:
            os.kill(pid, signal.SIGKILL)
        if whole_worker:
            worker.wait(timeout=10)


def _prepare(claim, voters) -> int:
    """Five agree votes computed by a refit, then three disagree votes not computed yet (their
    recompute is queued by the test itself)."""
    with mock.patch("annotations.services.votes.enqueue_claim_refresh"):
        for voter in voters[:5]:
            vote_cast(user=voter, claim_id=claim.pk, value="agree")
        consensus_refit()
        for voter in voters[5:]:
            vote_cast(user=voter, claim_id=claim.pk, value="disagree")
    assert ClaimConsensus.objects.get(claim=claim).dirty
    return Vote.objects.filter(claim=claim).count()


def test_a_worker_killed_mid_task_leaves_the_claim_recomputed_after_restart_and_sweep(
    celery_worker_process, claim, voters
):
    votes = _prepare(claim, voters)
    _kill_mid_task(celery_worker_process, claim.pk, whole_worker=True)
    time.sleep(1.0)
    assert ClaimConsensus.objects.get(claim=claim).dirty  # the killed task wrote nothing
    start_worker(celery_worker_process)
    # Redis holds the unacknowledged task until its visibility timeout and the filesystem broker
    # has already handed it out: the scheduled sweep is what catches up.
    sweep_consensus.delay()
    row = wait_for(lambda: is_clean(claim.pk, votes), timeout=30)
    assert row, f"the claim is still out of date; worker log:\n{worker_logs(celery_worker_process)}"
    assert (row.agree, row.disagree) == (5, 3)


def test_a_task_whose_pool_process_dies_is_redelivered(celery_worker_process, claim, voters):
    votes = _prepare(claim, voters)
    _kill_mid_task(celery_worker_process, claim.pk, whole_worker=False)
    # acks_late + reject_on_worker_lost: the worker requeues the task and runs it again; no sweep.
    row = wait_for(lambda: is_clean(claim.pk, votes), timeout=30)
    assert row, f"the task was not redelivered; worker log:\n{worker_logs(celery_worker_process)}"
    assert (row.agree, row.disagree) == (5, 3)
    assert "WorkerLostError" in worker_logs(celery_worker_process)
