"""doccano: one line per document with entities and relations as doccano imports them."""
from __future__ import annotations

import json

from annotations.exporters import doccano
from tests.exporters import sample


def load(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_each_document_is_one_exact_line(tmp_path, corpus):
    summary = doccano.write(tmp_path, corpus)
    lines = (tmp_path / "doccano.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    assert lines[1] == (
        '{"text":"风能是最便宜的能源。煤炭更贵。",'
        '"entities":[{"id":107,"label":"Claim","start_offset":0,"end_offset":10}],"relations":[],'
        '"meta":{"document_id":2,"title":"风能","revision":3,"language":"zh","split":"test",'
        '"annotators":{"107":"annotator-cccccccccccc"},"notes":{},"relation_annotators":{}}}'
    )
    assert summary.left_out == {"orphaned_annotations": 1, "relations_to_claims_in_other_documents": 1}


def test_entities_and_relations_of_every_annotator_round_trip(tmp_path, corpus):
    doccano.write(tmp_path, corpus)
    first = load(tmp_path / "doccano.jsonl")[0]
    assert set(first) == {"text", "entities", "relations", "meta"}
    assert first["entities"] == [
        {"id": 101, "label": "Claim", "start_offset": 0, "end_offset": 27},
        {"id": 102, "label": "Claim", "start_offset": 0, "end_offset": 27},
        {"id": 103, "label": "Evidence", "start_offset": 31, "end_offset": 60},
        {"id": 104, "label": "Evidence", "start_offset": 62, "end_offset": 78},
        {"id": 105, "label": "Opinion", "start_offset": 80, "end_offset": 102},
    ]
    quotes = {a.id: a.text for b in sample.documents() for a in b.annotations}
    for e in first["entities"]:
        assert first["text"][e["start_offset"] : e["end_offset"]] == quotes[e["id"]]
    # Each relation goes from the evidence to the same annotator's span of the claim.
    assert first["relations"] == [
        {"id": 201, "from_id": 103, "to_id": 101, "type": "supports"},
        {"id": 202, "from_id": 104, "to_id": 102, "type": "refutes"},
    ]
    assert first["meta"]["annotators"]["104"] == sample.ANN_B
    assert first["meta"]["notes"] == {"102": "Is it *really*?\nCheck\tthis.", "103": "IEA report"}
