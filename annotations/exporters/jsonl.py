"""The canonical bundle: one JSON Lines file per table, plus agreement, label schema, manifest and
a dataset card. Loads with `datasets.load_dataset("json", data_files=...)` and with pandas.

Rows go out as they come: one document's rows at a time, each table's file open throughout, so
memory stays flat however large the corpus. Each row becomes `dict(zip(fields, row))` (the rows'
field order is the files' field order) serialised by orjson: about a microsecond a row, so a
million annotations take seconds rather than minutes.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import orjson

from annotations.exporters import card
from annotations.exporters.files import (
    ExportSummary,
    HashedFile,
    OutputFolder,
    Progress,
    ProgressCallback,
    check_annotation,
    check_document,
    check_span,
    text_sha256,
)
from annotations.exporters.rows import (
    ANCHORED,
    RELATION_TYPES,
    AgreementFigure,
    ClaimRow,
    Corpus,
    Document,
    DocumentBundle,
    ExportIntegrityError,
    NothingToExport,
    Sentence,
    label_schema,
    record,
)

FORMAT = "jsonl"
TABLES = ("documents", "sentences", "annotations", "relations", "sources", "claims")

BATCH = 4096  # annotation lines handed to the file at once
_dumps = orjson.dumps
_LINE = orjson.OPT_APPEND_NEWLINE


def document_record(doc: Document) -> dict:
    return {
        "id": doc.id,
        "title": doc.title,
        "author": doc.author,
        "source_url": doc.source_url,
        "published": doc.published,
        "language": doc.language,
        "revision": doc.revision,
        "text": doc.text,
        "text_sha256": text_sha256(doc.text),
        "split": doc.split,
    }


def sentence_record(doc: Document, s: Sentence) -> dict:
    if s.document_id != doc.id or not 0 <= s.start < s.end <= len(doc.text):
        raise ExportIntegrityError(f"sentence {s.index} of document {doc.id}: offsets {s.start}-{s.end} do not fit")
    return {
        "document_id": s.document_id,
        "index": s.index,
        "start": s.start,
        "end": s.end,
        "text": doc.text[s.start : s.end],
        "kind": s.kind,
        "consensus_tag": s.consensus_tag,
        "consensus_confidence": s.consensus_confidence,
        "n_taggers": s.n_taggers,
    }


def check_claim(doc: Document, c: ClaimRow) -> bool:
    """True when the claim is anchored in the document."""
    if c.document_id != doc.id:
        raise ExportIntegrityError(f"claim {c.id} belongs to document {c.document_id}, not {doc.id}")
    if c.start is None and c.end is None:
        return False
    check_span(doc, c.start, c.end, c.text, f"claim {c.id}")
    return True


def _write_annotations(doc: Document, bundle: DocumentBundle, out: HashedFile, progress: Progress) -> tuple[int, int]:
    """Stream one document's annotations out; (how many, how many orphaned).

    The hot loop of a large export: rows are unpacked once, checked inline (an anchored row whose
    text matches its offsets), and anything else goes through `check_annotation`, which raises
    on bad rows and tells orphans apart. Lines are handed to the file a batch at a time."""
    text, did, revision, n = doc.text, doc.id, doc.revision, len(doc.text)
    block = bytearray()
    pending = total = orphaned = 0
    for a in bundle.annotations:
        aid, doc_id, rev, start, end, quote, tag, note, who, created, modified, state, claim = a
        if (
            start is None or doc_id != did or rev != revision or state != ANCHORED
            or not 0 <= start <= end <= n or text[start:end] != quote
        ) and not check_annotation(doc, a):
            orphaned += 1
        block += _dumps({
            "id": aid, "document_id": doc_id, "revision": rev, "start": start, "end": end, "text": quote,
            "tag": tag, "note": note, "annotator": who, "created": created, "modified": modified,
            "anchor_state": state, "claim_id": claim,
        }, option=_LINE)
        pending += 1
        if pending == BATCH:
            out.write_rows(block, pending)
            block.clear()
            total += pending
            progress.add(pending)
            pending = 0
    out.write_rows(block, pending)
    progress.add(pending)
    return total + pending, orphaned


def write(out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None) -> ExportSummary:
    summary = ExportSummary(FORMAT)
    counter = Progress(progress)
    languages: set[str] = set()
    splits: Counter = Counter()
    doc_agreement: list[tuple[int, AgreementFigure]] = []
    meta = corpus.meta
    with OutputFolder(out_dir) as out:
        files = {table: out.open(f"{table}.jsonl") for table in TABLES}
        comments: HashedFile | None = None
        for bundle in corpus.documents():
            doc = bundle.document
            check_document(doc)
            summary.documents += 1
            languages.add(doc.language)
            if doc.split:
                splits[doc.split] += 1
            files["documents"].row(_dumps(document_record(doc), option=_LINE))
            for s in bundle.sentences:
                files["sentences"].row(_dumps(sentence_record(doc, s), option=_LINE))
            written, orphaned = _write_annotations(doc, bundle, files["annotations"], counter)
            summary.annotations += written
            summary.orphaned += orphaned
            for c in bundle.claims:
                check_claim(doc, c)
                files["claims"].row(_dumps(record(c), option=_LINE))
            for r in bundle.relations:
                if r.type not in RELATION_TYPES:
                    raise ExportIntegrityError(f"relation {r.id}: unknown type {r.type!r}")
                files["relations"].row(_dumps(record(r), option=_LINE))
            for src in bundle.sources:
                files["sources"].row(_dumps(record(src), option=_LINE))
            for cm in bundle.comments:
                if comments is None:
                    comments = out.open("comments.jsonl")
                comments.row(_dumps(record(cm), option=_LINE))
            if bundle.agreement is not None:
                doc_agreement.append((doc.id, bundle.agreement))
        if summary.documents == 0:
            raise NothingToExport("nothing to export: no document matches the filters")
        for f in files.values():
            out.close(f)
        tables = list(TABLES)
        if comments is not None:
            out.close(comments)
            tables.append("comments")
        out.write_whole("agreement.json", card.agreement(corpus.corpus_agreement(), doc_agreement))
        out.write_whole("label_schema.json", card.pretty_json(label_schema()))
        out.write_whole("README.md", card.dataset_card(meta, tables, languages, splits, summary))
        card.finish(out, meta, summary, splits=dict(sorted(splits.items())))
    counter.finish()
    return summary
