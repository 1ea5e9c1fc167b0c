import pytest

from annotations.models import Revision, Sentence
from annotations.services.articles import article_create
from tests.worker.conftest import wait_for

pytestmark = pytest.mark.worker


def test_a_real_worker_segments_a_large_imported_article(celery_worker_process, settings):
    settings.REDNOTE_SYNC_SEGMENT_CHARS = 1_000
    celery_worker_process()
    text = "A Large Article\n" + "\n".join(
        " ".join(f"Paragraph {p} has sentence {s}." for s in range(20)) for p in range(50)
    )
    article = article_create(text=text)
    revision_id = article.current_revision_id
    assert not Sentence.objects.filter(revision_id=revision_id).exists()

    done = wait_for(lambda: Revision.objects.filter(pk=revision_id, segmented_at__isnull=False).exists(), timeout=90)
    logs = "\n".join(p.read_text() for p in celery_worker_process.log_dir.glob("worker-*.log"))
    assert done, f"the worker did not segment the article in time; worker log:\n{logs[-3000:]}"
    assert Sentence.objects.filter(revision_id=revision_id, kind="content").count() == 1000
