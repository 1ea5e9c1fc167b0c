"""The canonical jsonl bundle: exact rows, a manifest that matches the files, spans that round-trip,
and loud failures on bad rows."""
from __future__ import annotations

import hashlib
import json

import pytest
import yaml

from annotations.exporters import jsonl
from annotations.exporters.rows import (
    Annotation,
    CorpusData,
    DocumentBundle,
    ExportIntegrityError,
    NothingToExport,
)
from tests.exporters import sample


def lines(path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def rows(path) -> list[dict]:
    return [json.loads(line) for line in lines(path)]


def test_annotations_are_written_exactly_with_code_point_offsets(tmp_path, corpus):
    jsonl.write(tmp_path, corpus)
    got = lines(tmp_path / "annotations.jsonl")
    assert len(got) == 7
    common = '"created":"2024-05-01T10:00:00Z","modified":"2024-05-02T11:30:00+00:00"'
    assert got[2] == (
        '{"id":103,"document_id":1,"revision":3,"start":31,"end":60,"text":"Prices fell by 70%\\nsince 2010",'
        f'"tag":"evidence","note":"IEA report","annotator":"annotator-aaaaaaaaaaaa",{common},'
        '"anchor_state":"anchored","claim_id":null}'
    )
    assert got[3] == (
        '{"id":104,"document_id":1,"revision":3,"start":62,"end":78,"text":"says Spin\u0308al Tap",'
        f'"tag":"evidence","note":"","annotator":"annotator-bbbbbbbbbbbb",{common},'
        '"anchor_state":"anchored","claim_id":null}'
    )
    assert got[5] == (
        '{"id":106,"document_id":1,"revision":2,"start":null,"end":null,"text":"Coal is dead.",'
        f'"tag":"claim","note":"","annotator":"annotator-aaaaaaaaaaaa",{common},'
        '"anchor_state":"orphaned","claim_id":11}'
    )
    assert got[6] == (
        '{"id":107,"document_id":2,"revision":3,"start":0,"end":10,"text":"风能是最便宜的能源。",'
        f'"tag":"claim","note":"","annotator":"annotator-cccccccccccc",{common},'
        '"anchor_state":"anchored","claim_id":20}'
    )


def test_documents_sentences_and_consensus_layer_are_written_exactly(tmp_path, corpus):
    jsonl.write(tmp_path, corpus)
    doc2 = rows(tmp_path / "documents.jsonl")[1]
    assert doc2 == {
        "id": 2, "title": "风能", "author": "", "source_url": "", "published": None, "language": "zh", "revision": 3,
        "text": sample.TEXT2, "text_sha256": hashlib.sha256(sample.TEXT2.encode()).hexdigest(), "split": "test",
    }
    assert lines(tmp_path / "sentences.jsonl")[1] == (
        '{"document_id":1,"index":1,"start":28,"end":79,"text":"🌬️ Prices fell by 70%\\nsince 2010, says Spin\u0308al Tap.",'
        '"kind":"content","consensus_tag":"evidence","consensus_confidence":1.0,"n_taggers":2}'
    )
    claim = rows(tmp_path / "claims.jsonl")[0]
    assert claim == {
        "id": 10, "document_id": 1, "start": 0, "end": 27, "text": "Wind is the cheapest power.", "n_annotators": 2,
        "votes": {"agree": 5, "disagree": 1, "unsure": 1}, "agree_share": 5 / 7, "wilson_low": 0.36,
        "wilson_high": 0.92, "bridging_intercept": 0.41, "bridging_factor": -0.12, "status": "agreed",
        "groups": [{"group": 0, "agree": 3, "disagree": 0, "unsure": 1}, {"group": 1, "agree": 2, "disagree": 1, "unsure": 0}],
    }
    assert [r["claim_id"] for r in rows(tmp_path / "relations.jsonl")] == [10, 10, 20]
    assert rows(tmp_path / "sources.jsonl")[1]["kind"] == "passage"
    assert [c["parent_id"] for c in rows(tmp_path / "comments.jsonl")] == [None, 401]
    agreement = json.loads((tmp_path / "agreement.json").read_text())
    assert agreement["corpus"] == {"alpha": 0.55, "reading": "moderate", "n_units": 2, "n_taggers": 3}
    assert agreement["documents"][0] == {"document_id": 1, "alpha": 0.62, "reading": "moderate", "n_units": 2, "n_taggers": 2}


def test_manifest_gives_every_file_its_rows_bytes_and_sha256(tmp_path, corpus):
    summary = jsonl.write(tmp_path, corpus)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["offset_unit"] == "unicode_code_point" and manifest["offset_end"] == "exclusive"
    assert manifest["normalisation"] == "NFC"
    assert manifest["schema_version"] and manifest["app_version"] == "0.1.0"
    assert manifest["created"] == "2024-06-01T12:00:00Z"
    assert manifest["filters"] == {"tags": ["claim", "evidence", "opinion"]}
    assert manifest["splits"] == {"test": 1, "train": 1}
    listed = manifest["files"]
    on_disk = {p.name for p in tmp_path.iterdir()} - {"manifest.json"}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        data = (tmp_path / name).read_bytes()
        assert entry["bytes"] == len(data)
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert listed["annotations.jsonl"]["rows"] == 7
    assert summary.as_dict()["files"]["manifest.json"]["bytes"] == (tmp_path / "manifest.json").stat().st_size


def test_every_span_loaded_back_is_the_document_text_at_its_offsets(tmp_path, corpus):
    jsonl.write(tmp_path, corpus)
    texts = {d["id"]: d["text"] for d in rows(tmp_path / "documents.jsonl")}
    given = {a.id: a for b in sample.documents() for a in b.annotations}
    loaded = rows(tmp_path / "annotations.jsonl")
    assert {a["id"] for a in loaded} == set(given)
    for a in loaded:
        original = given[a["id"]]
        assert (a["start"], a["end"], a["text"]) == (original.start, original.end, original.text)
        if a["anchor_state"] == "anchored":
            assert texts[a["document_id"]][a["start"] : a["end"]] == a["text"]
    for table in ("sentences", "claims"):
        for r in rows(tmp_path / f"{table}.jsonl"):
            if r["start"] is not None:
                assert texts[r["document_id"]][r["start"] : r["end"]] == r["text"]


def test_dataset_card_names_each_file_as_a_config_with_licence_and_citation(tmp_path, corpus):
    jsonl.write(tmp_path, corpus)
    text = (tmp_path / "README.md").read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    assert front["license"] == "cc-by-4.0"
    assert front["language"] == ["en", "zh"]
    assert {c["config_name"]: c["data_files"] for c in front["configs"]} == {
        t: f"{t}.jsonl" for t in ("documents", "sentences", "annotations", "relations", "sources", "claims", "comments")
    }
    assert "@misc{rednote2024" in text


def test_comments_file_only_when_there_are_comments(tmp_path):
    bundles = [DocumentBundle(b.document, b.sentences, b.annotations) for b in sample.documents()]
    summary = jsonl.write(tmp_path, CorpusData(sample.META, bundles))
    assert not (tmp_path / "comments.jsonl").exists()
    front = yaml.safe_load((tmp_path / "README.md").read_text(encoding="utf-8").split("---\n")[1])
    assert "comments" not in {c["config_name"] for c in front["configs"]}
    assert "comments.jsonl" not in summary.as_dict()["files"]


def test_a_span_whose_text_is_not_the_document_text_fails_loudly(tmp_path):
    bundles = sample.documents()
    doc = bundles[0].document
    wrong = Annotation(999, doc.id, doc.revision, 0, 4, "Wine", "claim", "", "annotator-x", sample.T0, sample.T0)
    bad = DocumentBundle(doc, annotations=[*bundles[0].annotations, wrong])
    with pytest.raises(ExportIntegrityError, match="annotation 999 in document 1: text at 0-4 is 'Wind'"):
        jsonl.write(tmp_path, CorpusData(sample.META, [bad]))


def test_offsets_into_another_revision_fail_loudly(tmp_path):
    doc = sample.documents()[0].document
    stale = Annotation(998, doc.id, doc.revision - 1, 0, 4, "Wind", "claim", "", "annotator-x", sample.T0, sample.T0)
    with pytest.raises(ExportIntegrityError, match="revision 2, the export has revision 3"):
        jsonl.write(tmp_path, CorpusData(sample.META, [DocumentBundle(doc, annotations=[stale])]))


def test_text_that_is_not_nfc_fails_loudly(tmp_path):
    doc = sample.documents()[0].document._replace(text="Cafe\u0301")
    with pytest.raises(ExportIntegrityError, match="not NFC"):
        jsonl.write(tmp_path, CorpusData(sample.META, [DocumentBundle(doc)]))


def test_no_document_is_a_clear_error_not_an_empty_bundle(tmp_path):
    with pytest.raises(NothingToExport, match="no document matches"):
        jsonl.write(tmp_path, CorpusData(sample.META, []))
