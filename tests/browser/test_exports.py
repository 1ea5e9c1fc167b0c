"""Exporting in a real browser: start an export from /exports/, watch it finish, download it.
The job is held in the queue until the test runs it as a worker would, so the page shows it
waiting and then picks up the finished job by polling."""
import json
import zipfile

import pytest
from playwright.sync_api import expect

from annotations.models import ExportJob
from annotations.services import exports as service
from annotations.services.exports import export_run
from tests.browser.test_annotate import sign_in
from tests.export_corpus import build_small_corpus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.REDNOTE_EXPORT_DIR = tmp_path / "exports"
    return settings.REDNOTE_EXPORT_DIR


def test_start_an_export_watch_it_finish_and_download_it(page, live_server, tmp_path, monkeypatch):
    data = build_small_corpus()
    queued = []
    monkeypatch.setattr(service, "_enqueue", queued.append)
    sign_in(page.context, live_server, data.ada)
    page.goto("/")
    page.get_by_role("link", name="Export", exact=True).click()
    expect(page.get_by_role("heading", name="Export the annotated corpus")).to_be_visible()
    expect(page.locator("#export-jobs")).to_contain_text("No exports yet.")

    page.get_by_label("Format").select_option("jsonl")
    page.get_by_label("Claim", exact=True).check()
    page.get_by_label("Opinion", exact=True).check()
    page.get_by_label("Split").fill("50/50")
    page.get_by_role("button", name="Start export").click()

    job = page.locator(".export-job").first
    expect(page.locator("#exports-panel")).to_contain_text("started.")
    expect(job.locator(".export-state")).to_have_text("Queued")
    expect(job).to_contain_text("Waiting for a worker… 0 of 5 annotations written")
    expect(job.locator("progress")).to_have_attribute("max", "5")
    assert export_run(job_id=queued.pop()).status == "done"  # the worker's part
    download_link = job.get_by_role("link", name="Download export")
    expect(download_link).to_be_visible(timeout=20_000)
    expect(job.locator(".export-state")).to_have_text("Done")
    expect(job).to_contain_text("2 documents, 5 annotations")
    expect(job).to_contain_text("Filters: tags = claim, opinion; split = 50/50; seed = 0")

    with page.expect_download() as info:
        download_link.click()
    saved = tmp_path / "download.zip"
    info.value.save_as(saved)
    exported = ExportJob.objects.get()
    assert info.value.suggested_filename == f"rednote-export-{exported.pk}-jsonl.zip"
    with zipfile.ZipFile(saved) as archive:
        rows = [json.loads(line) for line in archive.read("annotations.jsonl").decode().splitlines()]
        documents = [json.loads(line) for line in archive.read("documents.jsonl").decode().splitlines()]
    assert sorted(row["tag"] for row in rows) == ["claim", "claim", "opinion", "opinion", "opinion"]
    assert sorted(d["split"] for d in documents) == ["test", "train"]


def test_a_bad_filter_is_shown_at_its_field_and_nothing_starts(page, live_server):
    data = build_small_corpus()
    sign_in(page.context, live_server, data.bo)
    page.goto("/exports/")
    page.get_by_label("Split").fill("70/20")
    page.get_by_role("button", name="Start export").click()
    expect(page.locator(".field.has-error")).to_contain_text("adding up to 100")
    expect(page.get_by_label("Split")).to_have_value("70/20")
    assert not ExportJob.objects.exists()
