"""Consensus in plain words: what each status means to someone who is not a statistician. The
model's own terms (intercept, factor, μ) are explained on /consensus/about/."""
from __future__ import annotations

from django import template

from annotations.models import ConsensusStatus
from annotations.selectors.consensus import UPDATING

register = template.Library()

MEANINGS = {
    ConsensusStatus.AGREED: "People who usually disagree with each other both agree with this.",
    ConsensusStatus.REJECTED: "People who usually disagree with each other both reject this.",
    ConsensusStatus.DIVIDED: (
        "Whether people agree depends on which side they are on, or the votes point no clear way."
    ),
    ConsensusStatus.NOT_ENOUGH_VOTES: "Too few people have agreed or disagreed yet to tell.",
    UPDATING: "New votes are being counted.",
}


@register.filter
def status_meaning(status: str) -> str:
    return MEANINGS.get(status, "")


@register.filter
def term(number: float | None) -> str:
    """A number added to a sum, in two decimals with its sign as the operator: "+ 0.45",
    "− 0.12" (a real minus sign)."""
    if number is None:
        return ""
    return f"{'−' if number < 0 else '+'} {abs(number):.2f}"
