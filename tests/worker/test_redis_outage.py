"""Redis shut down and restarted while votes arrive: the API keeps answering, no vote is lost,
and after the sweep every claim's consensus matches its votes.

The test starts a Redis server of its own on a spare port (skipped without `redis-server`),
points the cache, the Celery broker and a real worker at it, and stops it with SIGTERM in the
middle of the voting. The server keeps nothing on disk, so the tasks queued before the outage
are gone when it comes back: the sweep is what catches up.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.urls import reverse

from annotations.api.throttles import SwitchableThrottle
from annotations.models import Claim, ClaimConsensus, Vote, VoteValue
from annotations.services.consensus import consensus_sweep
from tests.conftest import client_for
from tests.factories import ArticleFactory
from tests.worker.conftest import wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]

VALUES = ("agree", "disagree", "unsure")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisServer:
    """A throwaway `redis-server` on one port that the test can stop and start again."""

    def __init__(self, port: int, log_dir: Path) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.log_dir = log_dir
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = open(self.log_dir / f"redis-{time.monotonic_ns()}.log", "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=log, stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        assert wait_for(lambda: self._answers(client), timeout=10, interval=0.05), self.logs()

    def stop(self) -> None:
        """SIGTERM, as a service manager would stop it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.log_dir.glob("redis-*.log")))[-3000:]

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


def _reset_broker_connections(app) -> None:
    """Make the Celery app connect again with its current configuration: it keeps a pool of
    broker connections made from the URL it was first given."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def app_on_redis(redis_server, settings, monkeypatch, request):
    """The cache, the Celery broker of this process and a real worker, all on `redis_server`.
    Yields the worker starter from `celery_worker_process`."""
    from rednote.celery import app

    settings.REDIS_URL = redis_server.url
    on_redis = {
        "BACKEND": "annotations.cache.FallbackRedisCache",
        "LOCATION": redis_server.url,
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }
    # The reads cache too, as in production (annotations/read_cache.py): pages keep answering.
    settings.CACHES = {"default": on_redis, "reads": {**on_redis, "KEY_PREFIX": "reads"}}
    # The API throttles count in the default cache, as in production (tests/conftest.py gives
    # them a private in-memory one).
    monkeypatch.setattr(SwitchableThrottle, "cache", cache)
    monkeypatch.setenv("REDIS_URL", redis_server.url)  # read by the worker process at its start
    previous = {key: app.conf[key] for key in ("broker_url", "broker_transport_options")}
    app.conf.broker_url = redis_server.url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    _reset_broker_connections(app)
    start = request.getfixturevalue("celery_worker_process")
    yield start
    for key, value in previous.items():
        app.conf[key] = value
    _reset_broker_connections(app)


def start_worker(start) -> subprocess.Popen:
    process = start()
    log = Path(start.log_dir) / "worker-0.log"
    assert wait_for(lambda: "ready." in log.read_text(), timeout=60), log.read_text()[-3000:]
    return process


def worker_log(start) -> str:
    return "\n".join(p.read_text() for p in sorted(Path(start.log_dir).glob("worker-*.log")))[-3000:]


def cast(voter, claim: Claim, value: str, failures: list[str]) -> None:
    """A vote through the API; anything but 200 is recorded."""
    response = client_for(voter).post(
        reverse("api-claim-vote", args=[claim.pk]), {"value": value}, format="json"
    )
    if response.status_code != 200:
        failures.append(f"vote on {claim.pk}: {response.status_code} {response.content[:300]!r}")


def read(claim: Claim, voter, failures: list[str]) -> None:
    """The claim's consensus through the API and its page, as readers keep loading them."""
    for url in (reverse("api-claim-consensus", args=[claim.pk]), reverse("claim-detail", args=[claim.pk])):
        response = client_for(voter).get(url)
        if response.status_code != 200:
            failures.append(f"GET {url}: {response.status_code}")


def expected(claim: Claim) -> tuple[int, int, int, int]:
    votes = Vote.objects.filter(claim=claim)
    return (
        votes.count(),
        votes.filter(value=VoteValue.AGREE).count(),
        votes.filter(value=VoteValue.DISAGREE).count(),
        votes.filter(value=VoteValue.UNSURE).count(),
    )


def consensus_matches_votes(claims: list[Claim]) -> bool:
    rows = {row.claim_id: row for row in ClaimConsensus.objects.filter(claim__in=claims)}
    return all(
        claim.pk in rows
        and not rows[claim.pk].dirty
        and (rows[claim.pk].votes, rows[claim.pk].agree, rows[claim.pk].disagree, rows[claim.pk].unsure)
        == expected(claim)
        for claim in claims
    )


def test_votes_survive_redis_shut_down_and_restarted_mid_run(app_on_redis, redis_server):
    started = time.monotonic()
    article = ArticleFactory()
    claims = [Claim.objects.create(article=article, quote=f"Claim {i} voted on through an outage.") for i in range(3)]
    voters = get_user_model().objects.bulk_create(get_user_model()(username=f"outage{i}") for i in range(12))
    start_worker(app_on_redis)
    failures: list[str] = []

    for i, voter in enumerate(voters[:4]):  # Redis up: the worker computes these
        cast(voter, claims[i % 3], VALUES[i % 3], failures)
    assert wait_for(lambda: consensus_matches_votes(claims[:3]), timeout=20), worker_log(app_on_redis)
    assert redis.Redis.from_url(redis_server.url).keys("*throttle_*"), "the API does not count in this Redis"

    redis_server.stop()
    for i, voter in enumerate(voters[4:10]):  # Redis down: accepted, computed later
        cast(voter, claims[i % 3], VALUES[(i + 1) % 3], failures)
        read(claims[i % 3], voter, failures)
    cast(voters[0], claims[0], "disagree", failures)  # a changed vote during the outage
    assert failures == [], failures
    assert Vote.objects.filter(claim__in=claims).count() == 10
    assert ClaimConsensus.objects.filter(claim__in=claims, dirty=True).count() == 3

    redis_server.start()
    for voter in voters[10:]:
        cast(voter, claims[2], "agree", failures)
    assert failures == [], failures
    # The web process and the worker reconnect by themselves: these votes are queued and computed.
    assert wait_for(lambda: consensus_matches_votes(claims[2:]), timeout=30), worker_log(app_on_redis)
    # The votes cast during the outage queued nothing: their claims stay out of date...
    assert ClaimConsensus.objects.filter(claim__in=claims[:2], dirty=True).count() == 2

    consensus_sweep()  # ...until the sweep (beat runs it every CONSENSUS_SWEEP_SECONDS)
    assert Vote.objects.filter(claim__in=claims).count() == 12
    assert Vote.objects.get(user=voters[0], claim=claims[0]).value == VoteValue.DISAGREE
    assert wait_for(lambda: consensus_matches_votes(claims), timeout=10), [
        (row.claim_id, row.dirty, row.votes, row.agree, row.disagree, row.unsure)
        for row in ClaimConsensus.objects.filter(claim__in=claims)
    ]
    assert time.monotonic() - started < 60
