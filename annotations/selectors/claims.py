"""Claim reads: claims with their counts, the evidence and sources around one, and the corpus
search that finds passages to cite."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import reduce
from itertools import islice
from operator import or_

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from annotations.models import Annotation, Article, Claim, EvidenceLink, Sentence, Source, Stance
from annotations.policy import hidden_filter

Viewer = AbstractBaseUser | AnonymousUser

SEARCH_BATCH = 20
"""Articles whose sentences are read in one query while searching."""


def _count(related: QuerySet) -> Coalesce:
    """The number of `related` rows pointing at the claim, as a subquery (several Count()s over
    joins would multiply each other)."""
    rows = related.filter(claim=OuterRef("pk")).order_by().values("claim").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(rows), 0)


def claim_list(*, user: Viewer) -> QuerySet[Claim]:
    """The claims `user` may see, with their counts and, in `taggings`, the annotations that
    make them (oldest first, authors joined): two queries a page. Hidden claims, taggings,
    evidence and sources are there (and counted) only for their authors and moderators."""
    visible_annotations = Annotation.objects.filter(hidden_filter(user))
    visible_links = EvidenceLink.objects.filter(hidden_filter(user, prefix="evidence__"))
    return Claim.objects.filter(hidden_filter(user, author_field="created_by")).annotate(
        annotation_count=_count(visible_annotations),
        evidence_for=_count(visible_links.filter(stance=Stance.SUPPORTS)),
        evidence_against=_count(visible_links.filter(stance=Stance.REFUTES)),
        source_count=_count(Source.objects.filter(hidden_filter(user))),
    ).prefetch_related(
        Prefetch(
            "annotations",
            queryset=visible_annotations.select_related("author")
            .only("claim", "author__username")
            .order_by("created_at", "pk"),
            to_attr="taggings",
        )
    )


def _claim_visible(user: Viewer) -> Q:
    return hidden_filter(user, prefix="claim__", author_field="created_by")


def evidence_list(claim_id: int, *, user: Viewer) -> QuerySet[EvidenceLink]:
    """The evidence linked to a claim that `user` may see (none if the claim is hidden from
    them), newest first, each with its annotation, the annotation's article and the revision
    text its quote is read from."""
    return (
        EvidenceLink.objects.filter(hidden_filter(user, prefix="evidence__"), claim_id=claim_id)
        .filter(_claim_visible(user))
        .select_related("author", "evidence__author", "evidence__article")
        .prefetch_related("evidence__anchored_revision")
    )


def source_list(claim_id: int, *, user: Viewer) -> QuerySet[Source]:
    """The sources attached to a claim that `user` may see (none if the claim is hidden from
    them), newest first; a passage's revision comes as its number."""
    return (
        Source.objects.filter(hidden_filter(user), _claim_visible(user), claim_id=claim_id)
        .select_related("author", "passage_article", "claim")
        .annotate(passage_revision_number=F("passage_revision__number"))
    )


@dataclass(frozen=True)
class PassageHit:
    """A sentence of an article's current text that contains the searched words."""

    article_id: int
    article_title: str
    sentence_id: int
    start: int
    end: int
    text: str


def corpus_search(query: str, *, limit: int = 50, exclude_article_id: int | None = None) -> list[PassageHit]:
    """Annotatable sentences of the articles' current revisions that contain `query`, ignoring
    case, at most `limit`, in the order the articles were added.

    The database narrows the articles down; each one's sentences are then matched in Python,
    read SEARCH_BATCH articles per query. SQLite folds the case of ASCII letters only, so the
    query is also looked up in lower, upper and title case for accented words.
    """
    needle = unicodedata.normalize("NFC", query).strip()
    if not needle or limit <= 0:
        return []
    pattern = re.compile(re.escape(needle), re.IGNORECASE)
    variants = {needle, needle.lower(), needle.upper(), needle.title()}
    articles = Article.objects.filter(reduce(or_, (Q(current_revision__text__icontains=v) for v in variants)))
    if exclude_article_id is not None:
        articles = articles.exclude(pk=exclude_article_id)
    rows = articles.order_by("pk").values_list("pk", "title", "current_revision_id", "current_revision__text")
    hits: list[PassageHit] = []
    iterator = rows.iterator(chunk_size=SEARCH_BATCH)
    while batch := list(islice(iterator, SEARCH_BATCH)):
        texts = {revision_id: (pk, title, text) for pk, title, revision_id, text in batch}
        sentences = Sentence.objects.filter(revision_id__in=texts, kind__in=Sentence.ANNOTATABLE).values_list(
            "revision_id", "start", "end", "pk"
        )
        found = sorted(
            (texts[revision_id][0], start, end, sentence_id, revision_id)
            for revision_id, start, end, sentence_id in sentences
            if pattern.search(texts[revision_id][2], start, end)
        )
        for article_id, start, end, sentence_id, revision_id in found:
            _, title, text = texts[revision_id]
            hits.append(PassageHit(article_id, title, sentence_id, start, end, text[start:end]))
            if len(hits) == limit:
                return hits
    return hits
