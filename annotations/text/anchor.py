"""Anchor annotations to a revision's text, and find them again after the text changes.

A `Selector` records both where a quote was (W3C TextPositionSelector) and what it said,
with some context either side (TextQuoteSelector). Re-anchoring follows the Hypothesis
client: trust the position if the quote is still there, else look for the exact quote
(using the context to choose between occurrences), else look for an approximate match.
An annotation that cannot be placed confidently is orphaned rather than attached to
unrelated text.

Offsets are code point indexes into the normalised text (Python ``str`` indexes), end
exclusive. Pure Python, standard library only.
"""

from __future__ import annotations

import difflib
import re
from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate

CONTEXT = 32
"""Characters of prefix and suffix stored with a quote."""

# Fuzzy matching. The score of an approximate match is its quote similarity discounted by
# up to _CONTEXT_WEIGHT for a context that no longer matches: the context can only lower
# the score, so a quote less similar than the threshold is never accepted, however well
# the text around it matches (that would be attaching the note to whatever replaced it).
_CONTEXT_WEIGHT = 0.2
_CHUNK = 10  # length of the pieces of prefix + quote + suffix looked up to locate a match
_MAX_HITS = 16  # a piece found more often than this says nothing about where the quote is
_MAX_REGIONS = 6  # candidate regions compared in full, besides the old position's

# Pieces of text that a revision replaces or keeps whole: a sentence-ish run up to and
# including its closing punctuation or line break and the whitespace after it.
_SEGMENT = re.compile(r"[^.!?\n]*(?:[.!?\n]+\s*|\Z)")


class AnchorError(ValueError):
    """A span that cannot be annotated; `field` names the bound to blame ("start"/"end")."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class Selector:
    """W3C TextPositionSelector (start, end) and TextQuoteSelector (exact, prefix, suffix)."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True, slots=True)
class Anchoring:
    """Where a selector landed in a text, how it was found, and how sure we are.

    `method` is "position" (the stored offsets still hold the quote), "exact" (the quote
    was found elsewhere), "fuzzy" (an edited version of it was found) or "orphaned" (not
    found; start and end are None). `score` is 1.0 for position and exact, the match score
    for fuzzy, and the best score seen for orphaned.
    """

    start: int | None
    end: int | None
    method: str
    score: float

    @property
    def anchored(self) -> bool:
        return self.start is not None


def describe(text: str, start: int, end: int, *, context: int = CONTEXT) -> Selector:
    """The selector for text[start:end], with up to `context` characters either side."""
    if not 0 <= start < len(text):
        raise AnchorError("start", f"start must be at least 0 and less than {len(text)}")
    if end <= start:
        raise AnchorError("end", "end must be greater than start")
    if end > len(text):
        raise AnchorError("end", f"end must be at most {len(text)}")
    exact = text[start:end]
    if exact.isspace():
        raise AnchorError("start", "the span contains only whitespace")
    prefix = text[max(0, start - context) : start]
    return Selector(start, end, exact, prefix, text[end : end + context])


def verify_quote(text: str, start: int, end: int, exact: str) -> bool:
    """Whether text[start:end] is `exact`, with the offsets in range (no negative indexing)."""
    return 0 <= start < end <= len(text) and text[start:end] == exact


def anchor(text: str, selector: Selector, *, threshold: float = 0.75) -> Anchoring:
    """Find `selector` in `text`: by position, else exact quote, else fuzzy match, else orphan.

    A fuzzy match is accepted only if its score is at least `threshold`.
    """
    if not selector.exact:
        return Anchoring(None, None, "orphaned", 0.0)
    if verify_quote(text, selector.start, selector.end, selector.exact):
        return Anchoring(selector.start, selector.end, "position", 1.0)
    return _exact(text, selector) or _fuzzy(text, selector, threshold)


def reanchor_all(
    old_text: str, new_text: str, selectors: list[Selector], *, threshold: float = 0.75
) -> list[Anchoring]:
    """`[anchor(new_text, s, threshold=threshold) for s in selectors]`, computed faster.

    Diffs the revisions once. A quote that was in `old_text` at its offsets, inside a run
    the revision kept, is looked for, together with its context, only near where that run
    moved to instead of in the whole text; the answer is the one anchor() would give.
    Everything else goes through anchor().
    """
    kept = _kept_runs(old_text, new_text)
    starts = [old for old, _, _ in kept]
    return [
        _moved(old_text, new_text, selector, kept, starts)
        or anchor(new_text, selector, threshold=threshold)
        for selector in selectors
    ]


def _exact(text: str, selector: Selector) -> Anchoring | None:
    """The occurrence of the quote whose context matches best, nearest the old start on ties."""
    quoted = selector.prefix + selector.exact + selector.suffix
    shift = len(selector.prefix)
    # Occurrences with the whole context intact all score highest: skip scoring the rest.
    candidates = [found + shift for found in _find_all(text, quoted)]
    if not candidates:
        occurrences = _find_all(text, selector.exact)
        if not occurrences:
            return None
        scores = {
            start: _context_similarity(text, start, start + len(selector.exact), selector)
            for start in occurrences
        }
        best = max(scores.values())
        candidates = [start for start, score in scores.items() if score == best]
    start = _nearest(candidates, selector.start)
    return Anchoring(start, start + len(selector.exact), "exact", 1.0)


def _fuzzy(text: str, selector: Selector, threshold: float) -> Anchoring:
    """The best approximate match of the quote, if it scores at least `threshold`.

    Only a few regions of the text are searched: around the old position and where pieces
    of the prefix, quote or suffix still occur verbatim.
    """
    quote = selector.exact
    # Regions reach this far beyond the seeds, so that a quote edited about as much as the
    # threshold allows still fits in one.
    pad = max(0, int((1 - threshold) * len(quote))) + _CHUNK
    found = []
    for low, high, expected in _regions(text, selector, pad):
        match = _closest_substring(quote, text[low:high], expected - low)
        if match is None:
            continue
        start, end = _whole_words(text, low + match[0], low + match[1], selector, pad)
        context = _context_similarity(text, start, end, selector)
        score = _similarity(quote, text[start:end]) * (
            1 - _CONTEXT_WEIGHT + _CONTEXT_WEIGHT * context
        )
        # Best score, then nearest the old start, then earliest.
        found.append(((score, -abs(start - selector.start), -start), start, end))
    best = max(found, default=None)
    if best is None or best[0][0] < threshold:
        return Anchoring(None, None, "orphaned", best[0][0] if best else 0.0)
    return Anchoring(best[1], best[2], "fuzzy", best[0][0])


def _regions(text: str, selector: Selector, pad: int) -> list[tuple[int, int, int]]:
    """Stretches of text (low, high, expected quote start) where the quote may now be.

    Each verbatim occurrence of a piece of prefix + quote + suffix votes for a quote start
    (seed and extend, as in BLAST); nearby votes form a region, and the regions backed by
    the most distinct pieces are returned, plus the one around the old position.
    """
    quoted = selector.prefix + selector.exact + selector.suffix
    shift = len(selector.prefix)
    hint = min(max(selector.start, 0), len(text))
    votes = [(hint, -1)]
    for piece, offset in enumerate(range(0, len(quoted) - _CHUNK + 1, _CHUNK)):
        hits = _find_all(text, quoted[offset : offset + _CHUNK], limit=_MAX_HITS + 1)
        if len(hits) <= _MAX_HITS:
            votes += [(hit - offset + shift, piece) for hit in hits]
    votes.sort()
    clusters = [[votes[0]]]
    for vote in votes[1:]:
        if vote[0] - clusters[-1][-1][0] <= pad:
            clusters[-1].append(vote)
        else:
            clusters.append([vote])
    clusters.sort(key=lambda c: (-len({piece for _, piece in c}), min(abs(s - hint) for s, _ in c)))
    # A lone piece (a common phrase found somewhere) is not worth a search of its own.
    chosen = [
        c
        for rank, c in enumerate(clusters)
        if (hint, -1) in c or (rank < _MAX_REGIONS and len({piece for _, piece in c}) > 1)
    ]
    return [
        (
            max(0, c[0][0] - pad),
            min(len(text), c[-1][0] + len(selector.exact) + pad),
            c[len(c) // 2][0],
        )
        for c in chosen
    ]


def _whole_words(
    text: str, start: int, end: int, selector: Selector, reach: int
) -> tuple[int, int]:
    """Widen [start, end) to whole words at the ends where the quote was whole words.

    Where a word at the edge of the quote was replaced, the closest substring may keep
    only the part of the new word that happens to resemble the old one ("nents argue"
    for "Critics argue" edited to "Opponents argue").
    """
    exact, prefix, suffix = selector.exact, selector.prefix, selector.suffix
    if exact[0].isalnum() and not prefix[-1:].isalnum():
        floor = max(0, start - reach)
        while start > floor and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
    if exact[-1].isalnum() and not suffix[:1].isalnum():
        ceiling = min(len(text), end + reach)
        while end < ceiling and text[end].isalnum() and text[end - 1].isalnum():
            end += 1
    return start, end


def _closest_substring(quote: str, text: str, expected: int) -> tuple[int, int] | None:
    """(start, end) of the substring of `text` closest to `quote` in edit distance.

    Among equally close ones, the end nearest `expected` + len(quote) and then the length
    nearest len(quote) win. None if nothing is closer than the empty string.
    """
    distances = _edit_distances(quote, text, anchored=False)
    errors = min(distances, default=len(quote))
    if errors >= len(quote):
        return None
    end = min(
        (j + 1 for j, d in enumerate(distances) if d == errors),
        key=lambda e: abs(e - expected - len(quote)),
    )
    # The forward pass gives the best end; matching backwards from it gives the start.
    low = max(0, end - len(quote) - errors)
    backwards = _edit_distances(quote[::-1], text[low:end][::-1], anchored=True)
    length = min(
        (n + 1 for n, d in enumerate(backwards) if d == errors),
        key=lambda n: abs(n - len(quote)),
    )
    return end - length, end


def _edit_distances(pattern: str, text: str, *, anchored: bool) -> list[int]:
    """Levenshtein distances of `pattern` against text, one per end position j.

    Item j is the distance from `pattern` to the closest substring of text ending at j
    (anchored=False: approximate search), or to text[:j + 1] (anchored=True). Myers'
    bit-parallel algorithm (Hyyrö's formulation): a handful of big-integer operations per
    character of text, instead of a Python loop over a len(pattern)-long column.
    """
    masks: dict[str, int] = {}
    for i, char in enumerate(pattern):
        masks[char] = masks.get(char, 0) | 1 << i
    ones = (1 << len(pattern)) - 1
    top = 1 << (len(pattern) - 1)
    carry = 1 if anchored else 0  # row 0 of the table: all 0 to search, 0, 1, 2... if not
    plus, minus, score = ones, 0, len(pattern)
    distances = []
    for char in text:
        equal = masks.get(char, 0)
        vertical = equal | minus
        horizontal = (((equal & plus) + plus) ^ plus) | equal
        up = minus | (ones & ~(horizontal | plus))
        down = plus & horizontal
        if up & top:
            score += 1
        elif down & top:
            score -= 1
        up = up << 1 | carry
        down <<= 1
        plus = ones & (down | ~(vertical | up))
        minus = up & vertical
        distances.append(score)
    return distances


def _similarity(a: str, b: str) -> float:
    """1 - Levenshtein distance / length of the longer string; 1.0 for two empty strings."""
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    return 1 - _edit_distances(a, b, anchored=True)[-1] / max(len(a), len(b))


def _context_similarity(text: str, start: int, end: int, selector: Selector) -> float:
    """How well the text around [start, end) matches the selector's prefix and suffix."""
    before = text[max(0, start - len(selector.prefix)) : start]
    after = text[end : end + len(selector.suffix)]
    return (_similarity(selector.prefix, before) + _similarity(selector.suffix, after)) / 2


def _find_all(
    text: str, needle: str, low: int = 0, high: int | None = None, *, limit: int | None = None
) -> list[int]:
    """Start indexes of the (possibly overlapping) occurrences of needle in text[low:high]."""
    found: list[int] = []
    index = text.find(needle, low, high)
    while index != -1 and (limit is None or len(found) < limit):
        found.append(index)
        index = text.find(needle, index + 1, high)
    return found


def _nearest(starts: list[int], hint: int) -> int:
    """The start nearest the old one; the earlier of two equally near."""
    return min(starts, key=lambda start: (abs(start - hint), start))


def _kept_runs(old_text: str, new_text: str) -> list[tuple[int, int, int]]:
    """(old start, new start, length) of the runs of text a revision kept, in order.

    Diffs sentence-ish segments rather than characters: difflib is far too slow on 100 KB
    of characters, and lines can be whole paragraphs.
    """
    old = [s for s in _SEGMENT.findall(old_text) if s]
    new = [s for s in _SEGMENT.findall(new_text) if s]
    old_at = [0, *accumulate(map(len, old))]
    new_at = [0, *accumulate(map(len, new))]
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
    return [(old_at[i], new_at[j], old_at[i + size] - old_at[i]) for i, j, size in blocks if size]


def _moved(
    old_text: str,
    new_text: str,
    selector: Selector,
    kept: list[tuple[int, int, int]],
    starts: list[int],
) -> Anchoring | None:
    """What anchor() returns for a quote inside a kept run, or None to leave it to anchor().

    anchor() would pick the occurrence of prefix + quote + suffix nearest the old start.
    The kept copy is one, so only occurrences at most as far away need comparing.
    """
    if verify_quote(new_text, selector.start, selector.end, selector.exact):
        return None  # the position still holds: anchor() answers at once
    if not verify_quote(old_text, selector.start, selector.end, selector.exact):
        return None
    run = bisect_right(starts, selector.start) - 1
    if run < 0:
        return None
    old_start, new_start, length = kept[run]
    if selector.end > old_start + length:
        return None
    quoted = selector.prefix + selector.exact + selector.suffix
    shift = len(selector.prefix)
    moved = selector.start - old_start + new_start
    if moved < shift or not new_text.startswith(quoted, moved - shift):
        return None  # its context was edited: anchor() scores the occurrences
    reach = abs(moved - selector.start)
    low = max(0, selector.start - reach - shift)
    high = selector.start + reach - shift + len(quoted)
    start = _nearest(
        [found + shift for found in _find_all(new_text, quoted, low, high)], selector.start
    )
    return Anchoring(start, start + len(selector.exact), "exact", 1.0)
