"""Queueing consensus work after a commit: one pending task per claim or article at a time.

A burst of votes on one claim queues one refresh: a cache mark, named after the claim, stands
for the queued task until the task starts. With the broker or the cache down nothing is
queued and nothing fails; the scheduled sweep finds the out-of-date rows and catches up.
"""
from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from django.core.cache import cache
from django.db import connection

logger = logging.getLogger(__name__)

QUEUED_TTL = 30
"""Seconds a queued refresh blocks another one for the same claim (a lost task frees it)."""
QUEUE_ERRORS = (kombu.exceptions.OperationalError, redis.exceptions.RedisError, OSError)
"""What a broker or cache that is down raises. The work is then left to the sweep."""


def _queued_key(kind: str, pk: int) -> str:
    # Named after the database too, so that deployments and test runs sharing a Redis do not
    # hold back each other's work.
    return f"consensus:queued:{connection.settings_dict['NAME']}:{kind}:{pk}"


def claim_queued_key(claim_id: int) -> str:
    return _queued_key("claim", claim_id)


def article_queued_key(article_id: int) -> str:
    return _queued_key("article", article_id)


def _enqueue_once(key: str, task, pk: int) -> None:
    """Queue `task(pk)` unless the same one is queued and not started yet. The task deletes the
    key before it reads anything, so changes made while it runs queue it again."""
    try:
        if cache.add(key, 1, timeout=QUEUED_TTL):
            try:
                task.delay(pk)
            except QUEUE_ERRORS:
                cache.delete(key)
                raise
    except QUEUE_ERRORS as error:
        logger.warning("Could not queue %s(%s), the sweep will catch up: %s", task.name, pk, error)


def enqueue_claim_refresh(claim_id: int) -> None:
    from annotations.tasks import refresh_claim_consensus

    _enqueue_once(claim_queued_key(claim_id), refresh_claim_consensus, claim_id)


def enqueue_article_agreement(article_id: int) -> None:
    from annotations.tasks import refresh_article_agreement

    _enqueue_once(article_queued_key(article_id), refresh_article_agreement, article_id)


def enqueue_refit() -> None:
    from annotations.tasks import refit_consensus

    try:
        refit_consensus.delay()
    except QUEUE_ERRORS as error:
        logger.warning("Could not queue a refit, the scheduled one will catch up: %s", error)
