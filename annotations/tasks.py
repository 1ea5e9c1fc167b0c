"""Celery tasks: thin wrappers that call services.

All are idempotent and acknowledged late: a task whose worker dies is redelivered (or, on a
broker that cannot redeliver, caught up by the next sweep).
"""
from celery import shared_task
from django.conf import settings
from django.core.cache import cache

from annotations.services.articles import revision_segment
from annotations.services.consensus import claims_refresh, consensus_refit, consensus_sweep
from annotations.services.consensus_queue import article_queued_key, claim_queued_key
from annotations.services.exports import export_run, exports_expire
from annotations.services.tag_agreement import labels_refresh


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def segment_revision(revision_id: int) -> int:
    """Split a long revision into sentences; returns how many sentences it has."""
    return revision_segment(revision_id=revision_id).sentences.count()


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100)
def refresh_claim_consensus(claim_id: int) -> None:
    """Recompute one claim from all its current votes. The queued mark goes first, so votes
    cast while this runs queue another run instead of being folded into this one."""
    cache.delete(claim_queued_key(claim_id))
    claims_refresh(claim_ids=[claim_id])


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=120, soft_time_limit=100)
def refresh_article_agreement(article_id: int) -> None:
    """Recompute one article's sentence tags and inter-annotator agreement."""
    cache.delete(article_queued_key(article_id))
    labels_refresh(article_ids=[article_id])


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def sweep_consensus() -> int:
    """Catch up on every claim and article whose consensus is out of date (scheduled)."""
    return consensus_sweep()


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.CONSENSUS_REFIT_TIME_LIMIT,
    soft_time_limit=settings.CONSENSUS_REFIT_TIME_LIMIT - 60,
)
def refit_consensus() -> int:
    """Refit the whole model (scheduled, and after bulk imports); returns the run's id."""
    return consensus_refit().pk


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=settings.REDNOTE_EXPORT_TIME_LIMIT,
    soft_time_limit=settings.REDNOTE_EXPORT_TIME_LIMIT - 60,
)
def run_export(job_id: int) -> None:
    """Write an export job's file. A redelivered job starts over in a fresh folder."""
    export_run(job_id=job_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, time_limit=600, soft_time_limit=540)
def expire_exports() -> int:
    """Remove export files past their date, stale work folders, and jobs no worker will finish
    (scheduled); returns the files removed."""
    return exports_expire()
