"""Does a capitalised word after an initialism ("U.S.", "U.K.", "D.C.") start a sentence?

pySBD keeps "U.S." joined to the next word unless that word is one of its twenty-odd
sentence starters, so "... surpass those in the U.S. This shift has ..." stays one
sentence. Like Punkt (Kiss & Strunk 2006) we weigh how the word is used in the rest of
the document, which the segmenter sees whole. After an initialism of two or more capitals
a capitalised word starts a new sentence when

* it is a closed-class word (This, The, It, In, But, We, They, ...), or else
* it is never capitalised in the middle of a sentence elsewhere (names are: "the U.S.
  Congress ... Later Congress met"), and either
  - it opens a sentence elsewhere ("Prices rose again."), or
  - it appears in lower case elsewhere and the word after it is not capitalised too
    ("the U.S. Federal Reserve" is a name even in a text that says "federal").

After a single capital ("vitamin C.") only a closed-class word starts a sentence: middle
initials are followed by names. Titles (Mr., Dr., Prof., St.), lower-case abbreviations
(e.g., a.m.), an initialism that opens its sentence and anything inside a quotation or
brackets are left as they are. "Opens a sentence" means it starts a first-pass sentence;
"mid-sentence" counts only sentences that end with . ! or ? (not Title Case headings) and
not right after a period, colon or opening quote, where a capital proves nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

# Words that almost never begin a name after "U.S." (a word list reads best as text).
CLOSED_CLASS = frozenset(
    """
    The This That These Those An It Its He She We They You Our Their My Your There Here
    Such Some Many Most Much Each Every Both All Any Another Other Others Few Several
    In On At For From With Without By As Of To After Before During Since Until Over
    Among Between Through Despite Unlike Like Against Into About Across Within Along
    And But Or Nor So Yet If When While Whereas Although Though Because Unless Whether
    Once What Which Who Whom Whose Why How Where However Meanwhile Moreover Furthermore
    Therefore Thus Instead Indeed Still Also Then Now Even Only Just Perhaps Already
    Nevertheless Nonetheless Otherwise Likewise Similarly Finally Overall Not
    """.split()  # noqa: SIM905
)

# A period, spaces and a capital on the same line (the letters before are checked in
# Python: a leading look-behind would keep the regex engine from skipping to "." fast).
_PERIOD_CAPITAL = re.compile(r"\.[^\S\n]+(?=[A-Z])")
_WORD = re.compile(r"[A-Z][\w’'-]*")
_CAPITALISED_NEXT = re.compile(r"[^\S\n]+[A-Z]")
_OPENERS = "“\"‘'([«"
_NOT_MID = '.:“"‘([«'  # a capital right after these may open a (quoted) sentence
_TERMINATORS = tuple(".!?。．！？")
_CLOSERS = "”\"’')]»"
_PAIRS = (("“", "”"), ("(", ")"), ("[", "]"), ("«", "»"))

Cut = tuple[int, int]  # (end of a sentence, start of the next)


class Span(Protocol):
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


@dataclass(frozen=True, slots=True)
class _Candidate:
    initialism: str  # "U.S." or "C."
    period_end: int
    word: str
    word_start: int


@dataclass(slots=True)
class _Usage:
    lower: bool = False
    opens: bool = False
    mid_capital: bool = False


def boundaries_after_initialisms(text: str, spans: Sequence[Span]) -> list[Cut]:
    """New sentence boundaries inside the first-pass sentences ``spans`` of ``text``."""
    found = _after_initialisms(text)
    if not found:
        return []
    starts = [s.start for s in spans]
    candidates = []
    for c in found:
        start = c.period_end - len(c.initialism)
        k = bisect_right(starts, start) - 1
        if k < 0 or spans[k].end <= c.period_end or len(c.word) < 2:
            continue  # already a boundary, or a one-letter word ("U.S. A", "J. R.")
        lead = spans[k].start
        if not text[lead:start].strip(_OPENERS + " \t") or _inside_pair(text, lead, start):
            continue
        candidates.append(c)
    words = {c.word for c in candidates if len(c.initialism) > 2 and c.word not in CLOSED_CLASS}
    usage = _usage(text, spans, starts, words, {c.word_start for c in found}) if words else {}
    cuts = []
    for c in candidates:
        if c.word in CLOSED_CLASS:
            cuts.append((c.period_end, c.word_start))
        elif len(c.initialism) > 2:
            u = usage[c.word]
            capitalised_run = _CAPITALISED_NEXT.match(text, c.word_start + len(c.word)) is not None
            if not u.mid_capital and (u.opens or (u.lower and not capitalised_run)):
                cuts.append((c.period_end, c.word_start))
    return cuts


def _after_initialisms(text: str) -> list[_Candidate]:
    """Each initialism of capitals ("U.S.", "C.") followed on its line by a capitalised word."""
    found = []
    for m in _PERIOD_CAPITAL.finditer(text):
        i = m.start()
        if not (i and "A" <= text[i - 1] <= "Z"):
            continue
        i -= 1
        while i >= 2 and text[i - 1] == "." and "A" <= text[i - 2] <= "Z":
            i -= 2
        if i and (text[i - 1].isalnum() or text[i - 1] in "_."):
            continue  # "JFK.", "Ph.D."
        word = _WORD.match(text, m.end())[0]
        found.append(_Candidate(text[i : m.start() + 1], m.start() + 1, word, m.end()))
    return found


def _usage(
    text: str, spans: Sequence[Span], starts: list[int], words: set[str], ambiguous: set[int]
) -> dict[str, _Usage]:
    """How each word is written elsewhere: in lower case, opening a sentence, mid-sentence."""
    usage = {w: _Usage() for w in words}
    for word, u in usage.items():
        for i in _occurrences(text, word):
            if i not in ambiguous:
                _capitalised_at(text, spans, starts, i, u)
                if u.mid_capital:
                    break  # a name: nothing else can make it start a sentence
        if not (u.mid_capital or u.opens):
            u.lower = next(_occurrences(text, word[0].lower() + word[1:]), None) is not None
    return usage


def _occurrences(text: str, word: str) -> Iterator[int]:
    """Start of each occurrence of ``word`` as a whole word (str.find is fast)."""
    i = text.find(word)
    while i != -1:
        j = i + len(word)
        if not ((i and _word_char(text[i - 1])) or (j < len(text) and _word_char(text[j]))):
            yield i
        i = text.find(word, j)


def _capitalised_at(text: str, spans: Sequence[Span], starts: list[int], i: int, u: _Usage) -> None:
    """Record a capitalised occurrence at i: opening a sentence, or mid-sentence in prose."""
    span = spans[bisect_right(starts, i) - 1]
    before = text[span.start : i]
    if not before.strip(_OPENERS + " \t"):
        u.opens = True
    elif before.rstrip()[-1] not in _NOT_MID:
        tail = text[max(span.start, span.end - 4) : span.end].rstrip(_CLOSERS)
        u.mid_capital = u.mid_capital or tail.endswith(_TERMINATORS)


def _word_char(c: str) -> bool:
    return c.isalnum() or c in "_’'-"


def _inside_pair(text: str, a: int, b: int) -> bool:
    """Is position b inside a quotation or brackets opened at or after a?"""
    chunk = text[a:b]
    return chunk.count('"') % 2 == 1 or any(chunk.count(o) > chunk.count(c) for o, c in _PAIRS)
