"""Sentence segmentation: pySBD's decisions at a fraction of its cost.

Every line is a paragraph (blank lines only separate), so a sentence never crosses a
"\\n". Within a paragraph the reference is pySBD (English, ``clean=False``), which
passes 47 of the 48 Golden Rules but runs at roughly 0.2 MB/s. pySBD decides each
candidate terminator (. ! ? and their full-width forms) with a cascade of rewrite rules;
most candidates in prose fall under a few of those rules, which we evaluate directly:

* a boundary: a word or number that no abbreviation rule protects, one terminator,
  whitespace, then a capital or an opening quote/parenthesis; a terminator followed by
  a quote that closes a pair, one space and A-Z (pySBD's "quotation at end of
  sentence" split); "U.S."/"U.K."/"E.U."/"U.S.A." and the initial "I." when the next
  word is one of pySBD's sentence starters;
* not a boundary: a terminator inside a quoted or bracketed span (pySBD masks those),
  the period of a known abbreviation where pySBD's rules protect it, of an initial
  ("E. Smith"), of "U.S." before a non-starter, between digits or in "example.com";
* the paragraph's end.

Anything else is *unknown*: the stretch between the surrounding boundaries is handed
to pySBD, together with the whitespace before it so that its look-behind rules see
what they would in the whole paragraph. A paragraph with something pySBD treats as a
whole (list markers, single-quote spans, "--" pairs, numbered references, backslashes,
its placeholder characters, ...) is handed to pySBD entirely. pySBD's sentences are
located in the text by content (never by its char spans, which go wrong around
repeated or altered text) and our spans are cut at their starts and trimmed, so they
always cover every non-whitespace character, in order, without overlap.

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

import pysbd
from pysbd.exclamation_words import ExclamationWords
from pysbd.lang.english import English

from .abbreviations import Cut, boundaries_after_initialisms


@dataclass(frozen=True, slots=True)
class SentenceSpan:
    start: int
    end: int
    paragraph: int


_ABBREVIATIONS = frozenset(a for a in English.Abbreviation.ABBREVIATIONS if a.isalpha())
_PREPOSITIVE = frozenset(English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
_NUMBER_ABBREVIATIONS = frozenset(English.Abbreviation.NUMBER_ABBREVIATIONS)
_STARTERS = frozenset(English.AbbreviationReplacer.SENTENCE_STARTERS)
_EXCLAIMED = tuple(w[:-1] for w in ExclamationWords.EXCLAMATION_WORDS if w.endswith("!"))
# pySBD only looks for an abbreviation when the paragraph contains it literally, and
# its search pattern for dotted ones treats "." as any character ("ice." is "i.e.").
_DOTTED_ABBREVIATIONS = tuple(
    (a, re.compile(a, re.I), re.compile(r"(?<!\S)" + a + r"\.", re.I))
    for a in English.Abbreviation.ABBREVIATIONS
    if not a.isalpha()
)

_TERMINATOR = re.compile(r"[.!?。．！？]")
# Things pySBD handles across the whole paragraph: such paragraphs go to it whole.
_HAZARD_CHARS = re.compile(r"[\\\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029∯∮ȸȹ☉☈☇☄☏ƪ♟♝♨☝✂⌬⎋ᓰᓱᓳᓴᓷᓸ♬♭]")
_PARENS_IN_QUOTES = re.compile(r'["”]\s\(.*\)\s["“]')  # get line breaks in pySBD
_HYPHEN_QUOTE = re.compile(r"-[\"'“”]\s[A-Z]")  # "quotation at end" split after "-"
_DOT_DIGIT = re.compile(r"\.[\d\[]")  # after a word: "word.12 Next" gets a break
_MULTI_PERIOD = re.compile(r"(?<!\S)(?:U\.S\.A|U\.S|U\.K|E\.U)\.")
_ABBREVIATION_PROTECTED = re.compile(r"[.:\-?,]|\s(?:[a-z]|I\s|I'm|I'll|\d|\()")
_NUMBER_ABBREVIATION_PROTECTED = re.compile(r"\s\d|\s+\(")
_NEXT_WORD = re.compile(r"\s+(\S)")
_STARTER_NEXT = re.compile(r"\s(\w+)\s")
_QUOTE_SPLIT = re.compile(r"[!?.][\"“”]\s[A-Z]")
# pySBD takes a quotation or parenthesis at the start of a sentence as a sentence of its
# own when a capital follows (raw text; a one-character parenthesis is left to pySBD).
_OPENING_SENTENCE = re.compile(
    r"（[^）]*）(?=\s?[A-Z])|「[^」]*」(?=\s[A-Z])|\([^)]{2,}\)(?=\s[A-Z])"
    r"|\"[^\"]*[^,]\"(?=\s[A-Z])|“[^”]*[^,]”(?=\s[A-Z])"
)
_OPENERS = '“"(（「[«'
_PAIRS = (("“", "”"), ("(", ")"), ("[", "]"), ("«", "»"), ("（", "）"), ("「", "」"))
# The spans whose terminators pySBD masks (each kind matched on its own, as pySBD does).
_PROTECTING_PAIRS = tuple(
    re.compile(rx) for rx in (r'"[^"]+"', r"“[^”]+”", r"\[[^\]]+\]", r"\([^()]+\)", r"«[^»]+»")
)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_NON_SPACE = re.compile(r"\S")

Span = tuple[int, int]
Piece = tuple[int, int, int, bool]  # (gap before, start, end, hand to pySBD)
Verdict = tuple[str, Span | None]  # ("cut", (gap, next start)) or (kind, None)


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
    candidates = _candidates(p)
    whole = [(0, 0, len(p), True)]
    pieces = whole if _hazardous(p, candidates) else _pieces(p, candidates)
    if any(delegate and _context_matters(p, gap, b) for gap, _, b, delegate in pieces):
        pieces = whole
    spans = []
    for gap, a, b, delegate in pieces:
        if delegate:
            spans.extend(_pysbd_spans(p, gap, b))
        else:
            spans.append((a, b))
    if stats is not None:
        stats["pysbd" if any(piece[3] for piece in pieces) else "fast"] += 1
    return spans


def _candidates(p: str) -> list[Span]:
    """(position, start of the word or number before it) of each candidate terminator."""
    found = []
    last = len(p) - 1
    for m in _TERMINATOR.finditer(p):
        t = m.start()
        if 0 < t < last and p[t] == "." and p[t - 1].isdecimal() and p[t + 1].isdecimal():
            continue  # pySBD never splits 3.4
        i = t
        if i and p[i - 1].isdecimal():
            while i and p[i - 1].isdecimal():
                i -= 1
        else:
            while i and p[i - 1].isalpha():
                i -= 1
                if i > 1 and p[i - 1] in "'’" and p[i - 2].isalpha():
                    i -= 1
        found.append((t, i))
    return found


def _hazardous(p: str, candidates: list[Span]) -> bool:
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


def _context_matters(p: str, a: int, b: int) -> bool:
    """Would pySBD treat a dotted-abbreviation look-alike in p[a:b] differently alone?"""
    if (a, b) == (0, len(p)):
        return False
    chunk = p[a:b]
    lowered, chunk_lowered = p.lower(), chunk.lower()
    return any(
        literal in lowered and literal not in chunk_lowered and followed_by_period.search(chunk)
        for literal, _, followed_by_period in _DOTTED_ABBREVIATIONS
    )


def _pieces(p: str, candidates: list[Span]) -> list[Piece]:
    """Stretches between boundaries: each is one sentence, or pySBD's to split."""
    if not candidates:
        return [(0, 0, len(p), False)]
    zones = _Zones(p)
    cuts = []  # (gap, next start)
    unknown = []
    raw_terminator = False  # pySBD only runs its sentence-start rules if one survives
    for t, s in candidates:
        verdict, cut = _verdict(p, t, s, zones)
        if cut is not None and _within(zones.cut_free, cut[0]):
            verdict, cut = "unknown", None
        if cut is not None:
            cuts.append(cut)
        elif verdict == "unknown":
            unknown.append(t)
        elif verdict == "protected" and not raw_terminator:
            raw_terminator = _kept(p, t, s)
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


class _Zones:
    """Quoted and bracketed spans of a paragraph.

    ``cut_free`` holds gap positions no cut may use (a superset of what pySBD keeps
    together), ``protected`` the positions whose terminators pySBD masks, and
    ``closers`` the closing quotes that end a pair.
    """

    def __init__(self, p: str) -> None:
        spans = []
        for op, cl in _PAIRS:
            i = p.find(op)
            while i != -1:
                j = p.find(cl, i + 1)
                if j == -1:
                    break
                spans.append((i, j))
                i = p.find(op, i + 1)
        protecting = [(m.start(), m.end() - 1) for rx in _PROTECTING_PAIRS for m in rx.finditer(p)]
        spans += [(s, e) for s, e in protecting if p[s] == '"']
        self.cut_free = _merge((s + 1, e) for s, e in spans)
        self.protected = _merge((s + 1, e - 1) for s, e in protecting)
        self.closers = {e for s, e in protecting if p[e] in '”"'}


def _merge(ranges) -> list[Span]:
    merged: list[Span] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _within(ranges: list[Span], i: int) -> bool:
    k = bisect_left(ranges, (i + 1,)) - 1
    return k >= 0 and ranges[k][0] <= i <= ranges[k][1]


def _verdict(p: str, t: int, s: int, zones: _Zones) -> Verdict:
    """pySBD's verdict on the candidate at t (word or number from s), if we can tell.

    "cut" with (gap, next start), "protected" (masked inside quotes or brackets),
    "replaced" (masked by an abbreviation, initial or number rule), "end" or "unknown".
    """
    n = len(p)
    if t == n - 1 or (t == n - 2 and n - 1 in zones.closers):
        return "end", None
    after = p[t + 1]
    if after.isdecimal() or after == "[":
        return "unknown", None
    if _within(zones.protected, t):
        # pySBD's "quotation at end of sentence" split: closing quote, one space, A-Z.
        quote_split = p[t] in ".!?" and t + 1 in zones.closers and p[t + 2 : t + 3].isspace()
        if quote_split and "A" <= p[t + 3 : t + 4] <= "Z" and _kept(p, t, s):
            return "cut", (t + 2, t + 3)
        return "protected", None
    joined = t and p[t - 1] in _WORD_CHARS and after in _WORD_CHARS and p[t - 2 : t - 1] != "."
    if p[t] == "." and joined:
        return "replaced", None  # "example.com" (but not the second period of a.b.c)
    multi = _multi_period(p, t)
    if multi is not None:
        return multi
    token = p[s:t]
    before = p[s - 1] if s else " "
    lowered = token.lower()
    abbreviation = len(token) > 1 and lowered in _ABBREVIATIONS and before.isspace()
    if p[t] == "." and abbreviation and _abbreviation_protects(p, lowered, t):
        return "replaced", None
    if p[t] == "." and len(token) == 1 and "A" <= token <= "Z":
        return _initial(p, t, before)
    if p[t] not in ".!?" or not after.isspace() or not _sure_token(p, t, token, before):
        return "unknown", None
    nxt = _NEXT_WORD.match(p, t + 1)
    if not (nxt[1].isupper() or nxt[1] in '“"('):
        return "unknown", None
    if _ABBREVIATION_PROTECTED.match(p, t + 1) and _may_be_abbreviation(p, token, before):
        return "unknown", None
    return "cut", (t + 1, nxt.start(1))


def _kept(p: str, t: int, s: int) -> bool:
    """Is the terminator at t surely left as it is by pySBD's rewriting before it decides
    whether the paragraph has punctuation at all (abbreviations, numbers, "!!!")?"""
    if p[t] in "!?":
        run = len(p[:t].rstrip("!?")), t + len(p[t:]) - len(p[t:].lstrip("!?"))
        return run[1] - run[0] < 3
    if p[t] != ".":
        return True
    token, after = p[s:t], p[t + 1 : t + 3]
    before = p[s - 1] if s else " "
    return (
        len(token) > 1
        and token.isalpha()
        and not _may_be_abbreviation(p, token, before)
        and after[:1] not in _WORD_CHARS
        and after != "'s"
    )


def _sure_token(p: str, t: int, token: str, before: str) -> bool:
    """Does pySBD end a sentence at t when a capital follows, judging by what precedes?"""
    if not token:
        return t > 0 and p[t - 1] in ')]”"’%'
    if token.isdecimal():
        return t > len(token)
    if len(token) < 2 or not (before.isspace() or before in '-–—/(“"['):
        return False
    lowered = token.lower()
    if lowered in _PREPOSITIVE or lowered in _NUMBER_ABBREVIATIONS:
        return False
    return not (p[t] == "!" and p.endswith(_EXCLAIMED, 0, t))


def _may_be_abbreviation(p: str, token: str, before: str) -> bool:
    """Could one of pySBD's abbreviation rules apply to this token at all?"""
    if not token or not before.isspace():
        return False
    if token.lower() in _ABBREVIATIONS:
        return True
    lowered = p.lower()
    return any(
        literal in lowered and look_alike.fullmatch(token)
        for literal, look_alike, _ in _DOTTED_ABBREVIATIONS
    )


def _abbreviation_protects(p: str, abbreviation: str, t: int) -> bool:
    """pySBD's abbreviation rules: does the period at t stay inside the sentence?"""
    if abbreviation in _PREPOSITIVE:
        return p[t + 1].isspace() and not _i_pattern(p, t)
    if abbreviation in _NUMBER_ABBREVIATIONS:
        return _NUMBER_ABBREVIATION_PROTECTED.match(p, t + 1) is not None
    return _ABBREVIATION_PROTECTED.match(p, t + 1) is not None and not _i_pattern(p, t)


def _i_pattern(p: str, t: int) -> bool:
    """pySBD turns "I"/"i?v"/"I?V" + masked period back into a boundary before a starter."""
    return p[t - 1] == "I" or (t >= 3 and (p[t - 3] + p[t - 1]) in ("iv", "IV"))


def _initial(p: str, t: int, before: str) -> Verdict:
    """A single capital and a period: an initial unless "I." precedes a starter."""
    if not (before.isspace() and p[t + 1].isspace()) or (_i_pattern(p, t) and p[t - 1] != "I"):
        return "unknown", None
    if p[t - 1] == "I":
        starter = _STARTER_NEXT.match(p, t + 1)
        if starter and starter[1] in _STARTERS:
            return "cut", (t + 1, starter.start(1))
    return "replaced", None


def _multi_period(p: str, t: int) -> Verdict | None:
    """U.S., U.K., E.U., U.S.A.: a boundary only before one of pySBD's starters."""
    if p[t] != ".":
        return None
    for start in (t - 1, t - 3, t - 5):
        m = _MULTI_PERIOD.match(p, start) if start >= 0 else None
        if m is not None and t < m.end():
            break
    else:
        return None
    if t < m.end() - 1:
        return "replaced", None
    starter = _STARTER_NEXT.match(p, t + 1)
    if starter and starter[1] in _STARTERS:
        return "cut", (t + 1, starter.start(1))
    if p[t + 1].isspace() or p[t + 1] in ",;:)—–-’'":
        return "replaced", None
    return "unknown", None


def _pysbd_spans(p: str, a: int, b: int) -> list[Span]:
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
