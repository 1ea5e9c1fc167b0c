"""CSV: annotations.csv, one row per annotation: the columns of annotations.jsonl, then the
document's title and the consensus status of the annotation's claim. RFC 4180 (comma, double
quotes where needed, CRLF line ends; line breaks inside a quoted field are kept), UTF-8 without a
byte order mark; null is an empty field. Orphaned annotations are kept with empty offsets,
`anchor_state` orphaned and their last quote."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from annotations.exporters import card
from annotations.exporters.files import (
    ExportSummary,
    OutputFolder,
    Progress,
    ProgressCallback,
    check_annotation,
    check_document,
)
from annotations.exporters.rows import Annotation, Corpus, NothingToExport

FORMAT = "csv"
FILE = "annotations.csv"
COLUMNS = (*Annotation._fields, "document_title", "claim_status")
_FLUSH_ROWS = 5000


def write(out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None) -> ExportSummary:
    summary = ExportSummary(FORMAT)
    counter = Progress(progress)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writerow = writer.writerow
    with OutputFolder(out_dir) as out:
        f = out.open(FILE)

        def flush() -> None:
            f.write(buffer.getvalue().encode("utf-8"))
            buffer.seek(0)
            buffer.truncate()

        writer.writerow(COLUMNS)
        flush()
        for bundle in corpus.documents():
            doc = bundle.document
            check_document(doc)
            summary.documents += 1
            status = {c.id: c.status for c in bundle.claims}
            title = doc.title
            n = 0
            for a in bundle.annotations:
                if not check_annotation(doc, a):
                    summary.orphaned += 1
                writerow((*a, title, status.get(a.claim_id)))
                n += 1
                if n % _FLUSH_ROWS == 0:
                    flush()
                    counter.add(_FLUSH_ROWS)
            flush()
            f.rows += n
            summary.annotations += n
            counter.add(n % _FLUSH_ROWS)
        if summary.documents == 0:
            raise NothingToExport("nothing to export: no document matches the filters")
        out.close(f)
        card.finish(out, corpus.meta, summary)
    counter.finish()
    return summary
