"""The /exports/ page: the form, starting a job, its row polling until done, cancelling,
downloading, expired exports, and who sees what."""
import datetime as dt
import io
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from annotations.models import ExportJob
from annotations.services.exports import export_run, export_start
from tests.export_corpus import build_small_corpus

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.REDNOTE_EXPORT_DIR = tmp_path / "exports"
    return settings.REDNOTE_EXPORT_DIR


@pytest.fixture
def data():
    return build_small_corpus()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_is_for_signed_in_users_and_linked_from_the_nav(data):
    assert Client().get("/exports/").status_code == 302
    assert 'href="/exports/"' not in Client().get("/").content.decode()
    page = signed_in(data.ada).get("/exports/").content.decode()
    assert 'href="/exports/">Export</a>' in page
    assert 'name="format"' in page and 'name="split"' in page and 'name="tags"' in page
    assert 'name="include_hidden"' not in page and 'name="annotators"' not in page  # moderators only
    assert "No exports yet." in page


def test_moderators_get_their_filters_and_see_everyones_exports(data, personas):
    job = export_start(owner=data.ada, format="csv")
    page = signed_in(personas["moderator"]).get("/exports/").content.decode()
    assert 'name="include_hidden"' in page and 'name="real_names"' in page and 'name="annotators"' in page
    assert f'id="export-{job.pk}"' in page and "by ada" in page
    assert f'id="export-{job.pk}"' not in signed_in(data.bo).get("/exports/").content.decode()


def test_starting_an_export_from_the_form(data, django_capture_on_commit_callbacks):
    client = signed_in(data.ada)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/exports/", {"format": "jsonl", "tags": ["claim", "opinion"], "split": "80/20", "seed": "2"}
        )
    assert response.status_code == 302 and response["Location"] == "/exports/"
    job = ExportJob.objects.get()
    assert (job.owner, job.format, job.filters) == (data.ada, "jsonl", {
        "tags": ["claim", "opinion"], "split": "80/20", "seed": 2
    })
    assert job.status == "done"  # Celery runs in-process in these tests
    page = client.get("/exports/").content.decode()
    assert f"Export {job.pk} started." in page
    assert f'href="/exports/{job.pk}/download/"' in page and "Filters: tags = claim, opinion; split = 80/20; seed = 2" in page


def test_with_htmx_the_panel_comes_back_with_the_new_job(data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = signed_in(data.ada).post("/exports/", {"format": "brat"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    job = ExportJob.objects.get()
    assert body.startswith('<div id="exports-panel"')
    assert f'hx-get="/exports/{job.pk}/"' in body and 'hx-trigger="every 1s"' in body
    assert '<progress value="0" max="6"' in body and "0 of 6 annotations written" in body
    assert f"Export {job.pk} started." in body


def test_bad_input_shows_the_form_with_the_error_at_its_field(data):
    response = signed_in(data.ada).post("/exports/", {"format": "jsonl", "since": "tomorrow", "split": "50/40"}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Use an ISO date" in body and "adding up to 100" in body
    assert 'value="50/40"' in body  # what was typed is kept
    response = signed_in(data.ada).post("/exports/", {"format": "jsonl", "until": "2001-01-01"})
    assert response.status_code == 400 and "No annotations match these filters." in response.content.decode()
    assert not ExportJob.objects.exists()


def test_a_jobs_row_polls_while_it_runs_and_stops_when_done(data):
    job = export_start(owner=data.ada, format="csv")
    ExportJob.objects.filter(pk=job.pk).update(status="running", rows=2, progress=0.4)
    client = signed_in(data.ada)
    running = client.get(f"/exports/{job.pk}/", **HTMX)
    assert running.status_code == 200
    assert 'hx-trigger="every 1s"' in running.content.decode()
    assert "2 of 6 annotations written" in running.content.decode()
    assert f"Cancel export {job.pk}" in running.content.decode()
    ExportJob.objects.filter(pk=job.pk).update(status="queued")
    export_run(job_id=job.pk)
    done = client.get(f"/exports/{job.pk}/", **HTMX)
    assert done.status_code == 286  # htmx stops polling
    body = done.content.decode()
    assert "hx-trigger" not in body and f"Download export {job.pk}" in body
    assert signed_in(data.bo).get(f"/exports/{job.pk}/", **HTMX).status_code == 404


def test_cancelling_from_the_page(data, personas):
    job = export_start(owner=data.ada, format="csv")
    refused = signed_in(personas["moderator"]).post(f"/exports/{job.pk}/cancel/", **HTMX)
    assert refused.status_code == 403 and "Only its owner" in refused.content.decode()
    response = signed_in(data.ada).post(f"/exports/{job.pk}/cancel/", **HTMX)
    assert response.status_code == 286
    assert "Cancelled; nothing was kept." in response.content.decode()
    assert ExportJob.objects.get(pk=job.pk).status == "cancelled"
    again = signed_in(data.ada).post(f"/exports/{job.pk}/cancel/")
    assert again.status_code == 302


def test_downloading_and_expired_exports(data):
    job = export_run(job_id=export_start(owner=data.ada, format="doccano").pk)
    client = signed_in(data.ada)
    response = client.get(f"/exports/{job.pk}/download/")
    assert response["Content-Disposition"] == f'attachment; filename="rednote-export-{job.pk}-doccano.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "doccano.jsonl" in archive.namelist()
    assert signed_in(data.bo).get(f"/exports/{job.pk}/download/").status_code == 404
    page = client.get("/exports/").content.decode()
    assert (
        "Left out: 1 deleted comments, 1 hidden annotations, 1 hidden comments, 1 orphaned annotations (doccano), "
        "1 relations to claims in other documents (doccano)."
    ) in page

    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - dt.timedelta(hours=1))
    assert client.get(f"/exports/{job.pk}/download/").status_code == 302
    page = client.get("/exports/").content.decode()
    assert "This export has expired." in page and "This export expired on" in page
    assert f'href="/exports/{job.pk}/download/"' not in page
