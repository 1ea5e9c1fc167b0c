"""W3C Web Annotations: annotations.jsonld, valid against the Web Annotation Data Model.

The file is a JSON-LD document that is an array of node objects: first the
`AnnotationCollection` (label, total, `first` page embedded, `last`), then the following
`AnnotationPage`s in order, each with its `id`, `partOf`, `startIndex`, `prev`/`next` links and
`items`. Every annotation carries its own `@context`, so it can be taken out and posted to an
annotation server as it is.

An annotation: its tag as a `TextualBody` with purpose `classifying`, its note as a `TextualBody`
with purpose `commenting` (Markdown), the claim it joins as a `SpecificResource` body with purpose
`linking` (the model allows a purpose on embedded and specific resources only); its
target the document's exported revision as `source`, with a `TextPositionSelector` (code points,
exclusive end, as the model defines) and a `TextQuoteSelector` (exact, prefix, suffix). An orphaned
annotation targets the revision it was last anchored in, with only a `TextQuoteSelector`.

Ids are URIs under `ExportMeta.base_uri` (e.g. `https://rednote.example.org/annotations/7`) or,
without one, `urn:uuid:` names derived from them (stable from one export to the next). Because
the collection's `total` and `last` are known only at the end, pages after the first are spooled
to a temporary file beside the output and copied in after the collection.
"""
from __future__ import annotations

import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote, urlsplit

import orjson

from annotations.exporters import card
from annotations.exporters.files import (
    ExportSummary,
    OutputFolder,
    Progress,
    ProgressCallback,
    check_annotation,
    check_document,
)
from annotations.exporters.rows import Annotation, Corpus, Document, NothingToExport

FORMAT = "w3c"
FILE = "annotations.jsonld"
CONTEXT = "http://www.w3.org/ns/anno.jsonld"
PAGE_SIZE = 1000
QUOTE_CONTEXT = 32  # code points of prefix and suffix in a TextQuoteSelector

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:rednote")
_COPY_CHUNK = 1 << 20


class Uris:
    """The URI of each thing an annotation mentions."""

    def __init__(self, base: str | None):
        if base is not None:
            parts = urlsplit(base)
            if not (parts.scheme and parts.netloc):
                raise ValueError(f"base URI {base!r} must be absolute, like https://rednote.example.org")
            base = base.rstrip("/")
        self.base = base
        self._cache: dict[tuple[str, object], str] = {}  # documents and annotators recur on every row

    def make(self, path: str) -> str:
        if self.base:
            return f"{self.base}/{path}"
        return f"urn:uuid:{uuid.uuid5(_NAMESPACE, path)}"

    def _cached(self, kind: str, key: object, path) -> str:
        uri = self._cache.get((kind, key))
        if uri is None:
            if len(self._cache) > 100_000:
                self._cache.clear()
            uri = self._cache[(kind, key)] = self.make(path())
        return uri

    def document(self, doc_id: int, revision: int) -> str:
        return self._cached("document", (doc_id, revision), lambda: f"articles/{doc_id}/revisions/{revision}")

    def annotation(self, annotation_id: int) -> str:
        return self.make(f"annotations/{annotation_id}")

    def annotator(self, name: str) -> str:
        return self._cached("annotator", name, lambda: f"annotators/{quote(name, safe='')}")

    def claim(self, claim_id: int) -> str:
        return self.make(f"claims/{claim_id}")


def annotation_node(a: Annotation, doc: Document, anchored: bool, uris: Uris) -> dict:
    body: list[dict] = [{"type": "TextualBody", "value": a.tag, "purpose": "classifying"}]
    if a.note:
        body.append({"type": "TextualBody", "value": a.note, "purpose": "commenting", "format": "text/markdown"})
    if a.claim_id is not None:
        body.append({"type": "SpecificResource", "source": uris.claim(a.claim_id), "purpose": "linking"})
    if anchored:
        text = doc.text
        target = {
            "source": uris.document(doc.id, doc.revision),
            "selector": [
                {"type": "TextPositionSelector", "start": a.start, "end": a.end},
                {
                    "type": "TextQuoteSelector",
                    "exact": a.text,
                    "prefix": text[max(0, a.start - QUOTE_CONTEXT) : a.start],
                    "suffix": text[a.end : a.end + QUOTE_CONTEXT],
                },
            ],
        }
    else:
        target = {
            "source": uris.document(doc.id, a.revision),
            "selector": {"type": "TextQuoteSelector", "exact": a.text},
        }
    return {
        "@context": CONTEXT,
        "id": uris.annotation(a.id),
        "type": "Annotation",
        "motivation": "classifying",
        "created": a.created,
        "modified": a.modified,
        "creator": {"id": uris.annotator(a.annotator), "type": "Person", "nickname": a.annotator},
        "body": body,
        "target": target,
    }


class _Pages:
    """Gathers annotations into pages; the first page is kept, the others spooled."""

    def __init__(self, collection_id: str, page_size: int, spool):
        self.collection_id = collection_id
        self.page_size = page_size
        self.spool = spool
        self.items: list[bytes] = []
        self.number = 0
        self.total = 0
        self.first: bytes | None = None

    def page_id(self, number: int) -> str:
        return f"urn:uuid:{uuid.uuid5(uuid.UUID(self.collection_id[9:]), f'page-{number}')}"

    def add(self, item: bytes) -> None:
        if len(self.items) == self.page_size:
            self._emit(has_next=True)
        self.items.append(item)
        self.total += 1

    def _emit(self, has_next: bool) -> None:
        head = {"@context": CONTEXT, "id": self.page_id(self.number), "type": "AnnotationPage",
                "partOf": {"id": self.collection_id}, "startIndex": self.total - len(self.items)}
        if self.number:
            head["prev"] = self.page_id(self.number - 1)
        if has_next:
            head["next"] = self.page_id(self.number + 1)
        page = orjson.dumps(head)[:-1] + b',"items":[\n' + b",\n".join(self.items) + b"\n]}"
        if self.number == 0:
            self.first = page
        else:
            self.spool.write(b",\n" + page)
        self.items.clear()
        self.number += 1

    def finish(self) -> None:
        if self.items:
            self._emit(has_next=False)


def collection_id(corpus: Corpus) -> str:
    meta = corpus.meta
    name = orjson.dumps([meta.base_uri, meta.created, meta.app_version, dict(meta.filters)], option=orjson.OPT_SORT_KEYS)
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, name.decode())}"


def write(
    out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None, page_size: int = PAGE_SIZE
) -> ExportSummary:
    summary = ExportSummary(FORMAT)
    counter = Progress(progress)
    meta = corpus.meta
    uris = Uris(meta.base_uri)
    out_dir.mkdir(parents=True, exist_ok=True)
    with OutputFolder(out_dir) as out, tempfile.TemporaryFile(dir=out_dir, prefix=".w3c-pages-") as spool:
        pages = _Pages(collection_id(corpus), page_size, spool)
        dumps = orjson.dumps
        for bundle in corpus.documents():
            doc = bundle.document
            check_document(doc)
            summary.documents += 1
            n = 0
            for a in bundle.annotations:
                anchored = check_annotation(doc, a)
                if not anchored:
                    summary.orphaned += 1
                pages.add(dumps(annotation_node(a, doc, anchored, uris)))
                n += 1
            summary.annotations += n
            counter.add(n)
        if summary.documents == 0:
            raise NothingToExport("nothing to export: no document matches the filters")
        pages.finish()
        head = {"@context": CONTEXT, "id": pages.collection_id, "type": "AnnotationCollection",
                "label": meta.title, "total": pages.total, "created": meta.created}
        if pages.number:
            head["last"] = pages.page_id(pages.number - 1)
        f = out.open(FILE)
        collection = orjson.dumps(head)
        if pages.first is not None:
            collection = collection[:-1] + b',"first":' + pages.first + b"}"
        f.write(b"[" + collection)
        spool.seek(0)
        while chunk := spool.read(_COPY_CHUNK):
            f.write(chunk)
        f.write(b"]\n")
        f.rows = pages.total
        out.close(f)
        card.finish(out, meta, summary, page_size=page_size)
    counter.finish()
    return summary
