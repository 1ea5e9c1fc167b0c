"""Export jobs on a real Celery worker: a job runs to a download, and a worker killed in the
middle of an export leaves no file offered and the job runs again to completion."""
import os
import signal
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from annotations.models import Annotation, Article, ExportJob, Revision
from annotations.services.exports import export_start
from annotations.tasks import run_export
from tests.worker.conftest import wait_for
from tests.worker.test_consensus_worker import process_tree, start_worker, worker_logs

pytestmark = pytest.mark.worker

SENTENCES = 20


def bulk_corpus(n_documents: int) -> get_user_model():
    """Documents of SENTENCES sentences, each sentence tagged once, written in bulk."""
    owner = get_user_model().objects.create(username="exporter")
    text = "A document\n" + " ".join(f"Sentence {i} says something." for i in range(SENTENCES))
    articles = Article.objects.bulk_create(Article(title=f"Document {d}") for d in range(n_documents))
    revisions = Revision.objects.bulk_create(
        Revision(article=a, number=1, text=text, content_hash=f"hash-{a.pk}") for a in articles
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.current_revision = revision
    Article.objects.bulk_update(articles, ["current_revision"])
    spans = [(text.index(f"Sentence {i} "), f"Sentence {i} says something.") for i in range(SENTENCES)]
    Annotation.objects.bulk_create(
        (
            Annotation(article=a, revision=r, anchored_revision=r, author=owner, tag=("claim", "evidence", "opinion")[i % 3],
                       selector_start=start, selector_end=start + len(quote), exact=quote, start=start,
                       end=start + len(quote))
            for a, r in zip(articles, revisions, strict=True) for i, (start, quote) in enumerate(spans)
        ),
        batch_size=2000,
    )
    return owner


@pytest.fixture
def worker(monkeypatch, settings, tmp_path):
    """The export folder, shared by this process and the worker, then the worker fixture."""
    folder = tmp_path / "exports"
    monkeypatch.setenv("REDNOTE_EXPORT_DIR", str(folder))
    settings.REDNOTE_EXPORT_DIR = folder
    return folder


def test_an_export_job_runs_on_the_worker_to_a_download(worker, celery_worker_process):
    owner = bulk_corpus(5)
    start_worker(celery_worker_process)
    job = export_start(owner=owner, format="jsonl")
    done = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status="done").first(), timeout=60)
    assert done, worker_logs(celery_worker_process)
    assert (done.rows, done.total, done.progress) == (100, 100, 1.0)
    assert (worker / done.file_path).stat().st_size == done.file_size


def _work_folder(folder: Path, job_id: int) -> Path | None:
    found = list((folder / "tmp").glob(f"job-{job_id}-*/files/jsonl/manifest.json"))
    return found[0] if found else None


def _kill_mid_export(start, folder: Path, owner, *, whole_worker: bool) -> ExportJob:
    """Start an export of every format; once the worker has taken it, hold the job's row so
    that its first progress report (after the jsonl bundle is written, before the other
    formats) waits; then SIGKILL the worker (or only the pool process running the task)."""
    worker = start_worker(start)
    job = export_start(owner=owner, format="all")
    assert wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status="running").exists(), timeout=30, interval=0.01)
    with transaction.atomic():
        ExportJob.objects.select_for_update().get(pk=job.pk)
        assert wait_for(lambda: _work_folder(folder, job.pk), timeout=30, interval=0.05), worker_logs(start)
        time.sleep(0.5)  # it reports progress next, and waits for the row
        tree = process_tree(worker.pid)
        assert len(tree) >= 2, "no pool process"
        for pid in tree if whole_worker else tree[1:]:
            os.kill(pid, signal.SIGKILL)
        if whole_worker:
            worker.wait(timeout=10)
        stuck = ExportJob.objects.get(pk=job.pk)
    assert (stuck.status, stuck.file_path, stuck.file_size) == ("running", "", None)  # no file offered
    assert list(folder.glob("*.zip")) == []
    return stuck


def test_a_pool_process_killed_mid_export_is_redelivered_and_finishes(worker, celery_worker_process):
    owner = bulk_corpus(300)
    job = _kill_mid_export(celery_worker_process, worker, owner, whole_worker=False)
    done = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status="done").first(), timeout=90)
    assert done, worker_logs(celery_worker_process)
    assert done.attempts == 2 and done.rows == done.total == 6 * 300 * SENTENCES
    assert (worker / done.file_path).is_file()
    assert list((worker / "tmp").iterdir()) == []  # the killed attempt's folder is gone too
    assert "WorkerLostError" in worker_logs(celery_worker_process)


def test_after_the_whole_worker_is_killed_a_rerun_succeeds(worker, celery_worker_process):
    owner = bulk_corpus(300)
    job = _kill_mid_export(celery_worker_process, worker, owner, whole_worker=True)
    start_worker(celery_worker_process)
    run_export.delay(job.pk)  # as the broker redelivers it (Redis: after its visibility timeout)
    done = wait_for(lambda: ExportJob.objects.filter(pk=job.pk, status="done").first(), timeout=90)
    assert done, worker_logs(celery_worker_process)
    assert done.attempts == 2 and (worker / done.file_path).is_file()
    assert list((worker / "tmp").iterdir()) == []
