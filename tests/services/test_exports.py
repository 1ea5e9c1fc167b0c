"""Export jobs: starting (and refusing), running with progress, cancelling, failing cleanly,
running again after a dead worker, and expiry."""
import datetime as dt
import io
import json
import os
import zipfile

import pytest
from django.utils import timezone

from annotations import exporters
from annotations.exporters import files as export_files
from annotations.exporters.rows import ExportIntegrityError
from annotations.models import ExportJob, ExportStatus
from annotations.policy import NotAllowed, Refusal
from annotations.selectors.exports_filters import ExportRequestError
from annotations.services import exports as service
from annotations.services.exports import (
    ExportStateError,
    export_cancel,
    export_run,
    export_start,
    exports_expire,
)
from tests.export_corpus import build_small_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.REDNOTE_EXPORT_DIR = tmp_path / "exports"
    return settings.REDNOTE_EXPORT_DIR


@pytest.fixture
def data():
    return build_small_corpus()


def zip_names(job: ExportJob) -> list[str]:
    with zipfile.ZipFile(service.export_dir() / job.file_path) as archive:
        return sorted(archive.namelist())


def zip_lines(job: ExportJob, name: str) -> list[dict]:
    with zipfile.ZipFile(service.export_dir() / job.file_path) as archive:
        return [json.loads(line) for line in io.TextIOWrapper(archive.open(name), encoding="utf-8")]


def leftovers(export_dir) -> list[str]:
    tmp = export_dir / "tmp"
    return sorted(p.name for p in tmp.iterdir()) if tmp.exists() else []


def test_a_started_job_runs_after_commit_and_offers_a_zip(data, django_capture_on_commit_callbacks, export_dir):
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(owner=data.ada, format="jsonl", filters={"tags": "claim,opinion"})
        assert (job.status, job.total, job.filters) == ("queued", 5, {"tags": ["claim", "opinion"]})
    job.refresh_from_db()
    assert (job.status, job.progress, job.rows, job.attempts, job.error) == ("done", 1.0, 5, 1, "")
    assert job.file_path == f"rednote-export-{job.pk}-jsonl.zip"
    assert job.file_size == (export_dir / job.file_path).stat().st_size
    assert job.expires_at - job.finished_at == dt.timedelta(days=7)
    assert {"documents.jsonl", "annotations.jsonl", "claims.jsonl", "manifest.json", "README.md"} <= set(zip_names(job))
    assert {row["tag"] for row in zip_lines(job, "annotations.jsonl")} == {"claim", "opinion"}
    assert job.summary["annotations"] == 5
    assert job.summary["left_out"] == {"hidden annotations": 1, "hidden comments": 1, "deleted comments": 1}
    assert leftovers(export_dir) == []


def test_all_formats_go_into_one_zip_a_folder_each(data, export_dir):
    job = export_start(owner=data.ada, format="all")
    assert job.total == 6 * 6  # six annotations (one more is hidden), six formats
    job = export_run(job_id=job.pk)
    assert job.status == "done", job.error
    folders = {name.split("/")[0] for name in zip_names(job)}
    assert folders == set(exporters.FORMATS)
    assert "brat/annotation.conf" in zip_names(job)


def test_bad_requests_are_refused_before_anything_is_queued(data, personas):
    with pytest.raises(ExportRequestError) as caught:
        export_start(owner=data.ada, format="xml")
    assert caught.value.field == "format"
    with pytest.raises(ExportRequestError) as caught:
        export_start(owner=data.ada, format="jsonl", filters={"since": "2999-01-01"})
    assert caught.value.errors == {"filters": "No annotations match these filters."}
    with pytest.raises(ExportRequestError) as caught:
        export_start(owner=data.ada, format="jsonl", filters={"include_hidden": True})
    assert caught.value.field == "include_hidden"
    with pytest.raises(NotAllowed) as refused:
        export_start(owner=personas["suspended"], format="jsonl")
    assert refused.value.code == Refusal.SUSPENDED
    assert not ExportJob.objects.exists()
    assert export_start(owner=personas["moderator"], format="csv", filters={"include_hidden": True, "real_names": True})
    assert export_start(owner=personas["silenced"], format="csv")  # reading is not writing


def test_a_moderators_use_of_the_moderators_filters_is_audited(data, personas):
    from annotations.models import ModerationAction

    export_start(owner=personas["moderator"], format="jsonl", filters={"tags": "claim"})
    assert not ModerationAction.objects.exists()
    job = export_start(owner=personas["moderator"], format="csv", filters={"real_names": True, "annotators": "ada"})
    (row,) = ModerationAction.objects.all()
    assert (row.actor, row.action, row.target_type, row.target_id) == (
        personas["moderator"], "export_restricted", "export", str(job.pk)
    )
    assert row.reason == "Export with annotators, real_names."
    assert row.after == {"format": "csv", "filters": {"annotators": ["ada"], "real_names": True}}


def test_progress_is_written_to_the_job_as_the_export_runs(data, monkeypatch):
    monkeypatch.setattr(export_files, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(service, "PROGRESS_SECONDS", 0)
    seen = []
    write = service.JobProgress.write

    def spy(self, done):
        write(self, done)
        seen.append(ExportJob.objects.values_list("status", "rows", "progress").get(pk=self.job_id))

    monkeypatch.setattr(service.JobProgress, "write", spy)
    job = export_start(owner=data.ada, format="jsonl")
    assert export_run(job_id=job.pk).status == "done"
    rows = [r for _, r, _ in seen]
    assert rows == sorted(rows) and rows[0] < rows[-1] == 6
    assert all(status == "running" for status, _, _ in seen)
    assert 0 < seen[0][2] < 1 and seen[-1][2] == 1.0


def test_cancelling_stops_the_export_and_keeps_nothing(data, monkeypatch, export_dir):
    monkeypatch.setattr(export_files, "PROGRESS_EVERY", 1)
    monkeypatch.setattr(service, "PROGRESS_SECONDS", 0)
    job = export_start(owner=data.ada, format="jsonl")
    calls = []
    write = service.JobProgress.write

    def cancel_midway(self, done):
        calls.append(done)
        if len(calls) == 1:  # the owner cancels from another request meanwhile
            export_cancel(job=ExportJob.objects.get(pk=self.job_id), user=data.ada)
        write(self, done)

    monkeypatch.setattr(service.JobProgress, "write", cancel_midway)
    job = export_run(job_id=job.pk)
    assert (job.status, job.file_path) == ("cancelled", "")
    assert len(calls) == 1 and calls[0] < 6  # it stopped at the first report after the cancel
    assert list(export_dir.glob("*.zip")) == [] and leftovers(export_dir) == []


@pytest.mark.parametrize(
    "error, message",
    [(ExportIntegrityError("annotation 3 in document 1: text at 0-4 is 'abcd'"), "annotation 3 in document 1"),
     (OSError(28, "No space left on device"), "The export failed: [Errno 28] No space left on device")],
)
def test_a_job_that_fails_says_why_and_offers_no_file(data, monkeypatch, export_dir, error, message):
    def broken(*args, **kwargs):
        raise error

    monkeypatch.setattr(exporters, "write", broken)
    job = export_run(job_id=export_start(owner=data.ada, format="jsonl").pk)
    assert job.status == "failed" and message in job.error
    assert (job.file_path, job.file_size) == ("", None)
    assert list(export_dir.glob("*.zip")) == [] and leftovers(export_dir) == []


def test_a_job_left_running_by_a_dead_worker_runs_again_from_scratch(data, export_dir):
    job = export_start(owner=data.ada, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, attempts=1, rows=3, progress=0.4)
    stale = export_dir / "tmp" / f"job-{job.pk}-1-deadbeef"
    (stale / "files").mkdir(parents=True)
    (stale / "files" / "annotations.csv").write_text("half a file")
    job = export_run(job_id=job.pk)
    assert (job.status, job.attempts) == ("done", 2)
    with zipfile.ZipFile(export_dir / job.file_path) as archive:
        written = archive.read("annotations.csv").decode()
    assert written.startswith("id,") and "half a file" not in written
    assert leftovers(export_dir) == []
    assert export_run(job_id=job.pk) is None  # a late redelivery of a finished job does nothing
    assert ExportJob.objects.get(pk=job.pk).attempts == 2


def test_only_the_owner_cancels_and_only_an_unfinished_job(data, personas):
    job = export_start(owner=data.ada, format="jsonl")
    with pytest.raises(NotAllowed) as refused:
        export_cancel(job=job, user=personas["member"])
    assert refused.value.code == Refusal.NOT_FOUND
    with pytest.raises(NotAllowed) as refused:
        export_cancel(job=job, user=personas["moderator"])
    assert refused.value.code == Refusal.NOT_OWNER
    assert export_cancel(job=job, user=data.ada).status == "cancelled"
    with pytest.raises(ExportStateError, match="cancelled"):
        export_cancel(job=job, user=data.ada)
    assert export_run(job_id=job.pk) is None


def test_a_job_that_cannot_be_queued_fails_at_once(data, monkeypatch, django_capture_on_commit_callbacks):
    from annotations.tasks import run_export

    def unreachable(*args):
        raise OSError("connection refused")

    monkeypatch.setattr(run_export, "delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        job = export_start(owner=data.ada, format="jsonl")
    job.refresh_from_db()
    assert job.status == "failed" and "could not be queued" in job.error


def test_expiry_removes_old_files_stale_folders_and_jobs_no_worker_will_finish(data, export_dir, settings):
    done = export_run(job_id=export_start(owner=data.ada, format="csv").pk)
    fresh = export_run(job_id=export_start(owner=data.ada, format="csv", filters={"tags": "claim"}).pk)
    ExportJob.objects.filter(pk=done.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    stuck = export_start(owner=data.ada, format="csv")
    ExportJob.objects.filter(pk=stuck.pk).update(
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - dt.timedelta(seconds=settings.REDNOTE_EXPORT_TIME_LIMIT + 120),
    )
    lost = export_start(owner=data.ada, format="csv")
    ExportJob.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    old_folder = export_dir / "tmp" / "job-999-1-cafe"
    old_folder.mkdir(parents=True)
    ancient = (timezone.now() - dt.timedelta(days=1)).timestamp()
    os.utime(old_folder, (ancient, ancient))

    assert exports_expire() == 1
    assert not (export_dir / done.file_path).exists()
    assert ExportJob.objects.get(pk=done.pk).file_path == ""
    assert (export_dir / fresh.file_path).exists()
    assert ExportJob.objects.get(pk=stuck.pk).status == "failed"
    assert ExportJob.objects.get(pk=lost.pk).status == "failed"
    assert not old_folder.exists()
    assert exports_expire() == 0
