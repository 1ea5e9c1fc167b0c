"""One document's spans and links as the offset-based formats (brat, doccano, Label Studio) need
them: anchored annotations only (orphans are counted and left out), and each evidence link
resolved to the two spans it joins, or counted and left out with the reason.

These formats hold one document's rows at a time; a link can only join spans of one document.
The claim end of a link is a span tagged as that claim: in a per-annotator layer the link's own
annotator's (a person's layer holds only their own spans), in a merged layer theirs if they have
one, else the first annotator's."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from annotations.exporters.files import ExportSummary, check_annotation
from annotations.exporters.rows import (
    RELATION_TYPES,
    TAGS,
    Annotation,
    ClaimRow,
    Document,
    ExportIntegrityError,
    Relation,
)

LABELS = {tag: tag.capitalize() for tag in TAGS}  # claim -> Claim, as brat and the others show it

# Left-out reasons, as the summaries count them.
ORPHANED = "orphaned_annotations"
CROSS_DOCUMENT = "relations_to_claims_in_other_documents"
EVIDENCE_NOT_EXPORTED = "relations_whose_evidence_is_not_exported"
CLAIM_NOT_TAGGED = "relations_without_a_claim_span_in_the_layer"


def label(a: Annotation) -> str:
    try:
        return LABELS[a.tag]
    except KeyError:
        raise ExportIntegrityError(f"annotation {a.id}: unknown tag {a.tag!r}") from None


@dataclass(slots=True)
class LinkedRelation:
    relation: Relation
    evidence: Annotation
    claim: Annotation | None  # a claim-tagged span of the layer joined to the relation's claim


@dataclass(slots=True)
class DocumentSpans:
    """A document's anchored annotations in order (start, end, id); its links to claims of this
    document whose evidence is exported (`claim` None when the layer has no span of the claim);
    and its links to claims elsewhere."""

    document: Document
    annotations: list[Annotation]
    links: list[LinkedRelation] = field(default_factory=list)
    cross_document: list[tuple[Relation, Annotation]] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)

    def by_annotator(self) -> dict[str, list[Annotation]]:
        groups: dict[str, list[Annotation]] = {}
        for a in self.annotations:
            groups.setdefault(a.annotator, []).append(a)
        return groups


def _claim_spans(annotations: list[Annotation]) -> tuple[dict[tuple[str, int], Annotation], dict[int, Annotation]]:
    mine: dict[tuple[str, int], Annotation] = {}
    anyone: dict[int, Annotation] = {}
    for a in annotations:
        if a.claim_id is not None and a.tag == "claim":
            mine.setdefault((a.annotator, a.claim_id), a)
            anyone.setdefault(a.claim_id, a)
    return mine, anyone


def document_spans(
    doc: Document,
    annotations: Iterable[Annotation],
    relations: Iterable[Relation],
    claims: Iterable[ClaimRow],
    summary: ExportSummary,
    *,
    per_annotator: bool,
) -> DocumentSpans:
    """Check a document's rows and resolve its links; count what is left out in `summary`."""
    anchored = []
    for a in annotations:
        summary.annotations += 1
        if check_annotation(doc, a):
            label(a)
            anchored.append(a)
        else:
            summary.orphaned += 1
            summary.left_out[ORPHANED] += 1
    anchored.sort(key=lambda a: (a.start, a.end, a.id))
    spans = DocumentSpans(doc, anchored, claims=list(claims))
    by_id = {a.id: a for a in anchored}
    claim_ids = {c.id for c in spans.claims}
    mine, anyone = _claim_spans(anchored)
    for r in relations:
        if r.type not in RELATION_TYPES:
            raise ExportIntegrityError(f"relation {r.id}: unknown type {r.type!r}")
        evidence = by_id.get(r.evidence_id)
        if evidence is None:
            summary.left_out[EVIDENCE_NOT_EXPORTED] += 1
            continue
        if r.claim_id not in claim_ids:
            spans.cross_document.append((r, evidence))
            summary.left_out[CROSS_DOCUMENT] += 1
            continue
        claim = mine.get((evidence.annotator, r.claim_id))
        if claim is None and not per_annotator:
            claim = anyone.get(r.claim_id)
        spans.links.append(LinkedRelation(r, evidence, claim))
    return spans


def drawable_links(spans: DocumentSpans, summary: ExportSummary) -> list[LinkedRelation]:
    """The links with a claim span in the layer; the others are counted as left out."""
    out = []
    for link in spans.links:
        if link.claim is None:
            summary.left_out[CLAIM_NOT_TAGGED] += 1
        else:
            out.append(link)
    return out
