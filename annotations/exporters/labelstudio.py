"""Label Studio: labelstudio.json, a list of tasks, and label_config.xml, the labelling config
they match (create the project with it, then import the file).

    {"data": {"text", "document_id", "title"},
     "meta": {"document_id", "revision", "split", "annotators": [...]},
     "annotations": [{"result": [...], "ground_truth": false, "was_cancelled": false,
                      "annotator": "annotator-…"}]}

One annotation per annotator. Its result holds `labels` regions (`id` "a<annotation id>",
`from_name` "label", `to_name` "text", `value` {start, end, text, labels}, the note as the
region's `meta.text`) and `relation` results (`from_id` evidence region, `to_id` a claim region
of the same annotator, `direction` "right", `labels` [supports | refutes]). Offsets are code
points, exclusive end, as Label Studio's Text tag counts them.

Who annotated: Label Studio's importer accepts `completed_by` only as the id or e-mail of a member
of the importing instance and rejects anything else, so the pseudonym is given as `annotator` in
each annotation (kept in the file, ignored by the importer) and, in the same order as the
annotations, in the task's `meta.annotators`, which the importer keeps.

The file is written as a streaming JSON array: one task per line, never the whole list in memory.
Orphaned annotations and links Label Studio cannot draw are left out and counted.
"""
from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

import orjson

from annotations.exporters import card
from annotations.exporters.files import (
    ExportSummary,
    OutputFolder,
    Progress,
    ProgressCallback,
    check_document,
)
from annotations.exporters.rows import RELATION_TYPES, Corpus, NothingToExport
from annotations.exporters.spans import LABELS, DocumentSpans, document_spans, drawable_links, label

FORMAT = "labelstudio"
FILE = "labelstudio.json"
CONFIG = "label_config.xml"
FROM_NAME, TO_NAME = "label", "text"
COLOURS = {"claim": "#d62728", "evidence": "#1f77b4", "opinion": "#ff7f0e"}


def label_config() -> bytes:
    lines = ["<View>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(rel)}/>" for rel in RELATION_TYPES]
    lines += ["  </Relations>", f"  <Labels name={quoteattr(FROM_NAME)} toName={quoteattr(TO_NAME)}>"]
    lines += [f"    <Label value={quoteattr(LABELS[tag])} background={quoteattr(COLOURS[tag])}/>" for tag in LABELS]
    lines += ["  </Labels>", f"  <Text name={quoteattr(TO_NAME)} value=\"$text\"/>", "</View>", ""]
    return "\n".join(lines).encode("utf-8")


def region_id(annotation_id: int) -> str:
    return f"a{annotation_id}"


def task(spans: DocumentSpans, summary: ExportSummary) -> dict:
    doc = spans.document
    results: dict[str, list[dict]] = {}
    for annotator, anns in spans.by_annotator().items():
        out = results[annotator] = []
        for a in anns:
            region = {
                "id": region_id(a.id),
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "manual",
                "value": {"start": a.start, "end": a.end, "text": a.text, "labels": [label(a)]},
            }
            if a.note:
                region["meta"] = {"text": [a.note]}
            out.append(region)
    for link in drawable_links(spans, summary):
        results[link.evidence.annotator].append({
            "from_id": region_id(link.evidence.id),
            "to_id": region_id(link.claim.id),
            "type": "relation",
            "direction": "right",
            "labels": [link.relation.type],
        })
    annotators = list(results)
    return {
        "data": {"text": doc.text, "document_id": doc.id, "title": doc.title},
        "meta": {"document_id": doc.id, "revision": doc.revision, "split": doc.split, "annotators": annotators},
        "annotations": [
            {"result": results[name], "ground_truth": False, "was_cancelled": False, "annotator": name}
            for name in annotators
        ],
    }


def write(out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None) -> ExportSummary:
    summary = ExportSummary(FORMAT)
    counter = Progress(progress)
    with OutputFolder(out_dir) as out:
        f = out.open(FILE)
        f.write(b"[")
        for bundle in corpus.documents():
            doc = bundle.document
            check_document(doc)
            before = summary.annotations
            spans = document_spans(doc, bundle.annotations, bundle.relations, bundle.claims, summary, per_annotator=True)
            f.row((b",\n" if summary.documents else b"\n") + orjson.dumps(task(spans, summary)))
            summary.documents += 1
            counter.add(summary.annotations - before)
        if summary.documents == 0:
            raise NothingToExport("nothing to export: no document matches the filters")
        f.write(b"\n]\n")
        out.close(f)
        out.write_whole(CONFIG, label_config())
        card.finish(out, corpus.meta, summary)
    counter.finish()
    return summary
