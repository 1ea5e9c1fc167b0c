"""What `manage.py seed_demo` writes: demo readers, their claims, evidence and votes, drawn so
that a consensus refit finds opinion groups and claims of every verdict.

Data in, data out: the articles' annotatable sentences in, a plan out; `services/demo.py`
writes it. The readers fall into two camps and a few undecided. Each claim gets an intended
verdict and votes to match: camp A and camp B both agree (agreed across viewpoints), both
disagree (rejected), or each agrees with its own side's claims and disagrees with the other's
(divided: what makes the groups). A few claims get too few votes to say. Everything is drawn
from `random.Random` seeded by the seed and the article's key (its text's hash), so the same
corpus gives the same plan, and an article added later changes nothing about the others.
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

USERNAME_PREFIX = "demo-reader-"
CLAIM_LENGTH = (50, 320)
"""Sentences this long (in characters) make readable claims; shorter ones can be evidence."""
CLAIM_ENDINGS = (".", "!", "?", "”", '"', "’")
"""A claim is a whole statement: not a list's introduction ("…in both nations:") or item."""
COVERAGE = 0.8
"""The share of claims each reader votes on."""
UNSURE = 0.06
"""How often a vote is unsure."""
FEW_VOTERS = 3
"""Voters on a claim meant to have too few votes to judge."""


class Camp(StrEnum):
    A = "a"
    B = "b"
    UNDECIDED = "undecided"


class Verdict(StrEnum):
    """The verdict a claim's votes are drawn for (the refit decides the real one)."""

    AGREED = "agreed"
    DIVIDED = "divided"
    REJECTED = "rejected"
    FEW_VOTES = "few_votes"


VERDICTS_PER_ARTICLE = (
    Verdict.DIVIDED, Verdict.AGREED, Verdict.DIVIDED, Verdict.REJECTED,
    Verdict.DIVIDED, Verdict.AGREED, Verdict.FEW_VOTES, Verdict.DIVIDED,
)
"""An article's claims take these verdicts in turn (as many as it has room for)."""

AGREE_CHANCE = {
    # The chance that a reader of each camp agrees, by the verdict the claim is drawn for.
    Verdict.AGREED: {Camp.A: 0.95, Camp.B: 0.95, Camp.UNDECIDED: 0.9},
    Verdict.REJECTED: {Camp.A: 0.04, Camp.B: 0.04, Camp.UNDECIDED: 0.1},
    Verdict.FEW_VOTES: {Camp.A: 0.6, Camp.B: 0.6, Camp.UNDECIDED: 0.6},
}
OWN_SIDE, OTHER_SIDE, UNDECIDED_ON_DIVIDED = 0.92, 0.1, 0.5
"""A divided claim is one camp's: its readers agree, the other camp's disagree."""


@dataclass(frozen=True)
class ArticleSentences:
    """An article as the plan sees it: a stable key and its annotatable sentences in order,
    each as (id, text)."""

    key: str
    sentences: Sequence[tuple[int, str]]


@dataclass(frozen=True)
class Reader:
    username: str
    camp: Camp


@dataclass(frozen=True)
class PlannedClaim:
    sentence_id: int
    verdict: Verdict
    side: Camp | None
    """The camp whose claim it is, for divided ones."""
    taggers: tuple[str, ...]
    """Readers who tag the sentence as a claim, the first one making it."""


@dataclass(frozen=True)
class PlannedAnnotation:
    """A reader's evidence or opinion tag on a sentence; evidence is linked to `claim`."""

    username: str
    sentence_id: int
    tag: str
    claim_sentence_id: int | None = None
    stance: str = ""


@dataclass(frozen=True)
class PlannedVote:
    username: str
    claim_sentence_id: int
    value: str


@dataclass(frozen=True)
class DemoPlan:
    readers: tuple[Reader, ...]
    claims: tuple[PlannedClaim, ...]
    annotations: tuple[PlannedAnnotation, ...]
    votes: tuple[PlannedVote, ...]


def demo_readers(count: int) -> tuple[Reader, ...]:
    """`count` readers: 45% camp A, 45% camp B, the rest undecided (at least one each)."""
    if count < 6:
        raise ValueError("the demo needs at least 6 readers")
    in_camp = round(count * 0.45)
    width = max(2, len(str(count)))
    return tuple(
        Reader(
            username=f"{USERNAME_PREFIX}{number:0{width}d}",
            camp=Camp.A if number <= in_camp else Camp.B if number <= 2 * in_camp else Camp.UNDECIDED,
        )
        for number in range(1, count + 1)
    )


def _agree_chance(verdict: Verdict, side: Camp | None, camp: Camp) -> float:
    if verdict is not Verdict.DIVIDED:
        return AGREE_CHANCE[verdict][camp]
    if camp is Camp.UNDECIDED:
        return UNDECIDED_ON_DIVIDED
    return OWN_SIDE if camp is side else OTHER_SIDE


def _vote(rng: random.Random, chance: float) -> str:
    if rng.random() < UNSURE:
        return "unsure"
    return "agree" if rng.random() < chance else "disagree"


def _votes(rng: random.Random, claim: PlannedClaim, readers: Sequence[Reader]) -> list[PlannedVote]:
    """Most readers vote on a claim (its taggers always do); few on a claim meant to have too
    few votes."""
    if claim.verdict is Verdict.FEW_VOTES:
        voters = rng.sample(list(readers), FEW_VOTERS)
    else:
        voters = [r for r in readers if r.username in claim.taggers or rng.random() < COVERAGE]
    return [
        PlannedVote(reader.username, claim.sentence_id, _vote(rng, _agree_chance(claim.verdict, claim.side, reader.camp)))
        for reader in voters
    ]


def _evidence(
    rng: random.Random, claim: PlannedClaim, camps: dict[Camp, list[Reader]], sentences: list[int]
) -> list[PlannedAnnotation]:
    """Evidence from another sentence of the article: for an agreed claim, supporting; for a
    rejected one, refuting; for a divided one, one of each, each from the camp that would."""
    if claim.verdict is Verdict.AGREED:
        sides = [("supports", camps[Camp.A] + camps[Camp.B])]
    elif claim.verdict is Verdict.REJECTED:
        sides = [("refutes", camps[Camp.A] + camps[Camp.B])]
    elif claim.verdict is Verdict.DIVIDED:
        other = Camp.B if claim.side is Camp.A else Camp.A
        sides = [("supports", camps[claim.side]), ("refutes", camps[other])]
    else:
        sides = []
    return [
        PlannedAnnotation(rng.choice(pool).username, rng.choice(sentences), "evidence", claim.sentence_id, stance)
        for stance, pool in sides
    ]


def _article_plan(article: ArticleSentences, readers: Sequence[Reader], seed: int) -> DemoPlan:
    rng = random.Random(f"{seed}:{article.key}")
    low, high = CLAIM_LENGTH
    candidates = [
        sid for sid, text in article.sentences
        if low <= len(text) <= high and text.rstrip().endswith(CLAIM_ENDINGS) and text[:1].isalnum()
    ]
    room = min(len(VERDICTS_PER_ARTICLE), len(candidates) // 3)
    claim_ids = sorted(rng.sample(candidates, room))
    verdicts = list(VERDICTS_PER_ARTICLE[:room])
    rng.shuffle(verdicts)
    camps = {camp: [r for r in readers if r.camp is camp] for camp in Camp}
    others = [sid for sid, _ in article.sentences if sid not in set(claim_ids)]
    claims, annotations, votes = [], [], []
    divided = 0
    for sentence_id, verdict in zip(claim_ids, verdicts, strict=True):
        side = None
        if verdict is Verdict.DIVIDED:
            side, divided = (Camp.A, Camp.B)[divided % 2], divided + 1
        pool = camps[side] if side else list(readers)
        taggers = tuple(r.username for r in rng.sample(pool, min(len(pool), rng.randint(1, 3))))
        claim = PlannedClaim(sentence_id, verdict, side, taggers)
        claims.append(claim)
        votes += _votes(rng, claim, readers)
        if others:
            annotations += _evidence(rng, claim, camps, others)
    for reader in rng.sample(list(readers), 2) if others else ():
        annotations.append(PlannedAnnotation(reader.username, rng.choice(others), "opinion"))
    return DemoPlan((), tuple(claims), tuple(_unique(annotations)), tuple(votes))


def _unique(annotations: list[PlannedAnnotation]) -> list[PlannedAnnotation]:
    """Without repeats (a reader may draw the same evidence for the same claim twice)."""
    seen: set[tuple[str, int, str, int | None]] = set()
    kept = []
    for annotation in annotations:
        key = (annotation.username, annotation.sentence_id, annotation.tag, annotation.claim_sentence_id)
        if key not in seen:
            seen.add(key)
            kept.append(annotation)
    return kept


def demo_plan(articles: Sequence[ArticleSentences], *, readers: int = 40, seed: int = 0) -> DemoPlan:
    """The demo for these articles: readers, claims, evidence and opinion tags, and votes."""
    people = demo_readers(readers)
    parts = [_article_plan(article, people, seed) for article in articles]
    return DemoPlan(
        readers=people,
        claims=tuple(claim for part in parts for claim in part.claims),
        annotations=tuple(annotation for part in parts for annotation in part.annotations),
        votes=tuple(vote for part in parts for vote in part.votes),
    )
