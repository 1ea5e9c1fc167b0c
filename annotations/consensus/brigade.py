"""The brigade rule: when flags hide an item pending review.

A flag counts for most when people who usually disagree raise it together, so one camp cannot
silence the other by mass-flagging. Flaggers are placed by their opinion group from the latest
consensus refit; everyone without a group (too few votes to place) counts together as one more
group. An item is hidden pending review when

- at least ``threshold`` distinct people flag it and they come from at least two groups, or
- at least ``2 × threshold`` people flag it, whatever their groups.

The score orders the moderator queue on the same scale: distinct flaggers, halved when they all
come from one group. An item is hidden exactly when its score reaches the threshold.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

NO_GROUP = None


@dataclass(frozen=True)
class FlagVote:
    """One counting flag: who raised it and their opinion group (None: no group)."""

    flagger: int
    group: int | None


@dataclass(frozen=True)
class BrigadeDecision:
    flaggers: int
    groups: int
    score: float
    hide: bool


def decide(flags: Iterable[FlagVote], *, threshold: int) -> BrigadeDecision:
    """Whether the counting flags on one item hide it pending review, and its queue score."""
    if threshold < 1:
        raise ValueError("threshold must be at least 1")
    group_of: dict[int, int | None] = {}
    for flag in flags:
        group_of.setdefault(flag.flagger, flag.group)
    flaggers = len(group_of)
    placed = {group for group in group_of.values() if group is not None}
    groups = len(placed) + (1 if any(group is None for group in group_of.values()) else 0)
    score = float(flaggers) if groups >= 2 else flaggers / 2
    return BrigadeDecision(flaggers=flaggers, groups=groups, score=score, hide=score >= threshold)
