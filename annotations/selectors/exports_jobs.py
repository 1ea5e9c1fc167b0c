"""Export jobs as their owners and moderators see them: lists, one job, its file."""
from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet
from django.utils import timezone

from annotations import policy
from annotations.models import ExportJob, ExportStatus


def export_jobs(user: AbstractBaseUser, *, everyone: bool = False) -> QuerySet[ExportJob]:
    """The user's jobs, newest first; every user's for a moderator who asks for `everyone`."""
    jobs = ExportJob.objects.select_related("owner")
    if everyone and policy.allowed(user, policy.Act.MODERATE):
        return jobs
    return jobs.filter(owner_id=user.pk)


def export_job(user: AbstractBaseUser, pk: int) -> ExportJob:
    """The job if `user` may see it (its owner, moderators). Raises NotAllowed (not found for
    everyone else, so that nobody learns which jobs exist)."""
    job = ExportJob.objects.select_related("owner").filter(pk=pk).first()
    if job is None:
        raise policy.NotAllowed("That export does not exist.", code=policy.Refusal.NOT_FOUND)
    policy.require(user, policy.Act.EXPORT, job)
    return job


def is_expired(job: ExportJob) -> bool:
    """Done, and its file removed or past its date."""
    return job.status == ExportStatus.DONE and (
        not job.file_path or (job.expires_at is not None and job.expires_at <= timezone.now())
    )


def export_file(job: ExportJob) -> Path | None:
    """The finished file to download, or None (not done, expired, or gone from storage)."""
    if job.status != ExportStatus.DONE or is_expired(job):
        return None
    path = Path(settings.REDNOTE_EXPORT_DIR) / job.file_path
    return path if path.is_file() else None
