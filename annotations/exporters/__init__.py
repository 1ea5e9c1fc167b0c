"""Export writers: pure functions from rows (annotations.exporters.rows) to files in a folder.

`write(format, out_dir, corpus, progress=...)` runs the writer of one format; every writer streams
the corpus one document at a time, checks every span against its document's text, and returns an
`ExportSummary` (per file its rows, bytes and sha256; what it left out and why). `progress(n)` is
called with n = annotations handled so far (every 10,000 or per document, and at the end): the
unit the shell can count up front. No Django here:
the shell (the export task and command) reads the database into rows and calls these.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotations.exporters import brat, csv, doccano, jsonl, labelstudio, w3c
from annotations.exporters.files import ExportSummary, ProgressCallback
from annotations.exporters.rows import Corpus, ExportIntegrityError, NothingToExport, pseudonym

Writer = Callable[..., ExportSummary]

WRITERS: dict[str, Writer] = {
    jsonl.FORMAT: jsonl.write,
    w3c.FORMAT: w3c.write,
    brat.FORMAT: brat.write,
    doccano.FORMAT: doccano.write,
    labelstudio.FORMAT: labelstudio.write,
    csv.FORMAT: csv.write,
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def write(format: str, out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None) -> ExportSummary:
    """Write `corpus` in `format` into `out_dir` (created if need be). Raises ValueError for an
    unknown format, NothingToExport when no document came, ExportIntegrityError when a row
    contradicts its document; whatever `progress` raises stops the export and propagates. On any
    error the folder may hold partial files: the caller removes it."""
    try:
        writer = WRITERS[format]
    except KeyError:
        raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(FORMATS)}") from None
    return writer(Path(out_dir), corpus, progress=progress)


__all__ = [
    "FORMATS",
    "WRITERS",
    "ExportIntegrityError",
    "ExportSummary",
    "NothingToExport",
    "pseudonym",
    "write",
]
