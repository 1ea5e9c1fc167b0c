"""The jsonl bundle loads where researchers load data: Hugging Face datasets (offline, no loading
script, also through the dataset card's configs) and pandas; and its memory stays flat."""
from __future__ import annotations

import tracemalloc

import pytest

from annotations.exporters import jsonl
from annotations.exporters.rows import (
    Annotation,
    Document,
    DocumentBundle,
    ExportMeta,
)
from tests.exporters import sample


@pytest.fixture
def hf_datasets(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(datasets.config, "HF_DATASETS_OFFLINE", True, raising=False)
    monkeypatch.setattr(datasets.config, "HF_HUB_OFFLINE", True, raising=False)
    return datasets, tmp_path / "hf-cache"


def test_every_table_loads_with_datasets_json_offline(tmp_path, corpus, hf_datasets):
    datasets, cache = hf_datasets
    out = tmp_path / "bundle"
    jsonl.write(out, corpus)
    tables = {}
    for table in ("documents", "sentences", "annotations", "relations", "sources", "claims", "comments"):
        ds = datasets.load_dataset("json", data_files=str(out / f"{table}.jsonl"), split="train", cache_dir=str(cache))
        tables[table] = ds
    annotations = tables["annotations"]
    assert annotations.num_rows == 7
    texts = {d["id"]: d["text"] for d in tables["documents"]}
    for a in annotations:
        if a["start"] is not None:
            assert texts[a["document_id"]][a["start"] : a["end"]] == a["text"]
    assert annotations[5]["anchor_state"] == "orphaned" and annotations[5]["start"] is None
    assert tables["claims"][0]["votes"] == {"agree": 5, "disagree": 1, "unsure": 1}
    assert tables["claims"][0]["groups"][1] == {"group": 1, "agree": 2, "disagree": 1, "unsure": 0}


def test_the_dataset_card_configs_load_the_folder_by_table_name(tmp_path, corpus, hf_datasets):
    datasets, cache = hf_datasets
    out = tmp_path / "bundle"
    jsonl.write(out, corpus)
    relations = datasets.load_dataset(str(out), "relations", split="train", cache_dir=str(cache))
    assert relations["type"] == ["supports", "refutes", "supports"]
    default = datasets.load_dataset(str(out), split="train", cache_dir=str(cache))
    assert default.num_rows == 7 and "anchor_state" in default.column_names


def test_every_table_loads_with_pandas(tmp_path, corpus):
    pd = pytest.importorskip("pandas")
    jsonl.write(tmp_path, corpus)
    documents = pd.read_json(tmp_path / "documents.jsonl", lines=True)
    annotations = pd.read_json(tmp_path / "annotations.jsonl", lines=True, dtype={"start": "Int64", "end": "Int64"})
    assert list(annotations["id"]) == [101, 102, 103, 104, 105, 106, 107]
    texts = dict(zip(documents["id"], documents["text"], strict=True))
    anchored = annotations[annotations["anchor_state"] == "anchored"]
    for row in anchored.itertuples():
        assert texts[row.document_id][row.start : row.end] == row.text
    assert pd.isna(annotations.loc[5, "start"])
    claims = pd.read_json(tmp_path / "claims.jsonl", lines=True)
    assert claims.loc[0, "votes"] == {"agree": 5, "disagree": 1, "unsure": 1}


def _streamed_bundles(n_docs: int, per_doc: int):
    """Documents whose annotations are generated one at a time: nothing is held but the current
    row, so whatever memory the writer keeps is its own."""
    text = "Wind is cheap. " * 400

    def annotations(doc_id: int):
        for i in range(per_doc):
            start = (i % 400) * 15
            yield Annotation(doc_id * per_doc + i, doc_id, 1, start, start + 14, "Wind is cheap.", "claim",
                             "", f"annotator-{i % 997:012x}", sample.T0, sample.T1, "anchored", None)

    for d in range(n_docs):
        yield DocumentBundle(Document(d, f"doc {d}", "", "", None, "en", 1, text), annotations=annotations(d))


class _StreamedCorpus:
    meta = ExportMeta("0.1.0", sample.T0)

    def __init__(self, n_docs: int, per_doc: int):
        self.n_docs, self.per_doc = n_docs, per_doc

    def documents(self):
        return _streamed_bundles(self.n_docs, self.per_doc)

    def corpus_agreement(self):
        return None


def test_memory_stays_flat_for_200k_streamed_annotations(tmp_path):
    seen = []
    tracemalloc.start()
    try:
        summary = jsonl.write(tmp_path, _StreamedCorpus(40, 5000), progress=seen.append)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.annotations == 200_000
    assert (tmp_path / "annotations.jsonl").stat().st_size > 40_000_000
    # The output is over 40 MB; the writer holds a 1 MiB buffer and one document.
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB"
    assert seen[-1] == 200_000 and len(seen) >= 20
