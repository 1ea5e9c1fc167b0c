"""brat standoff, the format argument-mining corpora ship in.

    annotation.conf                 entities Claim, Evidence, Opinion; relations supports, refutes;
                                    the Status attribute of claims; no events
    gold/DOC.txt, gold/DOC.ann      the consensus layer, one label per span (see brat_gold)
    annotators/NAME/DOC.txt, .ann   each annotator's own spans, notes and links (raw layer)
    cross_document_relations.jsonl  evidence links to claims in other documents (brat relations
                                    cannot leave a document)
    sources.jsonl                   the sources on claims, as in the jsonl bundle
    checksums.sha256, manifest.json

DOC is the document id. The .txt is the document text byte for byte (UTF-8; the annotators'
copies are hard links where the file system allows). Offsets are brat's: characters of the .txt,
that is Unicode code points, exclusive end. A span across a line break becomes a discontinuous
span (`T1<TAB>Evidence 31 49;50 60<TAB>...`) whose fragments leave the line breaks out and whose
text joins them with a space, as brat writes it. Notes become `AnnotatorNotes` on one line.
Orphaned annotations have no offsets and are left out (counted).
"""
from __future__ import annotations

import re
from pathlib import Path

import orjson

from annotations.exporters import card
from annotations.exporters.brat_gold import GoldEntity, gold_layer
from annotations.exporters.files import (
    ExportSummary,
    FileSummary,
    OutputFolder,
    Progress,
    ProgressCallback,
    check_document,
)
from annotations.exporters.rows import (
    CLAIM_STATUSES,
    RELATION_TYPES,
    Corpus,
    NothingToExport,
    record,
)
from annotations.exporters.spans import LABELS, DocumentSpans, document_spans, drawable_links, label

FORMAT = "brat"
GOLD = "gold/"
ANNOTATORS = "annotators/"

# Characters a line-based reader (Python's str.splitlines) breaks lines at: never inside a span's
# fragment, nor inside a note.
_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_FRAGMENT = re.compile(f"[^{_BREAKS}]+")
_NOT_ONE_LINE = re.compile(f"[\t{_BREAKS}]+")
_UNSAFE_NAME = re.compile(r"[^\w.@+-]")


def annotation_conf() -> bytes:
    lines = ["# rednote: tags, evidence links and claim consensus", "[entities]", *LABELS.values(), "", "[relations]"]
    lines += [f"{rel}\tArg1:{LABELS['evidence']}, Arg2:{LABELS['claim']}" for rel in RELATION_TYPES]
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[attributes]"]
    lines += [f"Status\tArg:{LABELS['claim']}, Value:{'|'.join(CLAIM_STATUSES)}", "", "[events]", ""]
    return "\n".join(lines).encode("utf-8")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of [start, end) between line breaks."""
    return [m.span() for m in _FRAGMENT.finditer(text, start, end)]


class AnnFile:
    """The lines of one .ann file, with brat's ids (T1, R1, A1, #1) handed out in order."""

    def __init__(self, text: str):
        self.text = text
        self.lines: list[str] = []
        self.t = self.r = self.a = self.n = 0

    def entity(self, label_: str, start: int, end: int) -> str | None:
        pieces = fragments(self.text, start, end)
        if not pieces:
            return None
        self.t += 1
        offsets = ";".join(f"{s} {e}" for s, e in pieces)
        quote = " ".join(self.text[s:e] for s, e in pieces)
        self.lines.append(f"T{self.t}\t{label_} {offsets}\t{quote}\n")
        return f"T{self.t}"

    def relation(self, type_: str, evidence: str, claim: str) -> str:
        self.r += 1
        self.lines.append(f"R{self.r}\t{type_} Arg1:{evidence} Arg2:{claim}\n")
        return f"R{self.r}"

    def attribute(self, name: str, target: str, value: str) -> None:
        self.a += 1
        self.lines.append(f"A{self.a}\t{name} {target} {value}\n")

    def note(self, target: str, note: str) -> None:
        one_line = _NOT_ONE_LINE.sub(" ", note).strip()
        if one_line:
            self.n += 1
            self.lines.append(f"#{self.n}\tAnnotatorNotes {target}\t{one_line}\n")

    def data(self) -> bytes:
        return "".join(self.lines).encode("utf-8")


class _Names:
    """Folder names for annotators: pseudonyms as they are; other names made safe and unique."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}
        self._used: set[str] = set()

    def __call__(self, annotator: str) -> str:
        name = self._names.get(annotator)
        if name is None:
            base = _UNSAFE_NAME.sub("_", annotator) or "_"
            if base.startswith("."):
                base = "_" + base
            name, i = base, 1
            while name in self._used:
                i += 1
                name = f"{base}-{i}"
            self._used.add(name)
            self._names[annotator] = name
        return name


def _gold_ann(spans: DocumentSpans, sentences, summary: ExportSummary) -> AnnFile:
    ann = AnnFile(spans.document.text)
    entities, relations = gold_layer(spans, sentences, summary)
    ids: list[str | None] = []
    for e in entities:
        ids.append(_gold_entity(ann, e, summary))
    for r in relations:
        if ids[r.evidence] and ids[r.claim]:
            ann.relation(r.type, ids[r.evidence], ids[r.claim])
    return ann


def _gold_entity(ann: AnnFile, e: GoldEntity, summary: ExportSummary) -> str | None:
    tid = ann.entity(e.label, e.start, e.end)
    if tid is None:
        summary.left_out["gold_spans_of_line_breaks_only"] += 1
    elif e.status is not None:
        ann.attribute("Status", tid, e.status)
    return tid


def _annotator_anns(spans: DocumentSpans, summary: ExportSummary) -> dict[str, AnnFile]:
    files: dict[str, AnnFile] = {}
    tids: dict[int, str] = {}
    for annotator, anns in spans.by_annotator().items():
        ann = files[annotator] = AnnFile(spans.document.text)
        for a in anns:
            tid = ann.entity(label(a), a.start, a.end)
            if tid is None:
                summary.left_out["spans_of_line_breaks_only"] += 1
                continue
            tids[a.id] = tid
            if a.note:
                ann.note(tid, a.note)
    for link in drawable_links(spans, summary):
        ev, cl = tids.get(link.evidence.id), tids.get(link.claim.id)
        if not (ev and cl):
            summary.left_out["relations_with_a_span_of_line_breaks_only"] += 1
            continue
        rid = files[link.evidence.annotator].relation(link.relation.type, ev, cl)
        if link.relation.note:
            files[link.evidence.annotator].note(rid, link.relation.note)
    return files


def _cross_document_row(spans: DocumentSpans, relation, evidence) -> bytes:
    return orjson.dumps(
        {
            "id": relation.id,
            "type": relation.type,
            "evidence_id": relation.evidence_id,
            "evidence_document_id": spans.document.id,
            "evidence_start": evidence.start,
            "evidence_end": evidence.end,
            "evidence_text": evidence.text,
            "claim_id": relation.claim_id,
            "annotator": relation.annotator,
            "note": relation.note,
            "created": relation.created,
        },
        option=orjson.OPT_APPEND_NEWLINE,
    )


def write(out_dir: Path, corpus: Corpus, *, progress: ProgressCallback | None = None) -> ExportSummary:
    summary = ExportSummary(FORMAT)
    counter = Progress(progress)
    names = _Names()
    with OutputFolder(out_dir) as out:
        out.write_whole("annotation.conf", annotation_conf())
        cross = out.open("cross_document_relations.jsonl")
        sources = out.open("sources.jsonl")
        for bundle in corpus.documents():
            doc = bundle.document
            check_document(doc)
            summary.documents += 1
            before = summary.annotations
            spans = document_spans(doc, bundle.annotations, bundle.relations, bundle.claims, summary, per_annotator=True)
            txt: FileSummary = out.write_whole(f"{GOLD}{doc.id}.txt", doc.text.encode("utf-8"), rows=0, group=GOLD)
            gold = _gold_ann(spans, bundle.sentences, summary)
            out.write_whole(f"{GOLD}{doc.id}.ann", gold.data(), rows=len(gold.lines), group=GOLD)
            for annotator, ann in _annotator_anns(spans, summary).items():
                folder = f"{ANNOTATORS}{names(annotator)}/"
                out.link(f"{folder}{doc.id}.txt", txt, group=ANNOTATORS)
                out.write_whole(f"{folder}{doc.id}.ann", ann.data(), rows=len(ann.lines), group=ANNOTATORS)
            for relation, evidence in spans.cross_document:
                cross.row(_cross_document_row(spans, relation, evidence))
            for src in bundle.sources:
                sources.row(orjson.dumps(record(src), option=orjson.OPT_APPEND_NEWLINE))
            counter.add(summary.annotations - before)
        if summary.documents == 0:
            raise NothingToExport("nothing to export: no document matches the filters")
        out.close(cross)
        out.close(sources)
        card.finish(out, corpus.meta, summary, offsets="brat: characters of the .txt (Unicode code points), exclusive end")
    counter.finish()
    return summary
