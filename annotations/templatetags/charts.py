"""Consensus in pictures and symbols: server-rendered SVG bars, and the symbol of each consensus
status. Every chart comes with its numbers as text on the page; the bars tell the kinds of
vote apart by pattern as well as colour (agree solid, disagree hatched, unsure dotted)."""
from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join, json_script

from annotations.models import ConsensusStatus
from annotations.selectors.consensus import UPDATING, VERDICTS

register = template.Library()

SYMBOLS = {
    ConsensusStatus.AGREED: "✓",
    ConsensusStatus.REJECTED: "✗",
    ConsensusStatus.DIVIDED: "≈",
    ConsensusStatus.NOT_ENOUGH_VOTES: "…",
    UPDATING: "↻",
}
WIDTH = 240
"""Width of every bar in SVG units (and CSS pixels at its natural size)."""


@register.filter
def status_symbol(status: str) -> str:
    return SYMBOLS[status]


@register.filter
def verdict(status: str) -> str:
    return VERDICTS[status]


@register.filter
def percent(share: float | None) -> str:
    return "–" if share is None else f"{share:.0%}"


@register.filter
def group_name(group: int) -> str:
    """Opinion groups are numbered from 0 (the largest); people read them as A, B, C…"""
    return f"Group {chr(ord('A') + group)}"


@register.simple_tag
def consensus_marks() -> str:
    """The symbol and words of each status, for the reader's script to mark claims with."""
    marks = {status: [symbol, VERDICTS[status]] for status, symbol in SYMBOLS.items()}
    return json_script(marks, "consensus-marks")


@register.simple_tag
def status_legend() -> str:
    return format_html(
        '<span class="status-legend">{}</span>',
        format_html_join(
            " ",
            '<span data-status="{}"><span class="status-symbol" aria-hidden="true">{}</span> {}</span>',
            ((status, symbol, VERDICTS[status]) for status, symbol in SYMBOLS.items()),
        ),
    )


@register.simple_tag
def share_bar(share: float, low: float, high: float) -> str:
    """The agree share as a bar, with its 95% interval as a whisker and a tick at one half."""
    x, lo, hi = (round(WIDTH * value, 1) for value in (share, low, high))
    return format_html(
        '<svg class="chart share-bar" viewBox="0 0 {w} 20" width="{w}" height="20" aria-hidden="true">'
        '<title>{share} agree, 95% interval {low} to {high}</title>'
        '<rect class="track" x="0" y="4" width="{w}" height="12"/>'
        '<rect class="fill" x="0" y="4" width="{x}" height="12"/>'
        '<line class="half" x1="{half}" x2="{half}" y1="1" y2="19"/>'
        '<g class="whisker"><line x1="{lo}" x2="{hi}" y1="10" y2="10"/>'
        '<line x1="{lo}" x2="{lo}" y1="5" y2="15"/><line x1="{hi}" x2="{hi}" y1="5" y2="15"/></g>'
        "</svg>",
        w=WIDTH, half=WIDTH // 2, x=x, lo=lo, hi=hi, share=percent(share), low=percent(low), high=percent(high),
    )


@register.simple_tag
def vote_bar(agree: int, disagree: int, unsure: int, scope: str, key: object) -> str:
    """Votes by kind as one stacked bar. `scope` and `key` make its pattern ids unique on the
    page (several bars may be drawn at once)."""
    total = agree + disagree + unsure
    prefix = f"{scope}-{key}"
    segments, x = [], 0.0
    for kind, n in (("agree", agree), ("disagree", disagree), ("unsure", unsure)):
        if n:
            width = WIDTH * n / total
            segments.append((kind, round(x, 1), round(width, 1), n))
            x += width
    patterns = {"disagree": "hatch", "unsure": "dots"}
    return format_html(
        '<svg class="chart vote-bar" viewBox="0 0 {w} 14" width="{w}" height="14" aria-hidden="true">'
        "<title>{title}</title>"
        '<defs><pattern id="{p}-hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect class="hatch-ground" width="5" height="5"/><line class="hatch" x1="0" y1="0" x2="0" y2="5"/></pattern>'
        '<pattern id="{p}-dots" width="5" height="5" patternUnits="userSpaceOnUse">'
        '<rect class="dots-ground" width="5" height="5"/><circle class="dot" cx="2.5" cy="2.5" r="1.1"/></pattern></defs>'
        '<rect class="track" x="0" y="0" width="{w}" height="14"/>{segments}</svg>',
        w=WIDTH,
        p=prefix,
        title=f"{agree} agree, {disagree} disagree, {unsure} unsure",
        segments=format_html_join(
            "",
            '<rect class="{}" x="{}" y="0" width="{}" height="14"{}><title>{} {}</title></rect>',
            (
                (kind, x, width, format_html(' fill="url(#{}-{})"', prefix, patterns[kind]) if kind in patterns else "", n, kind)
                for kind, x, width, n in segments
            ),
        ),
    )
