"""Candidate sentence terminators and pySBD's verdict on each, read off its rules.

A candidate is . ! ? or a full-width form ("…" is not one, as in pySBD). pySBD (English,
``clean=False``) decides each with a cascade of rewrite rules; most candidates in prose
fall under a few of those rules, which ``pysbd_verdict`` evaluates directly:

* a boundary: a word or number that no abbreviation rule protects, one terminator,
  whitespace, then a capital or an opening quote/parenthesis; a terminator followed by
  a quote that closes a pair, one space and A-Z (pySBD's "quotation at end of
  sentence" split); "U.S."/"U.K."/"E.U."/"U.S.A." and the initial "I." when the next
  word is one of pySBD's sentence starters;
* not a boundary: a terminator inside a quoted or bracketed span (pySBD masks those),
  the period of a known abbreviation where pySBD's rules protect it, of an initial
  ("E. Smith"), of "U.S." before a non-starter, between digits or in "example.com";
* the paragraph's end.

Anything else is *unknown*, for pySBD itself to decide. The abbreviation and sentence
starter tables are pySBD's own.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from pysbd.exclamation_words import ExclamationWords
from pysbd.lang.english import English

_ABBREVIATIONS = frozenset(a for a in English.Abbreviation.ABBREVIATIONS if a.isalpha())
_PREPOSITIVE = frozenset(English.Abbreviation.PREPOSITIVE_ABBREVIATIONS)
_NUMBER_ABBREVIATIONS = frozenset(English.Abbreviation.NUMBER_ABBREVIATIONS)
_STARTERS = frozenset(English.AbbreviationReplacer.SENTENCE_STARTERS)
_EXCLAIMED = tuple(w[:-1] for w in ExclamationWords.EXCLAMATION_WORDS if w.endswith("!"))
# pySBD only looks for an abbreviation when the paragraph contains it literally, and
# its search pattern for dotted ones treats "." as any character ("ice." is "i.e.").
DOTTED_ABBREVIATIONS = tuple(
    (a, re.compile(a, re.I), re.compile(r"(?<!\S)" + a + r"\.", re.I))
    for a in English.Abbreviation.ABBREVIATIONS
    if not a.isalpha()
)
_TERMINATOR = re.compile(r"[.!?。．！？]")
_MULTI_PERIOD = re.compile(r"(?<!\S)(?:U\.S\.A|U\.S|U\.K|E\.U)\.")
_ABBREVIATION_PROTECTED = re.compile(r"[.:\-?,]|\s(?:[a-z]|I\s|I'm|I'll|\d|\()")
_NUMBER_ABBREVIATION_PROTECTED = re.compile(r"\s\d|\s+\(")
_NEXT_WORD = re.compile(r"\s+(\S)")
_STARTER_NEXT = re.compile(r"\s(\w+)\s")
_PAIRS = (("“", "”"), ("(", ")"), ("[", "]"), ("«", "»"), ("（", "）"), ("「", "」"))
# The spans whose terminators pySBD masks (each kind matched on its own, as pySBD does).
_PROTECTING_PAIRS = tuple(
    re.compile(rx) for rx in (r'"[^"]+"', r"“[^”]+”", r"\[[^\]]+\]", r"\([^()]+\)", r"«[^»]+»")
)
_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")

Span = tuple[int, int]
Verdict = tuple[str, Span | None]  # ("cut", (gap, next start)) or (kind, None)


def candidate_terminators(p: str) -> list[Span]:
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


class Zones:
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


def within(ranges: list[Span], i: int) -> bool:
    k = bisect_left(ranges, (i + 1,)) - 1
    return k >= 0 and ranges[k][0] <= i <= ranges[k][1]


def pysbd_verdict(p: str, t: int, s: int, zones: Zones) -> Verdict:
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
    if within(zones.protected, t):
        # pySBD's "quotation at end of sentence" split: closing quote, one space, A-Z.
        quote_split = p[t] in ".!?" and t + 1 in zones.closers and p[t + 2 : t + 3].isspace()
        if quote_split and "A" <= p[t + 3 : t + 4] <= "Z" and survives_rewriting(p, t, s):
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


def survives_rewriting(p: str, t: int, s: int) -> bool:
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
        for literal, look_alike, _ in DOTTED_ABBREVIATIONS
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
