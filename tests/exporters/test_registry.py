"""What every writer does alike: chosen by name, checks every span, refuses an empty export,
reports progress (and stops when the callback raises), lists its files in a manifest."""
from __future__ import annotations

import hashlib
import json

import pytest

import annotations.exporters as exporters
from annotations.exporters.rows import (
    Annotation,
    CorpusData,
    Document,
    DocumentBundle,
    ExportIntegrityError,
    NothingToExport,
)
from tests.exporters import sample

FORMATS = ("jsonl", "w3c", "brat", "doccano", "labelstudio", "csv")


class Stop(Exception):
    pass


def big_corpus(n: int) -> CorpusData:
    text = "Wind is cheap. " * 10
    doc = Document(1, "big", "", "", None, "en", 1, text)
    anns = [Annotation(i, 1, 1, 0, 14, "Wind is cheap.", "claim", "", "annotator-x", sample.T0, sample.T0)
            for i in range(n)]
    return CorpusData(sample.META, [DocumentBundle(doc, annotations=anns)])


def test_the_registry_has_one_writer_per_format():
    assert exporters.FORMATS == FORMATS


def test_an_unknown_format_is_a_clear_error(tmp_path, corpus):
    with pytest.raises(ValueError, match="unknown export format 'xml'; choose one of jsonl, w3c, brat"):
        exporters.write("xml", tmp_path, corpus)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_writer_refuses_a_span_that_is_not_the_document_text(tmp_path, fmt):
    doc = sample.documents()[1].document
    shifted = Annotation(7, doc.id, doc.revision, 1, 11, sample.CLAIM_2, "claim", "", "annotator-x", sample.T0, sample.T0)
    with pytest.raises(ExportIntegrityError, match="annotation 7 in document 2"):
        exporters.write(fmt, tmp_path, CorpusData(sample.META, [DocumentBundle(doc, annotations=[shifted])]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_writer_refuses_an_empty_export(tmp_path, fmt):
    with pytest.raises(NothingToExport):
        exporters.write(fmt, tmp_path, CorpusData(sample.META, []))


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_writer_reports_progress_and_stops_when_told(tmp_path, fmt):
    seen = []
    summary = exporters.write(fmt, tmp_path / "done", big_corpus(25_000), progress=seen.append)
    assert summary.annotations == 25_000
    assert seen[0] >= 10_000 and seen[-1] == 25_000 and seen == sorted(seen)

    def cancel(done):
        raise Stop(done)

    with pytest.raises(Stop):
        exporters.write(fmt, tmp_path / "cancelled", big_corpus(25_000), progress=cancel)
    assert not (tmp_path / "cancelled" / "manifest.json").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_manifest_matches_the_files_written(tmp_path, corpus, fmt):
    summary = exporters.write(fmt, tmp_path, corpus)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["format"] == fmt and manifest["documents"] == 2 and manifest["annotations"] == 7
    assert manifest["offset_unit"] == "unicode_code_point" and manifest["normalisation"] == "NFC"
    for path, entry in manifest["files"].items():
        if path.endswith("/"):
            continue
        data = (tmp_path / path).read_bytes()
        assert (entry["bytes"], entry["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    assert set(summary.as_dict()["files"]) == set(manifest["files"]) | {"manifest.json"}
