"""Reads for the home page: the articles as cards with their numbers (searched and sorted), and
the claims that bridge viewpoints or divide them most.

Everything counts only what the viewer may see: a hidden claim, its votes and its comments are
gone for members and anonymous readers, as are hidden annotations and comments.

The page stays a fixed number of queries whatever the size of the corpus: the sort is one
ordered query over the articles (grouped subqueries where it needs numbers), and the numbers on
the cards are counted for the page's 25 articles only, one grouped query per kind.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, F, IntegerField, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from annotations.models import (
    Annotation,
    Article,
    Claim,
    Comment,
    ConsensusStatus,
    Vote,
)
from annotations.policy import hidden_filter
from annotations.read_cache import MISSING, cached, lookup, read_key, store
from annotations.roles import is_moderator
from annotations.selectors.read_keys import EVERYONE, MODERATORS, stamp_of

Viewer = AbstractBaseUser | AnonymousUser

SEARCH_MAX_WORDS = 8


class Sort(StrEnum):
    ACTIVITY = "activity"
    DEBATED = "debated"
    NEWEST = "newest"


SORT_LABELS = {
    Sort.ACTIVITY: "Recent activity",
    Sort.DEBATED: "Most debated (votes and comments)",
    Sort.NEWEST: "Newest",
}


def _visible_claims(user: Viewer, prefix: str = "") -> Q:
    return hidden_filter(user, prefix=prefix, author_field="created_by")


def _visible_comments(user: Viewer) -> Q:
    """Comments `user` may see, on claims they may see; deleted ones are gone for everyone."""
    return hidden_filter(user) & _visible_claims(user, "claim__") & Q(deleted_at__isnull=True)


def _per_article(queryset: QuerySet, article_field: str, value) -> Subquery:
    """One number per article (the outer row) from `queryset` grouped by `article_field`."""
    grouped = queryset.filter(**{article_field: OuterRef("pk")}).order_by().values(article_field)
    return Subquery(grouped.annotate(value=value).values("value")[:1])


def _activity(user: Viewer):
    """When an article last changed for its readers: it was added, an annotation on it changed,
    or the debate on one of its claims (that `user` may see) moved.

    Votes are left out: the time of the last vote is in no stored column or index, and finding
    it would read every vote of the corpus for each request. They count towards "debated".
    """
    claims = Claim.objects.filter(_visible_claims(user))
    return Greatest(
        Coalesce(F("annotations_changed_at"), F("created_at")),
        Coalesce(_per_article(claims, "article", Max("thread_changed_at")), F("created_at")),
    )


def _debate(user: Viewer):
    """Votes and comments on an article's claims (those `user` may see). COUNT(*), not of a
    column: the index of votes by claim answers it without reading the votes themselves."""
    votes = Vote.objects.filter(_visible_claims(user, "claim__"))
    comments = Comment.objects.filter(_visible_comments(user))
    zero = Value(0, output_field=IntegerField())
    return Coalesce(_per_article(votes, "claim__article", Count("*")), zero) + Coalesce(
        _per_article(comments, "claim__article", Count("*")), zero
    )


def _search(query: str) -> Q:
    """Each word of `query` in the title or in the current text (case-insensitive)."""
    match = Q()
    for word in query.split()[:SEARCH_MAX_WORDS]:
        match &= Q(title__icontains=word) | Q(current_revision__text__icontains=word)
    return match


def article_search(*, query: str = "", sort: Sort = Sort.ACTIVITY, user: Viewer) -> QuerySet:
    """The articles matching `query` in `sort` order, as dicts of what a card shows of the
    article itself; paginate it, then count the page's numbers with `article_cards`."""
    articles = Article.objects.filter(_search(query)).values(
        "id", "title", "author", "source", "published", "created_at", "annotations_changed_at",
        sentences=Coalesce(F("current_revision__sentence_count"), Value(0)),
    )
    if sort == Sort.NEWEST:
        return articles.order_by("-created_at", "-id")
    if sort == Sort.DEBATED:
        return articles.annotate(debate=_debate(user)).order_by("-debate", "-created_at", "-id")
    return articles.annotate(activity=_activity(user)).order_by("-activity", "-id")


@dataclass(frozen=True)
class ArticleCard:
    id: int
    title: str
    author: str
    source: str
    published: dt.date | None
    sentences: int
    claims: int
    annotations: int
    votes: int
    comments: int
    people: int
    """Different people who tagged, voted or commented."""
    last_activity: dt.datetime
    """The article added, an annotation changed or a debate moved (as the activity sort)."""


def _grouped(queryset: QuerySet, article_field: str, ids: list[int], **values) -> dict[int, dict]:
    rows = (
        queryset.filter(**{f"{article_field}__in": ids}).order_by().values(article_field).annotate(**values)
    )
    return {row.pop(article_field): row for row in rows}


def article_cards(rows: list[dict], *, user: Viewer) -> list[ArticleCard]:
    """Cards for a page of `article_search` rows, with the numbers `user` may see: five grouped
    queries for the whole page."""
    ids = [row["id"] for row in rows]
    if not ids:
        return []
    annotations = Annotation.objects.filter(hidden_filter(user))
    claims = Claim.objects.filter(_visible_claims(user))
    votes = Vote.objects.filter(_visible_claims(user, "claim__"))
    comments = Comment.objects.filter(_visible_comments(user))
    counted = {
        "annotations": _grouped(annotations, "article_id", ids, n=Count("*")),
        "claims": _grouped(claims, "article_id", ids, n=Count("*"), last=Max("thread_changed_at")),
        "votes": _grouped(votes, "claim__article_id", ids, n=Count("*")),
        "comments": _grouped(comments, "claim__article_id", ids, n=Count("*")),
    }
    pairs = annotations.filter(article_id__in=ids).order_by().values_list("article_id", "author_id").union(
        votes.filter(claim__article_id__in=ids).order_by().values_list("claim__article_id", "user_id"),
        comments.filter(claim__article_id__in=ids, author__isnull=False).order_by().values_list(
            "claim__article_id", "author_id"
        ),
    )
    people = Counter(article for article, _ in pairs)  # UNION keeps each (article, person) once
    cards = []
    for row in rows:
        numbers = {kind: found.get(row["id"], {}) for kind, found in counted.items()}
        moments = [row["created_at"], row["annotations_changed_at"], numbers["claims"].get("last")]
        cards.append(
            ArticleCard(
                id=row["id"], title=row["title"], author=row["author"], source=row["source"],
                published=row["published"], sentences=row["sentences"],
                **{kind: number.get("n", 0) for kind, number in numbers.items()},
                people=people[row["id"]],
                last_activity=max(moment for moment in moments if moment is not None),
            )
        )
    return cards


# ---- Where readers stand ------------------------------------------------------------------------


@dataclass(frozen=True)
class StandingClaim:
    id: int
    quote: str
    article_title: str
    votes: int
    intercept: float | None
    """The bridging score: agreement that no viewpoint explains."""
    divisiveness: float | None


@dataclass(frozen=True)
class Standings:
    bridging: list[StandingClaim]
    """Agreed across viewpoints, the best bridged first."""
    divisive: list[StandingClaim]
    """Divided, the widest split between opinion groups first (then the lowest bridging score)."""


def _standing(claims: QuerySet, *order, limit: int) -> list[StandingClaim]:
    rows = claims.order_by(*order, "pk").values_list(
        "pk", "quote", "article__title", "consensus__votes", "consensus__intercept", "consensus__divisiveness"
    )
    return [StandingClaim(*row) for row in rows[:limit]]


def consensus_standings(*, user: Viewer, limit: int = 3) -> Standings:
    """A few claims (that `user` may see) agreed across viewpoints and a few divided, by their
    last computed consensus (two queries)."""
    claims = Claim.objects.filter(_visible_claims(user))
    agreed = claims.filter(consensus__status=ConsensusStatus.AGREED)
    divided = claims.filter(consensus__status=ConsensusStatus.DIVIDED)
    return Standings(
        bridging=_standing(agreed, F("consensus__intercept").desc(nulls_last=True), limit=limit),
        divisive=_standing(
            divided, F("consensus__divisiveness").desc(nulls_last=True), F("consensus__intercept").asc(nulls_last=True),
            limit=limit,
        ),
    )


# ---- The page, cached on the corpus' stamps ----------------------------------------------------

PER_PAGE = 25


@dataclass(frozen=True)
class HomeListing:
    """What the home page shows below its search form: a page of cards and the standings."""

    count: int
    """Articles matching the search, on every page."""
    number: int
    cards: list[ArticleCard]
    standings: Standings


_CORPUS_STAMP_SQL = """
SELECT (SELECT COUNT(*) FROM annotations_article), (SELECT MAX(changed_at) FROM annotations_article),
       (SELECT MAX(annotations_changed_at) FROM annotations_article),
       (SELECT MAX(thread_changed_at) FROM annotations_claim),
       (SELECT MAX(computed_at) FROM annotations_claimconsensus), (SELECT MAX(dirty_at) FROM annotations_claimconsensus)
"""


def corpus_stamp() -> tuple:
    """What every number on the home page depends on, in one query: any article added or
    changed, any annotation, claim, source or evidence change (an article's
    `annotations_changed_at`), any debate move (`thread_changed_at`: comments, their hiding,
    locks), and any vote or recompute (a claim's consensus goes dirty or is computed). Each
    maximum is read from an index (migration 0007); in SQL because every visit to the home page
    asks for it, and the ORM's three aggregates took twice as long."""
    with connection.cursor() as cursor:
        cursor.execute(_CORPUS_STAMP_SQL)
        return tuple(stamp_of(v) if isinstance(v, dt.datetime) else v for v in cursor.fetchone())


def home_stamp() -> tuple:
    """`corpus_stamp`, as read at most REDNOTE_HOME_FRESH_SECONDS ago: what the home page's
    cached cards, standings and (for visitors) whole page are keyed on. A change anywhere in the
    corpus shows on the home page within that many seconds, and a stream of writes rebuilds it
    once per interval instead of on every visit."""
    seconds = settings.REDNOTE_HOME_FRESH_SECONDS
    if seconds <= 0:
        return corpus_stamp()
    key = read_key("corpus-stamp")
    stamp = lookup(key)
    if stamp is MISSING:
        stamp = corpus_stamp()
        store(key, stamp, seconds=seconds)
    return stamp


def home_viewer(user: Viewer) -> str:
    """Who sees the same home page: moderators (everything), a member with hidden items of their
    own (they count for them), or everyone else."""
    if not user.is_authenticated:
        return EVERYONE
    if is_moderator(user):
        return MODERATORS
    hidden = Q(hidden_at__isnull=False)
    own_hidden = (
        Annotation.objects.filter(hidden, author_id=user.pk).exists()
        or Claim.objects.filter(hidden, created_by_id=user.pk).exists()
        or Comment.objects.filter(hidden, author_id=user.pk).exists()
    )
    return f"user:{user.pk}" if own_hidden else EVERYONE


def home_listing(*, query: str, sort: Sort, page: str | None, user: Viewer) -> HomeListing:
    """The home page's page of cards and its standings, from the cache unless something in the
    corpus changed since (`home_stamp`); the relative times are rendered fresh each request."""

    def build() -> HomeListing:
        found = Paginator(article_search(query=query, sort=sort, user=user), PER_PAGE).get_page(page)
        return HomeListing(
            count=found.paginator.count,
            number=found.number,
            cards=article_cards(list(found.object_list), user=user),
            standings=consensus_standings(user=user),
        )

    return cached(read_key("home", home_stamp(), home_viewer(user), query, sort.value, page), build)
