"""The consensus ("gold") layer of the brat export: one label per span.

How the gold spans are chosen:
1. every anchored claim (the span several people tagged as one claim) is a `Claim`, with its
   consensus status as the `Status` attribute;
2. every sentence with a consensus tag (Dawid–Skene or majority over its taggers) is an entity of
   that tag, unless a claim already holds exactly that span, or the tag is claim and a claim lies
   within the sentence (the claim spans say more precisely what is claimed);
3. an evidence link becomes `R` lines from each gold `Evidence` sentence that overlaps the linked
   evidence annotation to the claim's gold span, once per pair and type. Links whose evidence
   overlaps no gold `Evidence` span are counted, not drawn.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from annotations.exporters.files import ExportSummary, check_span
from annotations.exporters.rows import ExportIntegrityError, Sentence
from annotations.exporters.spans import LABELS, DocumentSpans

NO_GOLD_EVIDENCE = "gold_relations_whose_evidence_overlaps_no_consensus_evidence"
ORPHANED_CLAIM = "gold_relations_to_orphaned_claims"


@dataclass(frozen=True, slots=True)
class GoldEntity:
    label: str
    start: int
    end: int
    status: str | None = None


@dataclass(frozen=True, slots=True)
class GoldRelation:
    type: str
    evidence: int  # index into the entities
    claim: int


def gold_layer(
    spans: DocumentSpans, sentences: Iterable[Sentence], summary: ExportSummary
) -> tuple[list[GoldEntity], list[GoldRelation]]:
    doc = spans.document
    entities: list[GoldEntity] = []
    taken: dict[tuple[int, int], int] = {}  # span -> index of its entity
    claim_index: dict[int, int] = {}
    for c in spans.claims:
        if c.start is None or c.end is None:
            continue
        check_span(doc, c.start, c.end, c.text, f"claim {c.id}")
        key = (c.start, c.end)
        if key not in taken:
            taken[key] = len(entities)
            entities.append(GoldEntity(LABELS["claim"], c.start, c.end, c.status))
        claim_index[c.id] = taken[key]
    claim_spans = list(taken)
    for s in sentences:
        if s.consensus_tag is None:
            continue
        if s.consensus_tag not in LABELS:
            raise ExportIntegrityError(f"sentence {s.index} of document {doc.id}: unknown tag {s.consensus_tag!r}")
        if not 0 <= s.start < s.end <= len(doc.text):
            raise ExportIntegrityError(f"sentence {s.index} of document {doc.id}: offsets {s.start}-{s.end} do not fit")
        if (s.start, s.end) in taken:
            continue
        if s.consensus_tag == "claim" and any(s.start <= a and b <= s.end for a, b in claim_spans):
            continue
        taken[(s.start, s.end)] = len(entities)
        entities.append(GoldEntity(LABELS[s.consensus_tag], s.start, s.end))
    evidence_entities = [(i, e) for i, e in enumerate(entities) if e.label == LABELS["evidence"]]
    relations: list[GoldRelation] = []
    seen: set[tuple[str, int, int]] = set()
    for link in spans.links:
        claim = claim_index.get(link.relation.claim_id)
        if claim is None:
            summary.left_out[ORPHANED_CLAIM] += 1
            continue
        ev = link.evidence
        found = False
        for i, e in evidence_entities:
            if e.start < ev.end and ev.start < e.end:
                found = True
                key = (link.relation.type, i, claim)
                if key not in seen:
                    seen.add(key)
                    relations.append(GoldRelation(*key))
        if not found:
            summary.left_out[NO_GOLD_EVIDENCE] += 1
    return entities, relations
