"""What every writer shares: hashed, buffered output files, the summary they return, progress
reports, and the integrity checks that make a writer fail loudly instead of writing bad offsets."""
from __future__ import annotations

import hashlib
import os
import shutil
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotations.exporters.rows import (
    ANCHORED,
    ORPHANED,
    Annotation,
    Document,
    ExportIntegrityError,
)

# Bytes gathered before one hash update and one write: few system calls, flat memory.
FLUSH_BYTES = 1 << 20
# Annotations handled between two progress reports (the callback may raise to stop the export).
PROGRESS_EVERY = 10_000

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class FileSummary:
    """One file, or a group of files (a folder ending in "/": then `files` counts them and sha256
    is that of the group's lines in checksums.sha256)."""

    path: str  # relative to the output folder, with forward slashes
    rows: int
    bytes: int
    sha256: str
    files: int = 1

    def as_dict(self) -> dict[str, Any]:
        out = {"rows": self.rows, "bytes": self.bytes, "sha256": self.sha256}
        if self.path.endswith("/"):
            out["files"] = self.files
        return out


@dataclass(slots=True)
class ExportSummary:
    """What a writer wrote: per file its rows, bytes and sha256; `annotations` handled; and what
    was left out of the format, counted by reason (e.g. orphaned annotations where offsets are
    needed)."""

    format: str
    files: list[FileSummary] = field(default_factory=list)
    documents: int = 0
    annotations: int = 0
    orphaned: int = 0
    left_out: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "documents": self.documents,
            "annotations": self.annotations,
            "orphaned": self.orphaned,
            "files": {f.path: f.as_dict() for f in self.files},
            "left_out": dict(sorted(self.left_out.items())),
        }


class HashedFile:
    """A binary output file that counts rows and bytes and hashes its content as it is written.

    Writes are gathered in a bytearray up to FLUSH_BYTES, then hashed and written in one go.
    (Appending to one bytearray, rather than keeping many small bytes objects for a join, lets
    each serialised row be freed at once: several times faster for millions of rows.)"""

    def __init__(self, root: Path, relative: str):
        self.relative = relative
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "wb")  # noqa: SIM115 - closed by close()
        self._hash = hashlib.sha256()
        self._buffer = bytearray()
        self.bytes = 0
        self.rows = 0

    def write(self, data: bytes | bytearray) -> None:
        self._buffer += data
        if len(self._buffer) >= FLUSH_BYTES:
            self._flush()

    def row(self, data: bytes) -> None:
        """One row (a line, a record) already serialised, with its line ending."""
        self.rows += 1
        self._buffer += data
        if len(self._buffer) >= FLUSH_BYTES:
            self._flush()

    def write_rows(self, block: bytes | bytearray, rows: int) -> None:
        """Several rows at once, already joined, each with its line ending."""
        self.rows += rows
        self.write(block)

    def _flush(self) -> None:
        if self._buffer:
            self._hash.update(self._buffer)
            self._file.write(self._buffer)
            self.bytes += len(self._buffer)
            self._buffer.clear()

    def close(self) -> FileSummary:
        self._flush()
        self._file.close()
        return FileSummary(self.relative, self.rows, self.bytes, self._hash.hexdigest())

    def abandon(self) -> None:
        self._buffer.clear()
        self._file.close()


class _Group:
    __slots__ = ("bytes", "files", "hash", "rows")

    def __init__(self) -> None:
        self.files = self.rows = self.bytes = 0
        self.hash = hashlib.sha256()


class OutputFolder:
    """The files a writer has open in its output folder; on an error they are all closed (the
    caller removes the half-written folder), on success their summaries are collected in the
    order the files were opened.

    Formats with a file per document and annotator (brat) put those files in groups (folders):
    each is listed in `checksums.sha256` (`sha256sum -c` checks them) and summarised once, so
    that the summary stays small however many files there are."""

    CHECKSUMS = "checksums.sha256"

    def __init__(self, root: Path):
        self.root = root
        self._open: dict[str, tuple[HashedFile, str | None]] = {}
        self._groups: dict[str, _Group] = {}
        self._checksums: HashedFile | None = None
        self.summaries: list[FileSummary] = []
        root.mkdir(parents=True, exist_ok=True)

    def open(self, relative: str, group: str | None = None) -> HashedFile:
        if relative in self._open:
            raise ValueError(f"{relative} is already open")
        f = HashedFile(self.root, relative)
        self._open[relative] = (f, group)
        return f

    def close(self, f: HashedFile) -> FileSummary:
        _, group = self._open.pop(f.relative)
        summary = f.close()
        self._record(summary, group)
        return summary

    def write_whole(self, relative: str, data: bytes, rows: int = 1, group: str | None = None) -> FileSummary:
        f = self.open(relative, group)
        f.write(data)
        f.rows = rows
        return self.close(f)

    def link(self, relative: str, source: FileSummary, group: str | None = None) -> None:
        """The same bytes as an already written file: a hard link where the file system allows."""
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(self.root / source.path, target)
        except OSError:
            shutil.copyfile(self.root / source.path, target)
        self._record(FileSummary(relative, source.rows, source.bytes, source.sha256), group)

    def _record(self, summary: FileSummary, group: str | None) -> None:
        if group is None:
            self.summaries.append(summary)
            return
        g = self._groups.get(group)
        if g is None:
            g = self._groups[group] = _Group()
        if self._checksums is None:
            self._checksums = HashedFile(self.root, self.CHECKSUMS)
        line = f"{summary.sha256}  {summary.path}\n".encode()
        self._checksums.row(line)
        g.hash.update(line)
        g.files += 1
        g.rows += summary.rows
        g.bytes += summary.bytes

    def close_groups(self) -> None:
        for name, g in self._groups.items():
            self.summaries.append(FileSummary(name, g.rows, g.bytes, g.hash.hexdigest(), g.files))
        self._groups.clear()
        if self._checksums is not None:
            self.summaries.append(self._checksums.close())
            self._checksums = None

    def __enter__(self) -> OutputFolder:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            for f, _ in list(self._open.values()):
                self.close(f)
            self.close_groups()
        else:
            for f, _ in self._open.values():
                f.abandon()
            self._open.clear()
            if self._checksums is not None:
                self._checksums.abandon()


class Progress:
    """Counts handled annotations and reports them every PROGRESS_EVERY, and at the end."""

    __slots__ = ("_callback", "_next", "done")

    def __init__(self, callback: ProgressCallback | None):
        self._callback = callback
        self._next = PROGRESS_EVERY
        self.done = 0

    def add(self, n: int) -> None:
        self.done += n
        if self._callback is not None and self.done >= self._next:
            self._next = self.done + PROGRESS_EVERY
            self._callback(self.done)

    def finish(self) -> None:
        if self._callback is not None:
            self._callback(self.done)


def check_document(doc: Document) -> None:
    if not unicodedata.is_normalized("NFC", doc.text):
        raise ExportIntegrityError(f"document {doc.id}: its text is not NFC-normalised")


def check_span(doc: Document, start: int | None, end: int | None, text: str | None, what: str) -> None:
    """`text` must be the document's text at [start, end) (code points, exclusive end)."""
    if start is None or end is None or text is None:
        raise ExportIntegrityError(f"{what} in document {doc.id}: offsets and text are required")
    if not 0 <= start <= end <= len(doc.text):
        raise ExportIntegrityError(
            f"{what} in document {doc.id}: offsets {start}-{end} fall outside its text of {len(doc.text)} code points"
        )
    if doc.text[start:end] != text:
        raise ExportIntegrityError(
            f"{what} in document {doc.id}: text at {start}-{end} is {doc.text[start:end]!r}, the row says {text!r}"
        )


def check_annotation(doc: Document, a: Annotation) -> bool:
    """Check an annotation against its document; True when it is anchored (has offsets)."""
    if a.document_id != doc.id:
        raise ExportIntegrityError(f"annotation {a.id} belongs to document {a.document_id}, not {doc.id}")
    if a.start is None:
        if a.anchor_state != ORPHANED or a.end is not None:
            raise ExportIntegrityError(f"annotation {a.id}: null offsets, but anchor_state is {a.anchor_state!r}")
        return False
    if a.anchor_state != ANCHORED:
        raise ExportIntegrityError(f"annotation {a.id}: offsets given, but anchor_state is {a.anchor_state!r}")
    if a.revision != doc.revision:
        raise ExportIntegrityError(
            f"annotation {a.id}: offsets into revision {a.revision}, the export has revision {doc.revision}"
        )
    end = a.end
    if end is None or not 0 <= a.start <= end <= len(doc.text) or doc.text[a.start : end] != a.text:
        check_span(doc, a.start, end, a.text, f"annotation {a.id}")
    return True


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
