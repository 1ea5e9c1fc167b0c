"""Reads shaped for the consensus pages: an article's claims summed up by consensus status with
its tag agreement, and the queue that steps through an article's claims to vote on them.

Each is a fixed number of queries, whatever the number of claims.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from annotations.models import Article, Claim, ConsensusStatus, Vote, VoteValue
from annotations.policy import hidden_filter
from annotations.selectors.consensus import (
    UPDATING,
    ArticleAgreementView,
    Viewer,
    article_agreement,
)
from annotations.selectors.reader import stamp_of

CONTEXT_CHARS = 300
"""At most this much of the claim's paragraph is shown on either side of it in the queue."""


@dataclass(frozen=True)
class ClaimsSummary:
    """How many of an article's claims have each consensus status."""

    total: int
    agreed: int
    rejected: int
    divided: int
    not_enough_votes: int
    updating: int


def claims_summary(claims: QuerySet[Claim]) -> ClaimsSummary:
    """These claims counted by consensus status (one query). A claim whose consensus is out of
    date counts as updating; one with no consensus row has no votes."""
    counts = {status: 0 for status in [*ConsensusStatus.values, UPDATING]}
    rows = claims.values_list("consensus__status", "consensus__dirty").annotate(n=Count("pk")).order_by()
    for status, dirty, n in rows:
        counts[UPDATING if dirty else status or ConsensusStatus.NOT_ENOUGH_VOTES] += n
    return ClaimsSummary(total=sum(counts.values()), **counts)


def article_claims_summary(article_id: int, *, user: Viewer) -> ClaimsSummary:
    """The article's claims that `user` may see counted by consensus status (one query)."""
    return claims_summary(Claim.objects.filter(hidden_filter(user, author_field="created_by"), article_id=article_id))


@dataclass(frozen=True)
class ArticleConsensus:
    article_id: int
    claims: ClaimsSummary
    agreement: ArticleAgreementView

    @property
    def up_to_date(self) -> bool:
        return self.agreement.up_to_date and not self.claims.updating

    @property
    def sentence_tags(self) -> dict[str, list]:
        """What the reader paints on each sentence: {sentence id: [tag, confidence, taggers]}."""
        return {str(s.sentence): [s.label, s.confidence, s.taggers] for s in self.agreement.sentences or []}


def article_consensus(article_id: int, *, user: Viewer) -> ArticleConsensus:
    """An article's claims (those `user` may see) by consensus status and its tag agreement
    (four queries at most)."""
    agreement = article_agreement(article_id)
    if agreement is None:
        raise Http404("No such article.")
    claims = article_claims_summary(article_id, user=user)
    return ArticleConsensus(article_id=article_id, claims=claims, agreement=agreement)


@dataclass(frozen=True)
class ClaimStamps:
    """The change stamps the claim page polls with (see views/threads.py: thread_live)."""

    thread: str
    """The debate thread's."""
    about: str
    """Everything else the page shows: its article's annotations (who tagged the claim, its
    evidence and sources move that stamp) and the claim's consensus (a vote makes it out of
    date, a recompute brings it up to date)."""


def claim_stamps(claim_id: int) -> ClaimStamps | None:
    """The claim page's change stamps (one query); None when the claim is gone."""
    found = Claim.objects.filter(pk=claim_id).values_list(
        "thread_changed_at", "article__annotations_changed_at", "consensus__computed_at", "consensus__dirty_at"
    )
    for thread, *about in found:
        return ClaimStamps(thread=stamp_of(thread), about="-".join(stamp_of(moment) for moment in about))
    return None


# ---- The vote queue ---------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueClaim:
    id: int
    quote: str
    anchored: bool
    before: str
    marked: str
    after: str
    """The claim's paragraph, cut to CONTEXT_CHARS either side of it (empty when orphaned)."""
    your_vote: str | None


@dataclass(frozen=True)
class VoteQueue:
    article: Article
    claim: QueueClaim | None
    """None when the article has no claims."""
    position: int
    """1-based place of `claim` among the article's claims."""
    total: int
    voted: int
    """How many of the claims the user has voted on."""
    previous_id: int | None
    next_id: int | None


def _context(text: str, start: int, end: int) -> tuple[str, str, str]:
    """The claim's paragraph (every line is one): the text before it, its own, and after it."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    before, after = text[line_start:start], text[end:line_end]
    if len(before) > CONTEXT_CHARS:
        before = "…" + before[-CONTEXT_CHARS:]
    if len(after) > CONTEXT_CHARS:
        after = after[:CONTEXT_CHARS] + "…"
    return before, text[start:end], after


def vote_queue(
    *, article_id: int, user: Viewer, claim_id: int | None = None, advance: bool = False
) -> VoteQueue:
    """The article's claims that `user` may see in text order (orphaned ones last) with the
    user's votes, placed at
    `claim_id`, or at the one after it when `advance` (staying on the last one), or else at the
    first claim the user has not voted on (two queries)."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=article_id)
    your_vote = Vote.objects.filter(claim=OuterRef("pk"), user_id=user.pk).values("value")[:1]  # none when anonymous
    rows = list(
        Claim.objects.filter(hidden_filter(user, author_field="created_by"), article=article)
        .annotate(your_vote=Subquery(your_vote))
        .order_by(F("start").asc(nulls_last=True), "pk")
        .values_list("pk", "quote", "start", "end", "your_vote")
    )
    ids = [row[0] for row in rows]
    voted = sum(row[4] is not None for row in rows)
    if not rows:
        return VoteQueue(article, None, position=0, total=0, voted=0, previous_id=None, next_id=None)
    if claim_id in ids:
        index = min(ids.index(claim_id) + advance, len(ids) - 1)
    else:
        index = next((i for i, row in enumerate(rows) if row[4] is None), 0)
    pk, quote, start, end, value = rows[index]
    anchored = start is not None and article.current_revision is not None
    before, marked, after = _context(article.current_revision.text, start, end) if anchored else ("", "", "")
    return VoteQueue(
        article=article,
        claim=QueueClaim(
            id=pk, quote=quote, anchored=anchored, before=before, marked=marked, after=after,
            your_vote=None if value is None else VoteValue(value).label,
        ),
        position=index + 1,
        total=len(ids),
        voted=voted,
        previous_id=ids[index - 1] if index > 0 else None,
        next_id=ids[index + 1] if index + 1 < len(ids) else None,
    )
