"""doccano: doccano.jsonl, one line per document, for a sequence-labelling project with relations:

    {"text": ..., "entities": [{"id", "label", "start_offset", "end_offset"}],
     "relations": [{"id", "from_id", "to_id", "type"}], "meta": {...}}

Every annotator's spans are in one line (doccano has no per-annotator layer on import), so `meta`
says whose each entity is (`annotators`, by entity id), their notes, the document's id, title,
revision and split. Entity ids are the annotation ids, relation ids the evidence links' ids; a
relation goes from the evidence span to a span of its claim (the same annotator's if any).
Offsets are code points of `text` (Python string indexes, as doccano stores them), exclusive end.
Orphaned annotations and links to claims in other documents are left out and counted.
"""
from __future__ import annotations

from pathlib import Path

import orjson

from annotations.exporters import card
from annotations.exporters.files import (
    ExportSummary,
    OutputFolder,
    Progress,
    ProgressCallback,
    check_document,
)
from annotations.exporters.rows import Corpus, NothingToExport
from annotations.exporters.spans import DocumentSpans, document_spans, drawable_links, label

FORMAT = "doccano"
FILE = "doccano.jsonl"


def document_line(spans: DocumentSpans, summary: ExportSummary) -> dict:
    doc = spans.document
    entities, annotators, notes = [], {}, {}
    for a in spans.annotations:
        entities.append({"id": a.id, "label": label(a), "start_offset": a.start, "end_offset": a.end})
        annotators[str(a.id)] = a.annotator
        if a.note:
            notes[str(a.id)] = a.note
    relations, relation_annotators = [], {}
    for link in drawable_links(spans, summary):
        r = link.relation
        relations.append({"id": r.id, "from_id": link.evidence.id, "to_id": link.claim.id, "type": r.type})
        relation_annotators[str(r.id)] = r.annotator
    return {
        "text": doc.text,
        "entities": entities,
        "relations": relations,
        "meta": {
            "document_id": doc.id,
            "title": doc.title,
            "revision": doc.revision,
            "language": doc.language,
            "split": doc.split,
            "annotators": annotators,
            "notes": notes,
            "relation_annotators": relation_annotators,
        },
    }


def write(out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None) -> ExportSummary:
    summary = ExportSummary(FORMAT)
    counter = Progress(progress)
    with OutputFolder(out_dir) as out:
        f = out.open(FILE)
        for bundle in corpus.documents():
            doc = bundle.document
            check_document(doc)
            summary.documents += 1
            before = summary.annotations
            spans = document_spans(doc, bundle.annotations, bundle.relations, bundle.claims, summary, per_annotator=False)
            f.row(orjson.dumps(document_line(spans, summary), option=orjson.OPT_APPEND_NEWLINE))
            counter.add(summary.annotations - before)
        if summary.documents == 0:
            raise NothingToExport("nothing to export: no document matches the filters")
        out.close(f)
        card.finish(out, corpus.meta, summary)
    counter.finish()
    return summary
