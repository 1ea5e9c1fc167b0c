"""The row model every export writer reads: immutable named tuples and frozen dataclasses, no Django.

The contract between the shell (which reads the database) and the writers (which write files):

* The shell builds a `Corpus`: `meta` (an `ExportMeta`), `documents()` (an iterator of
  `DocumentBundle`, one per exported document, in a stable order such as by id) and
  `corpus_agreement()` (called once, after `documents()` is exhausted, so the shell may work the
  figure out while it streams). A writer draws `documents()` once; writing several formats means
  calling `documents()` again (a new query).
* A `DocumentBundle` holds one document and everything that hangs off it. Each of its iterables is
  iterated at most once, all of them before the next bundle is drawn, in an order the writer
  chooses; so give independent iterables (lists, tuples, or generators over separate queries),
  never several views of one shared cursor. The line-per-row writers (jsonl, csv, w3c) only stream
  them; the per-document formats (brat, doccano, labelstudio) hold one document's rows at a time.
* Which bundle a cross-cutting row belongs to: a `Relation` to the document of its evidence
  annotation (its claim may be in another document); a `SourceRow` and a `CommentRow` to the
  document of their claim. Every row appears in exactly one bundle.
* Offsets are Unicode code points with an exclusive end into `Document.text`, which is the
  exported revision's text exactly, NFC-normalised. An anchored span's `text` is
  `document.text[start:end]` (writers check it and raise `ExportIntegrityError` otherwise); an
  orphaned annotation has `start = end = None`, `anchor_state = "orphaned"` and its last quote as
  `text`. A source passage points into another document's revision and is exported as given.
* A corpus with no document is refused with `NothingToExport` (no empty files are offered).
* Timestamps are ISO 8601 strings in UTC (`...Z` or `+00:00`), dates `YYYY-MM-DD`; ids are ints;
  people are strings, the `pseudonym()` of their user id unless real names were asked for.
* The rows (`Document` ... `CommentRow`) are immutable named tuples, built positionally or by
  keyword: a million of them cost a fraction of what frozen dataclasses do (whose `__init__`
  sets each field through `object.__setattr__`), and `Annotation._make(db_tuple)` is the fastest
  way in. The field order of `Annotation`, `Relation`, `SourceRow`, `ClaimRow` and `CommentRow`
  is the field order of their `.jsonl` files. The other types are frozen dataclasses.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

SCHEMA_VERSION = "1.0"
OFFSET_UNIT = "unicode_code_point"
NORMALISATION = "NFC"

ANCHORED = "anchored"
ORPHANED = "orphaned"


class ExportIntegrityError(ValueError):
    """The rows contradict themselves (a span's text is not the document's text at its offsets,
    or offsets point into another revision): nothing trustworthy can be written."""


class NothingToExport(ValueError):
    """No document matched: a writer refuses to produce an empty export."""


def pseudonym(user_id: int, secret: bytes) -> str:
    """A stable name for a person that does not reveal who they are: HMAC-SHA256 of the user id
    under the instance's secret, first 12 hex digits (48 bits: collisions are negligible below
    millions of people)."""
    digest = hmac.new(secret, str(int(user_id)).encode("ascii"), hashlib.sha256).hexdigest()
    return f"annotator-{digest[:12]}"


class Document(NamedTuple):
    id: int
    title: str
    author: str
    source_url: str
    published: str | None  # YYYY-MM-DD
    language: str
    revision: int  # the number of the exported revision
    text: str
    split: str | None = None  # train / validation / test when a split was asked for


class Sentence(NamedTuple):
    """A sentence of the exported revision with its consensus tag (None when nobody tagged it)."""

    document_id: int
    index: int
    start: int
    end: int
    kind: str  # title, byline, boilerplate, content
    consensus_tag: str | None = None
    consensus_confidence: float | None = None
    n_taggers: int = 0


class Annotation(NamedTuple):
    """One person's mark on a span: the raw, per-annotator layer."""

    id: int
    document_id: int
    revision: int  # the revision its offsets refer to (the exported one when anchored)
    start: int | None
    end: int | None
    text: str
    tag: str  # claim, evidence, opinion
    note: str
    annotator: str
    created: str
    modified: str
    anchor_state: str = ANCHORED
    claim_id: int | None = None


class Relation(NamedTuple):
    """An evidence link: an evidence annotation supports or refutes a claim (maybe elsewhere)."""

    id: int
    type: str  # supports, refutes
    evidence_id: int
    claim_id: int
    annotator: str
    note: str
    created: str


class SourceRow(NamedTuple):
    """A source on a claim: a URL, or a passage of a document (then document_id, start, end, text)."""

    id: int
    claim_id: int
    stance: str  # supports, contradicts
    kind: str  # url, passage
    url: str | None
    title: str
    document_id: int | None
    start: int | None
    end: int | None
    text: str | None
    annotator: str
    note: str = ""
    created: str | None = None


class ClaimRow(NamedTuple):
    """The consensus layer: a claim, the span it was made on, and what the votes say of it.

    `votes` is `{"agree": n, "disagree": n, "unsure": n}`; `groups` a sequence of
    `{"group": i, "agree": n, "disagree": n, "unsure": n}`; start/end None when orphaned."""

    id: int
    document_id: int
    start: int | None
    end: int | None
    text: str
    n_annotators: int
    votes: Mapping[str, int]
    agree_share: float | None
    wilson_low: float | None
    wilson_high: float | None
    bridging_intercept: float | None
    bridging_factor: float | None
    status: str  # agreed, rejected, divided, not_enough_votes
    groups: Sequence[Mapping[str, Any]] = ()


class CommentRow(NamedTuple):
    id: int
    claim_id: int
    parent_id: int | None
    side: str | None  # supports, opposes, question (top-level comments only)
    body: str  # Markdown source
    author: str
    created: str


def record(row: NamedTuple) -> dict[str, Any]:
    """A row as the JSON object of its .jsonl file."""
    return dict(zip(row._fields, row, strict=True))


@dataclass(frozen=True, slots=True)
class AgreementFigure:
    """Krippendorff's alpha (nominal) over sentence tags; alpha None when no disagreement was
    possible; n_units counts sentences tagged by at least two people."""

    alpha: float | None
    reading: str
    n_units: int
    n_taggers: int


@dataclass(frozen=True, slots=True)
class DocumentBundle:
    document: Document
    sentences: Iterable[Sentence] = ()
    annotations: Iterable[Annotation] = ()
    claims: Iterable[ClaimRow] = ()
    relations: Iterable[Relation] = ()
    sources: Iterable[SourceRow] = ()
    comments: Iterable[CommentRow] = ()
    agreement: AgreementFigure | None = None


@dataclass(frozen=True, slots=True)
class ExportMeta:
    """What the manifest and the dataset card say about an export."""

    app_version: str
    created: str
    filters: Mapping[str, Any] = field(default_factory=dict)
    title: str = "rednote annotated corpus"
    license: str = "other"  # an SPDX-like id the Hugging Face Hub knows, e.g. cc-by-4.0
    citation: str = ""
    base_uri: str | None = None  # for W3C ids; urn:uuid ids when None
    real_names: bool = False


class Corpus(Protocol):
    meta: ExportMeta

    def documents(self) -> Iterator[DocumentBundle]: ...

    def corpus_agreement(self) -> AgreementFigure | None: ...


@dataclass(frozen=True, slots=True)
class CorpusData:
    """A `Corpus` over bundles already at hand (tests, small exports)."""

    meta: ExportMeta
    bundles: Sequence[DocumentBundle]
    agreement: AgreementFigure | None = None

    def documents(self) -> Iterator[DocumentBundle]:
        return iter(self.bundles)

    def corpus_agreement(self) -> AgreementFigure | None:
        return self.agreement


TAGS: dict[str, str] = {
    "claim": "A statement put forward as true that can be checked or argued about.",
    "evidence": "Facts, figures, quotations or reports offered in support of or against a claim.",
    "opinion": "A judgement, value or feeling of the author that is not put forward as checkable.",
}
RELATION_TYPES: dict[str, str] = {
    "supports": "The evidence makes the claim more likely to be true.",
    "refutes": "The evidence makes the claim less likely to be true.",
}
SOURCE_STANCES: dict[str, str] = {
    "supports": "The source backs the claim.",
    "contradicts": "The source goes against the claim.",
}
CLAIM_STATUSES: dict[str, str] = {
    "agreed": "Agreed across viewpoints (bridging score above the threshold).",
    "rejected": "Rejected across viewpoints.",
    "divided": "Enough votes, but no agreement that holds across opinion groups.",
    "not_enough_votes": "Too few votes to say.",
}
ANCHOR_STATES: dict[str, str] = {
    ANCHORED: "The span is found in the exported revision; offsets point at it.",
    ORPHANED: "Its text was revised away; offsets are null and text is its last quote.",
}


def label_schema() -> dict[str, Any]:
    """The labels of every layer with their definitions (label_schema.json and the formats'
    label configurations are built from this)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tags": [{"name": k, "definition": v} for k, v in TAGS.items()],
        "relation_types": [
            {"name": k, "definition": v, "from": "evidence", "to": "claim"} for k, v in RELATION_TYPES.items()
        ],
        "source_stances": [{"name": k, "definition": v} for k, v in SOURCE_STANCES.items()],
        "claim_statuses": [{"name": k, "definition": v} for k, v in CLAIM_STATUSES.items()],
        "anchor_states": [{"name": k, "definition": v} for k, v in ANCHOR_STATES.items()],
    }
