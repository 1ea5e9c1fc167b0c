"""CSV: one row per annotation, the jsonl columns plus document title and claim status."""
from __future__ import annotations

import csv

import pytest

from annotations.exporters import csv as csv_writer
from tests.exporters import sample


def test_rows_are_exact_and_quoted_where_needed(tmp_path, corpus):
    csv_writer.write(tmp_path, corpus)
    data = (tmp_path / "annotations.csv").read_bytes().decode("utf-8")
    assert data.startswith(
        "id,document_id,revision,start,end,text,tag,note,annotator,created,modified,anchor_state,claim_id,"
        "document_title,claim_status\r\n"
        "101,1,3,0,27,Wind is the cheapest power.,claim,,annotator-aaaaaaaaaaaa,2024-05-01T10:00:00Z,"
        "2024-05-02T11:30:00+00:00,anchored,10,Wind power,agreed\r\n"
        '102,1,3,0,27,Wind is the cheapest power.,claim,"Is it *really*?\nCheck\tthis.",annotator-bbbbbbbbbbbb,'
        "2024-05-01T10:00:00Z,2024-05-02T11:30:00+00:00,anchored,10,Wind power,agreed\r\n"
        '103,1,3,31,60,"Prices fell by 70%\nsince 2010",evidence,IEA report,'
    )
    assert "106,1,2,,,Coal is dead.,claim,,annotator-aaaaaaaaaaaa,2024-05-01T10:00:00Z,2024-05-02T11:30:00+00:00,orphaned,11,Wind power,not_enough_votes\r\n" in data
    assert data.endswith(
        "107,2,3,0,10,风能是最便宜的能源。,claim,,annotator-cccccccccccc,2024-05-01T10:00:00Z,"
        "2024-05-02T11:30:00+00:00,anchored,20,风能,not_enough_votes\r\n"
    )


def test_read_back_with_the_csv_module_every_span_matches_its_document(tmp_path, corpus):
    csv_writer.write(tmp_path, corpus)
    with open(tmp_path / "annotations.csv", newline="", encoding="utf-8") as f:
        got = list(csv.DictReader(f))
    texts = {1: sample.TEXT1, 2: sample.TEXT2}
    assert [r["id"] for r in got] == ["101", "102", "103", "104", "105", "106", "107"]
    for r in got:
        if r["anchor_state"] == "anchored":
            assert texts[int(r["document_id"])][int(r["start"]) : int(r["end"])] == r["text"]
    assert got[1]["note"] == "Is it *really*?\nCheck\tthis."


def test_reads_with_pandas(tmp_path, corpus):
    pd = pytest.importorskip("pandas")
    csv_writer.write(tmp_path, corpus)
    frame = pd.read_csv(tmp_path / "annotations.csv", dtype={"start": "Int64", "end": "Int64"}, keep_default_na=False,
                        na_values={"start": [""], "end": [""], "claim_id": [""]})
    assert list(frame.columns)[-2:] == ["document_title", "claim_status"]
    assert frame.loc[2, "text"] == sample.EVIDENCE_1
    assert pd.isna(frame.loc[5, "start"]) and frame.loc[5, "anchor_state"] == "orphaned"
