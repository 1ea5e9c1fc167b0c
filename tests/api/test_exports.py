"""/api/exports/: the contract fields, who may see and cancel which job, the download."""
import io
import json
import zipfile

import pytest

from annotations.models import ExportJob, ExportStatus
from annotations.services.exports import export_run, export_start
from tests.conftest import client_for
from tests.export_corpus import build_small_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    settings.REDNOTE_EXPORT_DIR = tmp_path / "exports"
    return settings.REDNOTE_EXPORT_DIR


@pytest.fixture
def data():
    return build_small_corpus()


def test_post_answers_202_with_the_job_and_the_job_runs(data, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(data.ada).post(
            "/api/exports/", {"format": "jsonl", "filters": {"tags": ["claim"], "split": "80/20"}}, format="json"
        )
    assert response.status_code == 202, response.json()
    body = response.json()
    assert {"id", "status", "progress", "created", "rows", "error", "download"} <= body.keys()
    assert (body["status"], body["progress"], body["rows"], body["download"], body["total"]) == (
        "queued", 0.0, 0, None, 2
    )
    assert body["filters"] == {"tags": ["claim"], "split": "80/20", "seed": 0}
    assert response["Location"] == f"/api/exports/{body['id']}/"
    assert len(queued) == 1  # the task goes to the queue only after commit

    queued[0]()  # the worker (eager in tests)
    detail = client_for(data.ada).get(f"/api/exports/{body['id']}/").json()
    assert (detail["status"], detail["progress"], detail["rows"], detail["error"]) == ("done", 1.0, 2, "")
    assert detail["download"] == f"http://testserver/api/exports/{body['id']}/download/"
    assert detail["summary"]["annotations"] == 2


def test_the_download_is_the_zip_of_the_formats_folder(data):
    job = export_run(job_id=export_start(owner=data.ada, format="w3c").pk)
    response = client_for(data.ada).get(f"/api/exports/{job.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="rednote-export-{job.pk}-w3c.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    collection = json.loads(archive.read("annotations.jsonld"))[0]
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 6


@pytest.mark.parametrize(
    "payload, field, message",
    [({"format": "xml"}, "format", "Unknown format"),
     ({"format": "jsonl", "filters": {"colour": "red"}}, "filters", "Unknown filter colour"),
     ({"format": "jsonl", "filters": {"since": "soon"}}, "since", "ISO date"),
     ({"format": "jsonl", "filters": {"split": "60/30"}}, "split", "adding up to 100"),
     ({"format": "jsonl", "filters": {"tags": ["evidence"], "until": "2000-01-01"}}, "filters",
      "No annotations match these filters."),
     ({"format": "jsonl", "filters": {"real_names": True}}, "real_names", "Only moderators"),
     ({"format": "jsonl", "filters": ["tags"]}, "filters", "an object")],
)
def test_bad_requests_are_400_naming_the_field(data, payload, field, message):
    response = client_for(data.ada).post("/api/exports/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert message in body["detail"] and message in body[field][0]
    assert not ExportJob.objects.exists()


def test_a_job_is_visible_to_its_owner_and_moderators_only(data, personas):
    job = export_start(owner=personas["author"], format="csv")
    url = f"/api/exports/{job.pk}/"
    assert client_for(None).get(url).status_code in (401, 403)
    assert client_for(None).post("/api/exports/", {"format": "csv"}, format="json").status_code in (401, 403)
    assert client_for(None).get(url).json()["detail"]
    for name in ("member", "silenced"):
        assert client_for(personas[name]).get(url).status_code == 404
        assert client_for(personas[name]).get(url + "download/").status_code == 404
        assert client_for(personas[name]).delete(url).status_code == 404
        assert client_for(personas[name]).get("/api/exports/").json()["results"] == []
    assert client_for(personas["suspended"]).get(url).status_code in (401, 403)
    for name in ("author", "moderator", "admin"):
        assert client_for(personas[name]).get(url).json()["id"] == job.pk
    mine = client_for(personas["author"]).get("/api/exports/").json()
    assert [j["id"] for j in mine["results"]] == [job.pk] and mine["results"][0]["owner"] == "author"
    assert client_for(personas["moderator"]).get("/api/exports/").json()["results"] == []
    everyone = client_for(personas["moderator"]).get("/api/exports/?all=true").json()["results"]
    assert [j["id"] for j in everyone] == [job.pk]
    assert client_for(personas["member"]).get("/api/exports/?all=true").json()["results"] == []


def test_delete_cancels_for_the_owner_only(data, personas):
    job = export_start(owner=personas["author"], format="csv")
    url = f"/api/exports/{job.pk}/"
    refused = client_for(personas["moderator"]).delete(url)
    assert refused.status_code == 403 and "owner" in refused.json()["detail"]
    response = client_for(personas["author"]).delete(url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = client_for(personas["author"]).delete(url)
    assert again.status_code == 409 and "cancelled" in again.json()["detail"]
    assert client_for(personas["author"]).get(url + "download/").status_code == 409


def test_downloads_of_unfinished_expired_and_failed_jobs_say_why(data):
    job = export_start(owner=data.ada, format="csv")
    running = client_for(data.ada).get(f"/api/exports/{job.pk}/download/")
    assert running.status_code == 409 and running.json()["detail"] == (
        "This export is queued: there is nothing to download."
    )
    job = export_run(job_id=job.pk)
    ExportJob.objects.filter(pk=job.pk).update(file_path="")
    gone = client_for(data.ada).get(f"/api/exports/{job.pk}/download/")
    assert gone.status_code == 410 and "expired" in gone.json()["detail"]
    detail = client_for(data.ada).get(f"/api/exports/{job.pk}/").json()
    assert (detail["expired"], detail["download"]) == (True, None)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error="disk full")
    failed = client_for(data.ada).get(f"/api/exports/{job.pk}/").json()
    assert (failed["status"], failed["error"], failed["download"]) == ("failed", "disk full", None)


def test_the_schema_documents_the_endpoints(data):
    schema = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert {"/api/exports/", "/api/exports/{id}/", "/api/exports/{id}/download/"} <= schema["paths"].keys()
