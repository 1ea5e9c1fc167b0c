"""brat standoff: the exact configuration and .ann files, the .txt byte for byte, a span across a
line break as a discontinuous span, and the raw layer parsed back to the spans and links given."""
from __future__ import annotations

import hashlib
import json

from annotations.exporters import brat
from annotations.exporters.rows import CorpusData, DocumentBundle
from tests.exporters import sample

A, B, C = sample.ANN_A, sample.ANN_B, sample.ANN_C


def read(path) -> str:
    return path.read_text(encoding="utf-8")


def parse_ann(text: str) -> tuple[dict, list, dict]:
    """A small brat standoff reader: entities {id: (label, [(start, end)], text)}, relations
    [(type, arg1, arg2)], notes {target: note}."""
    entities, relations, notes = {}, [], {}
    for line in text.splitlines():
        ident, rest = line.split("\t", 1)
        if ident.startswith("T"):
            head, quote = rest.split("\t", 1)
            label, offsets = head.split(" ", 1)
            pieces = [tuple(int(x) for x in piece.split()) for piece in offsets.split(";")]
            entities[ident] = (label, pieces, quote)
        elif ident.startswith("R"):
            rel, arg1, arg2 = rest.split(" ")
            relations.append((rel, arg1.removeprefix("Arg1:"), arg2.removeprefix("Arg2:")))
        elif ident.startswith("#"):
            _, target, note = rest.replace("AnnotatorNotes ", "AnnotatorNotes\t", 1).split("\t")
            notes[target] = note
    return entities, relations, notes


def test_annotation_conf_declares_entities_relations_attributes_and_events(tmp_path, corpus):
    brat.write(tmp_path, corpus)
    assert read(tmp_path / "annotation.conf") == (
        "# rednote: tags, evidence links and claim consensus\n"
        "[entities]\nClaim\nEvidence\nOpinion\n\n"
        "[relations]\n"
        "supports\tArg1:Evidence, Arg2:Claim\n"
        "refutes\tArg1:Evidence, Arg2:Claim\n"
        "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>\n\n"
        "[attributes]\nStatus\tArg:Claim, Value:agreed|rejected|divided|not_enough_votes\n\n"
        "[events]\n"
    )


def test_raw_layer_files_are_exact_with_a_discontinuous_span_across_the_line_break(tmp_path, corpus):
    brat.write(tmp_path, corpus)
    assert read(tmp_path / "annotators" / A / "1.ann") == (
        "T1\tClaim 0 27\tWind is the cheapest power.\n"
        "T2\tEvidence 31 49;50 60\tPrices fell by 70% since 2010\n"
        "#1\tAnnotatorNotes T2\tIEA report\n"
        "R1\tsupports Arg1:T2 Arg2:T1\n"
        "#2\tAnnotatorNotes R1\tsee the table\n"
    )
    assert read(tmp_path / "annotators" / B / "1.ann") == (
        "T1\tClaim 0 27\tWind is the cheapest power.\n"
        "#1\tAnnotatorNotes T1\tIs it *really*? Check this.\n"
        "T2\tEvidence 62 78\tsays Spin\u0308al Tap\n"
        "T3\tOpinion 80 102\tI think that is great.\n"
        "R1\trefutes Arg1:T2 Arg2:T1\n"
    )
    assert read(tmp_path / "annotators" / C / "2.ann") == "T1\tClaim 0 10\t风能是最便宜的能源。\n"
    assert not (tmp_path / "annotators" / C / "1.ann").exists()


def test_gold_layer_is_one_label_per_span_by_consensus(tmp_path, corpus):
    brat.write(tmp_path, corpus)
    assert read(tmp_path / "gold" / "1.ann") == (
        "T1\tClaim 0 27\tWind is the cheapest power.\n"
        "A1\tStatus T1 agreed\n"
        "T2\tEvidence 28 49;50 79\t🌬️ Prices fell by 70% since 2010, says Spin\u0308al Tap.\n"
        "T3\tOpinion 80 102\tI think that is great.\n"
        "R1\tsupports Arg1:T2 Arg2:T1\n"
        "R2\trefutes Arg1:T2 Arg2:T1\n"
    )
    assert read(tmp_path / "gold" / "2.ann") == "T1\tClaim 0 10\t风能是最便宜的能源。\nA1\tStatus T1 not_enough_votes\n"


def test_txt_is_the_document_text_byte_for_byte_in_every_layer(tmp_path, corpus):
    brat.write(tmp_path, corpus)
    for path in ("gold/1.txt", f"annotators/{A}/1.txt", f"annotators/{B}/1.txt"):
        assert (tmp_path / path).read_bytes() == sample.TEXT1.encode("utf-8")
    assert (tmp_path / "gold" / "2.txt").read_bytes() == sample.TEXT2.encode("utf-8")


def test_raw_layer_parsed_back_gives_the_same_spans_and_relations(tmp_path, corpus):
    brat.write(tmp_path, corpus)
    spans, links = set(), set()
    for bundle in sample.documents():
        doc = bundle.document
        for folder in (tmp_path / "annotators").iterdir():
            ann = folder / f"{doc.id}.ann"
            if not ann.exists():
                continue
            text = (folder / f"{doc.id}.txt").read_text(encoding="utf-8")
            entities, relations, _ = parse_ann(read(ann))
            for label, pieces, quote in entities.values():
                assert " ".join(text[s:e] for s, e in pieces) == quote
                spans.add((doc.id, folder.name, label.lower(), pieces[0][0], pieces[-1][1]))
            for rel, arg1, arg2 in relations:
                links.add((folder.name, rel, entities[arg1][1][0][0], entities[arg2][1][0][0]))
    given = {(a.document_id, a.annotator, a.tag, a.start, a.end)
             for b in sample.documents() for a in b.annotations if a.start is not None}
    assert spans == given
    assert links == {(A, "supports", 31, 0), (B, "refutes", 62, 0)}


def test_cross_document_links_and_sources_go_to_side_files(tmp_path, corpus):
    summary = brat.write(tmp_path, corpus)
    cross = [json.loads(line) for line in read(tmp_path / "cross_document_relations.jsonl").splitlines()]
    assert cross == [{
        "id": 203, "type": "supports", "evidence_id": 103, "evidence_document_id": 1, "evidence_start": 31,
        "evidence_end": 60, "evidence_text": sample.EVIDENCE_1, "claim_id": 20, "annotator": A, "note": "",
        "created": sample.T1,
    }]
    assert [json.loads(line)["id"] for line in read(tmp_path / "sources.jsonl").splitlines()] == [301, 302]
    assert summary.left_out == {"orphaned_annotations": 1, "relations_to_claims_in_other_documents": 1}


def test_checksums_and_manifest_cover_every_file(tmp_path, corpus):
    summary = brat.write(tmp_path, corpus).as_dict()
    listed = {}
    for line in read(tmp_path / "checksums.sha256").splitlines():
        digest, path = line.split("  ", 1)
        listed[path] = digest
    on_disk = {str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file()}
    assert set(listed) == {p for p in on_disk if p.startswith(("gold/", "annotators/"))}
    for path, digest in listed.items():
        assert hashlib.sha256((tmp_path / path).read_bytes()).hexdigest() == digest
    assert summary["files"]["gold/"]["files"] == 4 and summary["files"]["annotators/"]["files"] == 6
    manifest = json.loads(read(tmp_path / "manifest.json"))
    assert set(manifest["files"]) == {"annotation.conf", "cross_document_relations.jsonl", "sources.jsonl",
                                      "gold/", "annotators/", "checksums.sha256"}


def test_real_names_become_safe_distinct_folder_names(tmp_path):
    bundles = sample.documents()
    renamed = [a._replace(annotator={A: "../ann", B: "ann/"}.get(a.annotator, a.annotator))
               for a in bundles[0].annotations]
    corpus = CorpusData(sample.META, [DocumentBundle(bundles[0].document, annotations=renamed)])
    brat.write(tmp_path, corpus)
    assert sorted(p.name for p in (tmp_path / "annotators").iterdir()) == ["_.._ann", "ann_"]
