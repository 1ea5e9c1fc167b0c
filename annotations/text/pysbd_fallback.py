"""Handing text to pySBD: what it must see whole, and where its sentences are.

A paragraph with something pySBD handles across the whole paragraph (list markers,
single-quote spans, "--" pairs, numbered references, backslashes, its placeholder
characters, ...) goes to it entirely, and so does one where a dotted-abbreviation
look-alike would be read differently in a stretch on its own. pySBD's sentences are
located in the text by content (never by its char spans, which go wrong around repeated
or altered text) and our spans are cut at their starts and trimmed, so they always cover
every non-whitespace character, in order, without overlap.
"""

from __future__ import annotations

import re
from collections import Counter

import pysbd

from .terminators import DOTTED_ABBREVIATIONS, Span

# Things pySBD handles across the whole paragraph: such paragraphs go to it whole.
_HAZARD_CHARS = re.compile(r"[\\\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029∯∮ȸȹ☉☈☇☄☏ƪ♟♝♨☝✂⌬⎋ᓰᓱᓳᓴᓷᓸ♬♭]")
_PARENS_IN_QUOTES = re.compile(r'["”]\s\(.*\)\s["“]')  # get line breaks in pySBD
_HYPHEN_QUOTE = re.compile(r"-[\"'“”]\s[A-Z]")  # "quotation at end" split after "-"
_DOT_DIGIT = re.compile(r"\.[\d\[]")  # after a word: "word.12 Next" gets a break
_NON_SPACE = re.compile(r"\S")


def needs_whole_paragraph(p: str, candidates: list[Span]) -> bool:
    """Does p hold something pySBD handles across the whole paragraph?"""
    if _HAZARD_CHARS.search(p) or "--" in p or p.startswith(("?!", "!?", "??", "!!")):
        return True
    if ("(" in p and _PARENS_IN_QUOTES.search(p)) or _HYPHEN_QUOTE.search(p):
        return True
    for m in _DOT_DIGIT.finditer(p):
        if m.start() and not (p[m.start() - 1].isdecimal() or p[m.start() - 1].isspace()):
            return True
    for quote in "'‘":  # a single quote opening a span (or an apostrophe pySBD takes so)
        i = p.find(quote)
        while i != -1:
            if not i or p[i - 1].isspace() or p[i - 1] in ".!?。．！？":
                return True
            i = p.find(quote, i + 1)
    # List markers: pySBD reformats lists when it finds two or more of a kind.
    kinds: Counter[str] = Counter()
    for t, s in candidates:
        before = p[s - 1] if s else " "
        if p[t] == "." and 0 < t - s <= 2 and p[s].isdecimal():
            nxt = p[t + 1 : t + 2]
            if (before.isspace() or before in "-⁃") and (nxt.isspace() or nxt == ")"):
                kinds["1."] += 1
        elif p[t] == "." and t - s == 1 and "a" <= p[s] <= "z" and before.isspace():
            kinds["a."] += 1
    i = p.find(")")
    while i != -1:
        if i and p[i - 1].isdecimal() and p[i + 1 : i + 2].isspace():
            kinds["1)"] += 1
        j = i
        while j and "a" <= p[j - 1] <= "z":
            j -= 1
        word = p[j:i]
        alone = j == 0 or p[j - 1].isspace() or p[j - 1] == "("
        if word and alone and (len(word) == 1 or not word.strip("ivx")):
            kinds["a)"] += 1
        i = p.find(")", i + 1)
    return any(n > 1 for n in kinds.values())


def context_matters(p: str, a: int, b: int) -> bool:
    """Would pySBD treat a dotted-abbreviation look-alike in p[a:b] differently alone?"""
    if (a, b) == (0, len(p)):
        return False
    chunk = p[a:b]
    lowered, chunk_lowered = p.lower(), chunk.lower()
    return any(
        literal in lowered and literal not in chunk_lowered and followed_by_period.search(chunk)
        for literal, _, followed_by_period in DOTTED_ABBREVIATIONS
    )


def pysbd_spans(p: str, a: int, b: int) -> list[Span]:
    """pySBD's sentences of p[a:b], as trimmed spans of p.

    p[a:b] may start with the whitespace that precedes a stretch in the paragraph.
    """
    chunk = p[a:b]
    sentences = pysbd.Segmenter(language="en", clean=False).processor(chunk).process()
    first = len(chunk) - len(chunk.lstrip())
    cuts = [a + s for s in _locate(chunk, sentences) if s > first] + [b]
    spans = []
    start = a
    for cut in cuts:
        piece = p[start:cut]
        stripped = piece.strip()
        if stripped:
            lead = start + len(piece) - len(piece.lstrip())
            spans.append((lead, lead + len(stripped)))
        start = cut
    return spans


def _locate(text: str, sentences: list[str]) -> list[int]:
    """Start offset in ``text`` of each sentence that can be found, scanning forward.

    pySBD may normalise whitespace inside a sentence or drop placeholder characters it
    found in the input, so fall back to a whitespace-insensitive search and skip what
    cannot be found (its text then joins the previous sentence).
    """
    starts = []
    pos = 0
    for sentence in sentences:
        sentence = sentence.strip()
        if not sentence:
            continue
        at = _NON_SPACE.search(text, pos)
        at = at.start() if at else len(text)
        if text.startswith(sentence, at):
            starts.append(at)
            pos = at + len(sentence)
            continue
        pattern = r"\s*".join(re.escape(c) for c in sentence if not c.isspace())
        found = re.compile(pattern).search(text, pos)
        if found:
            starts.append(found.start())
            pos = found.end()
    return starts
