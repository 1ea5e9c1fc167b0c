"""Exporting annotated corpora: writing an export into a folder (the command does this in its own
process) and export jobs, which a worker runs in the background.

A job's life: `export_start` checks what was asked and that something matches, saves the job
and queues it after commit. The worker's `export_run` writes into a fresh folder under
REDNOTE_EXPORT_DIR/tmp/, reports progress to the job's row as it goes (every PROGRESS_SECONDS
at most) and stops when it finds the job is no longer running (cancelled); then it zips the
folder and moves the zip into place with one rename, and only then marks the job done. A job
that fails says why and leaves no file; a job whose worker died is run again from scratch when
it is redelivered. `exports_expire` (beat) removes files past their date, stale work folders,
and jobs no worker will finish.
"""
from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import shutil
import time
import uuid
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from functools import partial
from importlib import metadata
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations import exporters, policy
from annotations.exporters.rows import ExportIntegrityError, ExportMeta, NothingToExport
from annotations.models import ExportFormat, ExportJob, ExportStatus
from annotations.selectors.exports import DatabaseCorpus
from annotations.selectors.exports_filters import (
    MODERATOR_ONLY,
    ExportFilters,
    ExportRequestError,
    may_use_moderator_filters,
    parse_filters,
    parse_format,
)
from annotations.selectors.exports_plan import export_plan
from annotations.services.audit import audit_record
from annotations.services.consensus_queue import QUEUE_ERRORS

logger = logging.getLogger(__name__)

ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
PROGRESS_SECONDS = 0.5
"""Least time between two progress writes to a job's row (each also checks for cancellation)."""
NOTHING_MATCHES = "No annotations match these filters."
NEVER_STARTED_AFTER = dt.timedelta(days=1)
"""A job still queued this long after it was made has lost its task."""


class ExportCancelled(Exception):
    """The job stopped running while it was being written (its owner cancelled it)."""


class ExportStateError(ValueError):
    """The job is past what was asked of it (cancelling a finished export)."""


def formats_of(fmt: str) -> list[str]:
    """The formats an export writes: one, or every one for `all` (a subfolder each)."""
    return [f for f in ExportFormat.values if f != ExportFormat.ALL] if fmt == ExportFormat.ALL else [fmt]


def export_dir() -> Path:
    return Path(settings.REDNOTE_EXPORT_DIR)


def _app_version() -> str:
    try:
        return metadata.version("rednote")
    except metadata.PackageNotFoundError:
        return "unknown"


def export_meta(filters: ExportFilters) -> ExportMeta:
    return ExportMeta(
        app_version=_app_version(),
        created=timezone.now().isoformat(),
        filters=filters.as_json(),
        real_names=filters.real_names,
    )


@contextmanager
def _without_cycle_collector():
    """Rows stream through as millions of short-lived tuples that reference counting frees;
    the cyclic collector's passes over them cost a quarter of an export's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def export_write(
    *, filters: ExportFilters, fmt: str, out_dir: Path, progress: Callable[[int], None] | None = None
) -> dict:
    """Write the export into `out_dir` (for `all`, a subfolder per format) and return its
    summary: documents and annotations exported, per format what each file holds and what the
    format left out, and the hidden and deleted content left out. `progress` is told the
    annotations written so far, over all formats; it may raise to stop."""
    corpus = DatabaseCorpus(filters, meta=export_meta(filters))
    plan = corpus.plan
    if plan.annotations == 0:
        raise ExportRequestError({"filters": NOTHING_MATCHES})
    formats = {}
    for i, name in enumerate(formats_of(fmt)):
        target = out_dir / name if fmt == ExportFormat.ALL else out_dir
        offset = i * plan.annotations
        told = None if progress is None else (lambda done, offset=offset: progress(offset + done))
        with _without_cycle_collector():
            formats[name] = exporters.write(name, target, corpus, progress=told).as_dict()
    return {
        "format": fmt,
        "documents": len(plan.documents),
        "annotations": plan.annotations,
        "formats": formats,
        "left_out": corpus.left_out(),
    }


def zip_folder(folder: Path, target: Path) -> int:
    """Zip the folder's files (paths relative to it) into `target`; returns its size in bytes.
    Deflate at level 1: JSON shrinks several times over at a small fraction of level 6's time."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return target.stat().st_size


# Starting and cancelling ---------------------------------------------------------------------


def _enqueue(job_id: int) -> None:
    from annotations.tasks import run_export

    try:
        run_export.delay(job_id)
    except QUEUE_ERRORS as error:
        logger.warning("Could not queue export %s: %s", job_id, error)
        ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(),
            error="The export could not be queued (the workers cannot be reached). Try again later.",
        )


@transaction.atomic
def export_start(*, owner: AbstractBaseUser, format: str, filters: dict | None = None) -> ExportJob:
    """Save an export job for `owner` and queue it after commit. A moderator's use of the
    moderators' filters is written to the audit log with it.

    Raises NotAllowed, or ExportRequestError naming the field at fault: an unknown format or
    filter, a value that does not parse, a moderator-only filter, or filters nothing matches.
    """
    policy.require(owner, policy.Act.EXPORT)
    fmt = parse_format(format)
    parsed = parse_filters(filters, moderator=may_use_moderator_filters(owner))
    plan = export_plan(parsed)
    if plan.annotations == 0:
        raise ExportRequestError({"filters": NOTHING_MATCHES})
    job = ExportJob.objects.create(
        owner=owner, format=fmt, filters=parsed.as_json(), total=plan.annotations * len(formats_of(fmt))
    )
    restricted = sorted(MODERATOR_ONLY.keys() & job.filters.keys())
    if restricted:  # a moderator's power used: hidden content, identities, one person's work
        audit_record(
            actor=owner, action="export_restricted", target_type="export", target_id=job.pk,
            reason=f"Export with {', '.join(restricted)}.", before={},
            after={"format": fmt, "filters": job.filters},
        )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


@transaction.atomic
def export_cancel(*, job: ExportJob, user: AbstractBaseUser) -> ExportJob:
    """Stop a queued or running export (its owner only). The worker notices at its next
    progress report and throws its work away. Raises NotAllowed or ExportStateError."""
    policy.require(user, policy.Act.CANCEL_EXPORT, job)
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.status not in ACTIVE:
        raise ExportStateError(f"This export cannot be cancelled: it is {job.get_status_display().lower()}.")
    job.status = ExportStatus.CANCELLED
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "finished_at"])
    return job


# Running (the worker) ------------------------------------------------------------------------


class JobProgress:
    """The writers' progress callback for a job: writes rows and progress to the job's row at
    most every PROGRESS_SECONDS, and raises ExportCancelled once the job is no longer running."""

    def __init__(self, job: ExportJob) -> None:
        self.job_id = job.pk
        self.total = max(job.total, 1)
        self.last = 0.0

    def __call__(self, done: int) -> None:
        now = time.monotonic()
        if now - self.last < PROGRESS_SECONDS:
            return
        self.last = now
        self.write(done)

    def write(self, done: int) -> None:
        running = ExportJob.objects.filter(pk=self.job_id, status=ExportStatus.RUNNING)
        if not running.update(rows=done, progress=min(done / self.total, 1.0)):
            raise ExportCancelled


def _take(job_id: int) -> ExportJob | None:
    """Mark the job running for a new attempt; None when there is nothing to run (it is gone,
    finished, failed or cancelled). A job found running was left by a worker that died."""
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ACTIVE:
            return None
        job.status = ExportStatus.RUNNING
        job.attempts += 1
        job.started_at = timezone.now()
        job.rows, job.progress, job.error = 0, 0.0, ""
        job.save(update_fields=["status", "attempts", "started_at", "rows", "progress", "error"])
        return job


def _work_dir(job: ExportJob) -> Path:
    """A fresh folder for this attempt; earlier attempts' leftovers of this job go."""
    tmp = export_dir() / "tmp"
    for old in tmp.glob(f"job-{job.pk}-*"):
        shutil.rmtree(old, ignore_errors=True)
    work = tmp / f"job-{job.pk}-{job.attempts}-{uuid.uuid4().hex[:8]}"
    work.mkdir(parents=True)
    return work


def file_name(job: ExportJob) -> str:
    return f"rednote-export-{job.pk}-{job.format}.zip"


def _finish(job: ExportJob, path: Path, summary: dict) -> bool:
    """Mark the job done with its file; False when it stopped running meanwhile."""
    with transaction.atomic():
        current = ExportJob.objects.select_for_update().get(pk=job.pk)
        if current.status != ExportStatus.RUNNING:
            return False
        now = timezone.now()
        current.status = ExportStatus.DONE
        current.file_path = path.name
        current.file_size = path.stat().st_size
        current.summary = summary
        current.rows = current.total
        current.progress = 1.0
        current.finished_at = now
        current.expires_at = now + dt.timedelta(days=settings.REDNOTE_EXPORT_DAYS)
        current.save()
        return True


def _fail(job: ExportJob, message: str) -> None:
    ExportJob.objects.filter(pk=job.pk, status=ExportStatus.RUNNING).update(
        status=ExportStatus.FAILED, error=message, finished_at=timezone.now()
    )


def export_run(*, job_id: int) -> ExportJob | None:
    """The worker's body: write the job's export and offer it for download. Safe to run again
    for the same job: a new attempt starts from scratch in a new folder."""
    job = _take(job_id)
    if job is None:
        return None
    work = _work_dir(job)
    try:
        filters = parse_filters(job.filters, moderator=may_use_moderator_filters(job.owner))
        progress = JobProgress(job)
        summary = export_write(filters=filters, fmt=job.format, out_dir=work / "files", progress=progress)
        progress.write(job.total)
        packed = work / "export.zip"
        zip_folder(work / "files", packed)
        final = export_dir() / file_name(job)
        os.replace(packed, final)
        shutil.rmtree(work, ignore_errors=True)  # tidy before the job says done
        if not _finish(job, final, summary):
            final.unlink(missing_ok=True)
    except ExportCancelled:
        logger.info("Export %s stopped: it was cancelled", job.pk)
    except (ExportRequestError, ExportIntegrityError, NothingToExport) as error:
        _fail(job, str(error))
    except policy.NotAllowed as error:
        _fail(job, str(error))
    except SoftTimeLimitExceeded:
        _fail(job, f"The export took longer than {settings.REDNOTE_EXPORT_TIME_LIMIT} seconds and was stopped.")
    except Exception as error:
        logger.exception("Export %s failed", job.pk)
        _fail(job, f"The export failed: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportJob.objects.filter(pk=job.pk).first()  # None if it was deleted meanwhile


# Expiry (beat) -------------------------------------------------------------------------------


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Remove files past their date (the job keeps its row, with no file), work folders older
    than any job may run, and fail jobs that no worker will finish. Returns the files removed."""
    now = now or timezone.now()
    removed = 0
    expired = ExportJob.objects.filter(status=ExportStatus.DONE, expires_at__lte=now).exclude(file_path="")
    for pk, name in expired.values_list("pk", "file_path"):
        (export_dir() / name).unlink(missing_ok=True)
        removed += ExportJob.objects.filter(pk=pk).update(file_path="")
    longest = dt.timedelta(seconds=settings.REDNOTE_EXPORT_TIME_LIMIT + 60)
    ExportJob.objects.filter(status=ExportStatus.RUNNING, started_at__lt=now - longest).update(
        status=ExportStatus.FAILED, finished_at=now,
        error="The export did not finish in time (its worker may have stopped). Start it again.",
    )
    ExportJob.objects.filter(status=ExportStatus.QUEUED, created_at__lt=now - NEVER_STARTED_AFTER).update(
        status=ExportStatus.FAILED, finished_at=now,
        error="The export was never started (the workers may be down). Start it again.",
    )
    tmp = export_dir() / "tmp"
    if tmp.is_dir():
        cutoff = (now - longest).timestamp()
        for folder in tmp.iterdir():
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
    return removed
