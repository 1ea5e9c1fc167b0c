"""Sentence segmentation: pySBD's decisions at a fraction of its cost.

Every line is a paragraph (blank lines only separate), so a sentence never crosses a
"\\n". Within a paragraph the reference is pySBD (English, ``clean=False``), which
passes 47 of the 48 Golden Rules but runs at roughly 0.2 MB/s. Most candidate
terminators in prose fall under a few of its rules, which terminators.py evaluates
directly; the paragraph's end is always a boundary. This module holds the entry point
and the splitting loop: the stretch between two boundaries is one sentence unless a
candidate in it is *unknown*; then it is handed to pySBD, together with the whitespace
before it so that its look-behind rules see what they would in the whole paragraph.
A paragraph with something pySBD treats as a whole is handed to it entirely (see
pysbd_fallback.py, which also maps pySBD's sentences back onto the text).

Like pySBD, "…" (U+2026) is not a terminator. ``segment(text, stats=Counter())``
counts paragraphs resolved without pySBD ("fast") and with it ("pysbd").

A second pass goes beyond pySBD: after an initialism ("the U.S. This shift") a
capitalised word starts a new sentence when the rest of the document says it usually
would (see abbreviations.py). ``abbreviation_evidence=False`` gives pySBD's sentences.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from .abbreviations import Cut, boundaries_after_initialisms
from .pysbd_fallback import context_matters, needs_whole_paragraph, pysbd_spans
from .terminators import (
    Span,
    Zones,
    candidate_terminators,
    pysbd_verdict,
    survives_rewriting,
    within,
)


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    start: int
    end: int
    paragraph: int


_QUOTE_SPLIT = re.compile(r"[!?.][\"“”]\s[A-Z]")
# pySBD takes a quotation or parenthesis at the start of a sentence as a sentence of its
# own when a capital follows (raw text; a one-character parenthesis is left to pySBD).
_OPENING_SENTENCE = re.compile(
    r"（[^）]*）(?=\s?[A-Z])|「[^」]*」(?=\s[A-Z])|\([^)]{2,}\)(?=\s[A-Z])"
    r"|\"[^\"]*[^,]\"(?=\s[A-Z])|“[^”]*[^,]”(?=\s[A-Z])"
)
_OPENERS = '“"(（「[«'
_NON_SPACE = re.compile(r"\S")

Piece = tuple[int, int, int, bool]  # (gap before, start, end, hand to pySBD)


def segment(
    text: str, *, stats: Counter[str] | None = None, abbreviation_evidence: bool = True
) -> list[SentenceSpan]:
    """Split ``text`` into sentences; offsets are code point indices into ``text``."""
    spans: list[SentenceSpan] = []
    paragraph = 0
    line_start = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped:
            offset = line_start + len(line) - len(line.lstrip())
            for start, end in _segment_paragraph(stripped, stats):
                spans.append(SentenceSpan(offset + start, offset + end, paragraph))
            paragraph += 1
        line_start += len(line) + 1
    if abbreviation_evidence:
        cuts = boundaries_after_initialisms(text, spans)
        if cuts:
            spans = _split_at(spans, cuts)
    return spans


def _split_at(spans: list[SentenceSpan], cuts: list[Cut]) -> list[SentenceSpan]:
    """``spans`` with each cut (in text order, each inside one span) applied."""
    result = []
    pending = iter(cuts)
    cut = next(pending, None)
    for span in spans:
        if cut is None or cut[0] >= span.end:
            result.append(span)
            continue
        start = span.start
        while cut is not None and cut[0] < span.end:
            result.append(SentenceSpan(start, cut[0], span.paragraph))
            start = cut[1]
            cut = next(pending, None)
        result.append(SentenceSpan(start, span.end, span.paragraph))
    return result


def _segment_paragraph(p: str, stats: Counter[str] | None = None) -> list[Span]:
    """Sentence spans in a stripped, non-empty paragraph without newlines."""
    candidates = candidate_terminators(p)
    whole = [(0, 0, len(p), True)]
    pieces = whole if needs_whole_paragraph(p, candidates) else _pieces(p, candidates)
    if any(delegate and context_matters(p, gap, b) for gap, _, b, delegate in pieces):
        pieces = whole
    spans = []
    for gap, a, b, delegate in pieces:
        if delegate:
            spans.extend(pysbd_spans(p, gap, b))
        else:
            spans.append((a, b))
    if stats is not None:
        stats["pysbd" if any(piece[3] for piece in pieces) else "fast"] += 1
    return spans


def _pieces(p: str, candidates: list[Span]) -> list[Piece]:
    """Stretches between boundaries: each is one sentence, or pySBD's to split."""
    if not candidates:
        return [(0, 0, len(p), False)]
    zones = Zones(p)
    cuts = []  # (gap, next start)
    unknown = []
    raw_terminator = False  # pySBD only runs its sentence-start rules if one survives
    for t, s in candidates:
        verdict, cut = pysbd_verdict(p, t, s, zones)
        if cut is not None and within(zones.cut_free, cut[0]):
            verdict, cut = "unknown", None
        if cut is not None:
            cuts.append(cut)
        elif verdict == "unknown":
            unknown.append(t)
        elif verdict == "protected" and not raw_terminator:
            raw_terminator = survives_rewriting(p, t, s)
        raw_terminator = raw_terminator or cut is not None
    stretches = []
    gap = start = 0
    for end, next_start in [*cuts, (len(p), len(p))]:
        delegate = bisect_left(unknown, end) > bisect_left(unknown, start) or (
            _QUOTE_SPLIT.search(p, start, end) is not None
        )
        if p[start] in _OPENERS and not delegate:
            # pySBD's quote/parenthesis-at-sentence-start rules only run when the
            # paragraph keeps a terminator through its rewriting; "(x)" may grow.
            delegate = not raw_terminator or (p[start] == "(" and p.find(")", start) == start + 2)
        stretches.append((gap, start, end, delegate))
        gap, start = end, next_start
    last = stretches[-1]
    if last[3] and p[last[1]] in _OPENERS and len(stretches) > 1:
        # Alone, this last stretch might lack a terminator: give pySBD its predecessor too.
        prev = stretches[-2]
        stretches[-2:] = [(prev[0], prev[1], last[2], True)]
    pieces: list[Piece] = []
    for gap, a, b, delegate in stretches:
        m = None if delegate or p[a] not in _OPENERS else _OPENING_SENTENCE.match(p, a, b)
        rest = m and _NON_SPACE.search(p, m.end(), b)
        if m is None:
            pieces.append((gap, a, b, delegate))
        elif rest is None:
            pieces.append((gap, a, m.end(), False))
        else:
            pieces += [(gap, a, m.end(), False), (m.end(), rest.start(), b, False)]
    return pieces
