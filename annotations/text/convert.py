"""Reduce uploads to plain text with paragraphs: one paragraph per line, no markup left.

HTML goes through the standard library's lenient ``html.parser`` (it never raises on
malformed markup); Markdown is rendered to HTML with markdown-it (CommonMark) first.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import PurePath

from markdown_it import MarkdownIt

_FORMATS = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}
SUPPORTED_SUFFIXES = tuple(_FORMATS)

# Elements whose content is never article text.
_SKIPPED = frozenset(
    {"script", "style", "head", "nav", "template", "noscript", "svg", "iframe", "object"}
    | {"canvas", "select", "button"}
)
# Elements that may appear in <head>; any other start tag means the body has begun even
# when </head> was left out.
_HEAD_CONTENT = frozenset(
    {"title", "meta", "link", "base", "style", "script", "noscript", "template"}
)
# Elements that start a new paragraph (table cells stay on their row's line).
_BLOCKS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details"}
    | {"dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "li", "main", "ol", "p"}
    | {"pre", "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul"}
)
_SPACE = re.compile(r"\s+")
# "<![...": a bogus comment up to the next ">" for browsers; html.parser raises on it.
_MARKED_SECTION = re.compile(r"<!\[[^>]*>?")
_NOT_CONTROL = bytes(b for b in range(256) if b >= 32 or b in b"\t\n\r\f")
_MARKDOWN = MarkdownIt("commonmark")


class ConversionError(ValueError):
    """Input that cannot become text; the message is meant for the person uploading."""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skipping: list[str] = []  # open elements whose content is dropped
        self._pre = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipping == ["head"] and tag not in _HEAD_CONTENT:
            self._skipping.clear()
        if tag in _SKIPPED:
            self._skipping.append(tag)
        elif tag in _BLOCKS:
            self._break()
        elif tag in ("td", "th"):
            self._current.append(" ")
        if tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self._skipping:
            while self._skipping.pop() != tag:
                pass
        elif tag in _BLOCKS:
            self._break()
        if tag == "pre" and self._pre:
            self._pre -= 1

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre:
            first, *rest = data.split("\n")
            self._current.append(first)
            for line in rest:
                self._break()
                self._current.append(line)
        else:
            self._current.append(data)

    def text(self) -> str:
        self._break()
        return "\n".join(self.paragraphs)

    def _break(self) -> None:
        paragraph = _SPACE.sub(" ", "".join(self._current)).strip()
        if paragraph:
            self.paragraphs.append(paragraph)
        self._current = []


def html_to_text(html: str) -> str:
    """Visible text of an HTML document or fragment, one paragraph per line."""
    parser = _TextExtractor()
    parser.feed(_MARKED_SECTION.sub(" ", html))
    parser.close()
    return parser.text()


def markdown_to_text(md: str) -> str:
    """Plain text of CommonMark: headings, list items, etc. become their own paragraphs."""
    return html_to_text(_MARKDOWN.render(md))


def to_text(data: str, *, fmt: str) -> str:
    """Reduce ``data`` in format "text", "markdown" or "html" to plain text."""
    if fmt == "text":
        return data
    if fmt == "markdown":
        return markdown_to_text(data)
    if fmt == "html":
        return html_to_text(data)
    raise ConversionError(f"Unknown format “{fmt}”: use text, markdown or html.")


def guess_format(filename: str) -> str:
    """The format ("text", "markdown" or "html") that the file name's extension implies."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in _FORMATS:
        shown = f"“{suffix}” files" if suffix else "Files without an extension"
        raise ConversionError(f"{shown} are not supported: upload .txt, .md or .html.")
    return _FORMATS[suffix]


def decode_upload(data: bytes, *, max_bytes: int) -> str:
    """The text of an uploaded file, which must be UTF-8 (a BOM is allowed)."""
    if len(data) > max_bytes:
        raise ConversionError(f"File is larger than {max_bytes / 1024 / 1024:.1f} MB.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConversionError("The file is UTF-16 text; save it as UTF-8 and upload it again.")
    if b"\x00" in data or len(data.translate(None, _NOT_CONTROL)) * 10 > len(data):
        raise ConversionError("The file looks binary (NUL or control bytes), not like text.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ConversionError(
            f"The file is not UTF-8 text (invalid byte at position {error.start}); "
            "save it as UTF-8 and upload it again."
        ) from None
    if not text.strip():
        raise ConversionError("The file is empty.")
    return text
