"""`manage.py export_corpus`: a folder or a .zip, every format, the filters, a summary, and
clear errors that write nothing."""
import json
import zipfile
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from annotations import exporters
from tests.export_corpus import build_small_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build_small_corpus()


def run(*args) -> str:
    out = StringIO()
    call_command("export_corpus", *args, stdout=out)
    return out.getvalue()


def test_jsonl_into_a_folder_with_a_summary(data, tmp_path):
    out = tmp_path / "corpus"
    report = run("--out", str(out))
    names = {p.name for p in out.iterdir()}
    assert {"documents.jsonl", "sentences.jsonl", "annotations.jsonl", "relations.jsonl", "sources.jsonl",
            "claims.jsonl", "comments.jsonl", "agreement.json", "label_schema.json", "manifest.json",
            "README.md"} <= names
    annotations = [json.loads(line) for line in (out / "annotations.jsonl").read_text().splitlines()]
    documents = {d["id"]: d for d in map(json.loads, (out / "documents.jsonl").read_text().splitlines())}
    assert len(annotations) == 6
    for row in annotations:
        if row["start"] is not None:
            assert documents[row["document_id"]]["text"][row["start"]:row["end"]] == row["text"]
    assert report.startswith(f"Wrote jsonl to {out}: ")
    assert "2 documents and 6 annotations" in report
    assert "annotations.jsonl: 6 rows" in report
    assert "1 hidden annotations" in report and "1 deleted comments" in report
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".export-")]  # no work folder left


def test_every_format_into_a_zip_with_the_filters_applied(data, tmp_path):
    out = tmp_path / "all.zip"
    report = run("--format", "all", "--out", str(out), "--tags", "claim,evidence", "--split", "50/50",
                 "--seed", "3", "--real-names")
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("jsonl/manifest.json"))
        rows = [json.loads(line) for line in archive.read("jsonl/annotations.jsonl").decode().splitlines()]
    assert {name.split("/")[0] for name in names} == set(exporters.FORMATS)
    assert {row["tag"] for row in rows} == {"claim", "evidence"}
    assert {row["annotator"] for row in rows} == {"ada", "bo"}
    assert manifest["filters"] == {"tags": ["claim", "evidence"], "split": "50/50", "seed": 3, "real_names": True}
    assert "all.zip: " in report and "zipped" in report
    assert "orphaned" not in report  # the orphan is an opinion, filtered out


def test_formats_that_need_offsets_count_the_orphans_they_leave_out(data, tmp_path):
    report = run("--format", "doccano", "--out", str(tmp_path / "d"))
    assert "(doccano)" in report and "orphan" in report


@pytest.mark.parametrize(
    "args, message",
    [(["--since", "yesterday"], "--since: Use an ISO date"),
     (["--split", "70/20"], "--split: Give two or three whole-number shares adding up to 100"),
     (["--annotators", "nobody"], "--annotators: No user named nobody."),
     (["--tags", "evidence", "--until", "2001-01-01"], "No annotations match these filters.")],
)
def test_bad_filters_are_clear_errors_and_write_nothing(data, tmp_path, args, message):
    with pytest.raises(CommandError, match=message):
        run("--out", str(tmp_path / "x.zip"), *args)
    assert list(tmp_path.iterdir()) == []


def test_an_existing_output_is_never_overwritten(data, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="exists already"):
        run("--out", str(tmp_path / "taken"))
    assert (tmp_path / "taken" / "keep.txt").read_text() == "mine"
    (tmp_path / "empty").mkdir()
    run("--format", "csv", "--out", str(tmp_path / "empty"))
    assert (tmp_path / "empty" / "annotations.csv").exists()
