"""Annotation notes: Markdown in, sanitised HTML out.

Notes are written by anyone, so the HTML is cleaned by nh3 (an allow-list): no scripts, no
event handlers, no styles, and links only to http, https and mailto, opened without referrer.
"""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "s", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
NOTE_MAX_CHARS = 10_000


def render_note(markdown: str) -> str:
    """Safe HTML for a Markdown note; raw HTML in the note is shown as text, never run."""
    if not markdown.strip():
        return ""
    html = _markdown.render(markdown)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
