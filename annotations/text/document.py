"""What an imported article's text is made of: title, by-line, headings, content, boilerplate.

Every sentence of the (normalised) text gets a kind; kinds are decided per paragraph
(line), so all sentences of a paragraph share one:

* Leading junk -- a lone tracking token such as "fbpx", or a line without letters or
  digits -- is "boilerplate".
* Title: when a title is given (manifest or form), every leading paragraph equal to it
  ignoring case, spacing and quote marks is "title" (a repeated title line included).
  Without one, the first non-junk paragraph is the title when it looks like one: at most
  200 characters, one sentence, not starting in lower case, not ending in . ! ? : ; , or
  … (a Title Cased question or exclamation is allowed), and followed by more text. Its
  repetitions are "title" too. Otherwise ``title`` is None and the caller derives one.
* By-line: a leading paragraph "By <Name>" (or just the given author's name) is
  "byline", and ``byline`` is the name.
* Site boilerplate anywhere: comment counters ("0 comment", "12 comments"), comment-form
  text ("LEAVE YOUR COMMENT", "Leave a reply", "Your email address will not be
  published. Required fields are marked *"), share prompts ("Share this:", "Share on
  Facebook") are "boilerplate", and so are a "Reference(s):"/"References:" footer line
  and everything after it. See ``BOILERPLATE`` and ``FOOTER``.
* Headings: a content paragraph of one sentence and at most 12 words that starts with a
  capital, ends without terminal punctuation (or is a Title Cased question) and is
  followed by more content is "heading" (e.g. "Moving Forward").
* Everything else is "content". Sentence indexes run 0..n-1 over all sentences in text
  order, whatever their kind, so offsets round-trip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalise import normalise
from .segment import segment

KINDS = ("content", "heading", "title", "byline", "boilerplate")

# Whole-paragraph patterns (case-insensitive) for site furniture found anywhere.
BOILERPLATE = tuple(
    re.compile(rx, re.I)
    for rx in (
        r"\d+\s+comments?",  # comment counters: "0 comment", "12 comments"
        r"no comments?(?: yet)?\.?",
        r"(?:leave|post) (?:a|your) (?:comment|reply)|cancel reply",  # comment forms
        r"your email address will not be published\.?(?:\s*required fields are marked \*)?\.?",
        r"share(?: this(?: article| story| post| page)?)?\s*:?",  # share prompts
        r"(?:click to )?share (?:on|via) (?:facebook|twitter|x|linkedin|whatsapp|reddit|"
        r"pinterest|telegram|email|weibo|wechat)\b.{0,40}",
    )
)
# A references footer: this paragraph and everything after it is boilerplate.
FOOTER = re.compile(r"references?(?:\(s\))?\s*:?", re.I)
# Leading junk: no letters or digits at all, or a lone lower-case token ("fbpx").
_JUNK = (re.compile(r"[\W_]+"), re.compile(r"[a-z0-9]{1,20}(?:[-_][a-z0-9]{1,20}){0,3}"))
# "By Joel Wong", "Written by J. Doe | January 19, 2025": the name is before any separator.
_BYLINE = re.compile(
    r"(?:written )?by\s+(?P<name>[^\W\d_][^|•·—–,!?:;]{0,79}?)(?:\s*[|•·—–,].*)?", re.I
)
_QUOTES = re.compile(r"[\"'`´‘’‚‛“”„‟«»]")
_TERMINAL = tuple(".!?:;,…")
_CLOSERS = "\"'’”»)]"
_WORD = re.compile(r"[^\W\d_][\w’'-]*")
_MAX_TITLE = 200
_MAX_HEADING_WORDS = 12


@dataclass(frozen=True)
class SentenceInfo:
    index: int
    start: int
    end: int
    paragraph: int
    kind: str


@dataclass(frozen=True)
class Document:
    text: str
    title: str | None
    byline: str | None
    sentences: list[SentenceInfo]


@dataclass
class _Paragraph:
    text: str
    spans: list[tuple[int, int]]
    kind: str = "content"


def analyse(text: str, *, title: str | None = None, author: str | None = None) -> Document:
    """Split normalised ``text`` into sentences and tell title, by-line, etc. apart."""
    if normalise(text) != text:
        raise ValueError("analyse() needs normalised text: call normalise() first")
    paragraphs: list[_Paragraph] = []
    for span in segment(text):
        if span.paragraph == len(paragraphs):
            paragraphs.append(_Paragraph("", []))
        paragraphs[-1].spans.append((span.start, span.end))
    for p in paragraphs:
        p.text = text[p.spans[0][0] : p.spans[-1][1]]

    _mark_boilerplate(paragraphs)
    title, byline = _mark_head(paragraphs, title, author)
    _mark_headings(paragraphs)

    sentences: list[SentenceInfo] = []
    for number, p in enumerate(paragraphs):
        for start, end in p.spans:
            sentences.append(SentenceInfo(len(sentences), start, end, number, p.kind))
    return Document(text=text, title=title, byline=byline, sentences=sentences)


def _mark_boilerplate(paragraphs: list[_Paragraph]) -> None:
    footer = False
    for p in paragraphs:
        footer = footer or FOOTER.fullmatch(p.text) is not None
        if footer or any(rx.fullmatch(p.text) for rx in BOILERPLATE):
            p.kind = "boilerplate"


def _mark_head(
    paragraphs: list[_Paragraph], title: str | None, author: str | None
) -> tuple[str | None, str | None]:
    """Mark leading junk, title and by-line paragraphs; return (title, byline)."""
    title = title.strip() if title and title.strip() else None
    may_find_title = title is None  # only the first non-junk paragraph may become it
    byline = None
    for i, p in enumerate(paragraphs):
        if p.kind == "boilerplate":
            continue
        if any(rx.fullmatch(p.text) for rx in _JUNK):
            p.kind = "boilerplate"
            continue
        if may_find_title and _looks_like_title(p, paragraphs[i + 1 :]):
            title = p.text
        if title is not None and _comparable(p.text) == _comparable(title):
            p.kind = "title"
        elif byline is None and (name := _byline(p.text, author)):
            byline = name
            p.kind = "byline"
        else:
            break
        may_find_title = False
    return title, byline


def _byline(text: str, author: str | None) -> str | None:
    m = _BYLINE.fullmatch(text)
    if m and m["name"][0].isupper() and len(m["name"].split()) <= 6:
        return m["name"].strip()
    if author and _comparable(text) == _comparable(author):
        return text
    return None


def _mark_headings(paragraphs: list[_Paragraph]) -> None:
    content = [p for p in paragraphs if p.kind == "content"]
    for p in content[:-1]:
        words = _WORD.findall(p.text)
        if len(p.spans) == 1 and 0 < len(words) <= _MAX_HEADING_WORDS and _headline(p.text):
            p.kind = "heading"


def _looks_like_title(p: _Paragraph, rest: list[_Paragraph]) -> bool:
    return (
        len(p.text) <= _MAX_TITLE
        and len(p.spans) == 1
        and _headline(p.text)
        and any(q.kind == "content" for q in rest)
    )


def _headline(text: str) -> bool:
    """Starts with a capital and has no closing punctuation, unless Title Cased ?/!."""
    first = next((c for c in text if c.isalnum()), "")
    if not (first.isupper() or first.isdigit()):
        return False
    last = text.rstrip(_CLOSERS)[-1:]
    if last in ("?", "!"):
        significant = [w for w in _WORD.findall(text) if len(w) > 3]
        return len(significant) >= 2 and all(w[0].isupper() for w in significant)
    return last not in _TERMINAL


def _comparable(text: str) -> str:
    """Case-, space- and quote-insensitive form for comparing titles and names."""
    return " ".join(_QUOTES.sub("", text).casefold().split())
