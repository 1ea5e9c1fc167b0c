"""Label Studio: a JSON list of tasks, one annotation per annotator, labels and relation results
that match the labelling config written beside them."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from annotations.exporters import labelstudio
from tests.exporters import sample


def test_tasks_hold_one_annotation_per_annotator_with_labels_and_relations(tmp_path, corpus):
    summary = labelstudio.write(tmp_path, corpus)
    tasks = json.loads((tmp_path / "labelstudio.json").read_text(encoding="utf-8"))
    assert len(tasks) == 2
    first = tasks[0]
    assert first["data"] == {"text": sample.TEXT1, "document_id": 1, "title": "Wind power"}
    assert first["meta"]["annotators"] == [a["annotator"] for a in first["annotations"]] == [sample.ANN_A, sample.ANN_B]
    mine = first["annotations"][0]
    assert mine["ground_truth"] is False and mine["was_cancelled"] is False
    assert mine["result"] == [
        {"id": "a101", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
         "value": {"start": 0, "end": 27, "text": "Wind is the cheapest power.", "labels": ["Claim"]}},
        {"id": "a103", "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual",
         "value": {"start": 31, "end": 60, "text": "Prices fell by 70%\nsince 2010", "labels": ["Evidence"]},
         "meta": {"text": ["IEA report"]}},
        {"from_id": "a103", "to_id": "a101", "type": "relation", "direction": "right", "labels": ["supports"]},
    ]
    assert summary.left_out == {"orphaned_annotations": 1, "relations_to_claims_in_other_documents": 1}


def test_every_region_is_the_task_text_at_its_offsets_and_relations_stay_within_an_annotation(tmp_path, corpus):
    labelstudio.write(tmp_path, corpus)
    for task in json.loads((tmp_path / "labelstudio.json").read_text(encoding="utf-8")):
        for annotation in task["annotations"]:
            regions = {r["id"]: r for r in annotation["result"] if r["type"] == "labels"}
            for r in regions.values():
                v = r["value"]
                assert task["data"]["text"][v["start"] : v["end"]] == v["text"]
            for rel in (r for r in annotation["result"] if r["type"] == "relation"):
                assert rel["from_id"] in regions and rel["to_id"] in regions


def test_label_config_names_match_the_results(tmp_path, corpus):
    labelstudio.write(tmp_path, corpus)
    view = ET.fromstring((tmp_path / "label_config.xml").read_text(encoding="utf-8"))
    labels = view.find("Labels")
    text = view.find("Text")
    assert (labels.get("name"), labels.get("toName"), text.get("name"), text.get("value")) == ("label", "text", "text", "$text")
    assert [x.get("value") for x in labels.findall("Label")] == ["Claim", "Evidence", "Opinion"]
    assert [x.get("value") for x in view.find("Relations").findall("Relation")] == ["supports", "refutes"]
    tasks = json.loads((tmp_path / "labelstudio.json").read_text(encoding="utf-8"))
    used = {lab for t in tasks for a in t["annotations"] for r in a["result"] for lab in r.get("value", {}).get("labels", [])}
    assert used <= {"Claim", "Evidence", "Opinion"}
