"""@mentions in comments: the names a Markdown body mentions, and the body as safe HTML with the
mentions of real people linked.

Mentions are read from the text only, never from code or from a link's text, so `@admin` in a
code span stays code. The HTML goes through the same allow-list as notes (nh3); the one addition
is the `mention` class on links.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from annotations.text.notes import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("strikethrough")

# "@" not glued to a word or another name (so e-mail addresses are not mentions), then a
# username's characters ending on a letter or digit (so "@ada." at the end of a sentence is ada).
MENTION = re.compile(r"(?<![\w@.+-])@([\w.+-]*\w)")


def _inline_blocks(tokens: list[Token]):
    return (block for block in tokens if block.type == "inline" and block.children)


def _text_outside_links(children: list[Token]):
    """Each child token, and whether it is text outside a link (where mentions are read)."""
    inside_link = 0
    for child in children:
        if child.type == "link_open":
            inside_link += 1
        elif child.type == "link_close":
            inside_link -= 1
        yield child, child.type == "text" and not inside_link


def find_mentions(markdown: str) -> list[str]:
    """The names mentioned, in order of first mention, each once (compared ignoring case)."""
    seen: dict[str, str] = {}
    for block in _inline_blocks(_markdown.parse(markdown)):
        for token, is_text in _text_outside_links(block.children):
            for match in MENTION.finditer(token.content) if is_text else ():
                seen.setdefault(match.group(1).casefold(), match.group(1))
    return list(seen.values())


def _linked(token: Token, links: Mapping[str, str]) -> list[Token]:
    """`token` split into text and mention links."""
    pieces: list[Token] = []
    position = 0
    for match in MENTION.finditer(token.content):
        href = links.get(match.group(1).casefold())
        if href is None:
            continue
        if match.start() > position:
            pieces.append(Token("text", "", 0, content=token.content[position : match.start()]))
        pieces.append(Token("link_open", "a", 1, attrs={"href": href, "class": "mention"}))
        pieces.append(Token("text", "", 0, content=match.group(0)))
        pieces.append(Token("link_close", "a", -1))
        position = match.end()
    if not pieces:
        return [token]
    if position < len(token.content):
        pieces.append(Token("text", "", 0, content=token.content[position:]))
    return pieces


def render_with_mentions(markdown: str, links: Mapping[str, str]) -> str:
    """Safe HTML for a Markdown body, each `@name` whose casefolded name is in `links` made a
    link to `links[name]` with the class `mention`; other `@words` stay text."""
    if not markdown.strip():
        return ""
    tokens = _markdown.parse(markdown)
    if links:
        for block in _inline_blocks(tokens):
            children: list[Token] = []
            for token, is_text in _text_outside_links(block.children):
                children.extend(_linked(token, links) if is_text else [token])
            block.children = children
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        allowed_classes={"a": {"mention"}},
    )
