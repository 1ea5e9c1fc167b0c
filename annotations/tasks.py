"""Celery tasks: thin wrappers that call services."""
from celery import shared_task

from annotations.services.articles import revision_segment


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def segment_revision(revision_id: int) -> int:
    """Split a long revision into sentences; returns how many sentences it has."""
    return revision_segment(revision_id=revision_id).sentences.count()
