"""Article reads for the list, the reader and the API."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from annotations.models import Annotation, Article, Sentence
from annotations.read_cache import cached, read_key
from annotations.selectors.read_keys import ArticleStamps, article_stamps, layer_key, viewer_class
from annotations.selectors.reader import (
    AnnotationLayer,
    Marker,
    Viewer,
    annotation_layer,
    orphaned_annotations,
)


def article_list() -> QuerySet[Article]:
    """Articles with the number of annotatable sentences in their current revision, as stored
    when it was segmented (never counted per request: the list must not slow as the corpus grows)."""
    return Article.objects.annotate(
        sentence_count=Coalesce(F("current_revision__sentence_count"), Value(0))
    ).order_by("-created_at", "-id")


@dataclass(frozen=True)
class Stamp:
    """What a response depends on, for conditional GETs: an ETag and a Last-Modified time."""

    etag: str
    last_modified: dt.datetime | None


def _digest(values) -> str:
    return hashlib.blake2b(repr(tuple(values)).encode(), digest_size=12).hexdigest()


def article_stamp(article_id: int) -> Stamp | None:
    """The stamp of an article's detail (None if there is no such article), in one query: its
    own fields, its current revision (text and sentences never change once segmented) and when
    that revision was segmented. Annotations are not part of the detail, so they do not move it."""
    row = (
        Article.objects.filter(pk=article_id)
        .values_list(
            "title", "author", "source", "published", "language", "created_at", "changed_at",
            "current_revision_id", "current_revision__segmented_at",
        )
        .first()
    )
    if row is None:
        return None
    moments = [moment for moment in (row[5], row[6], row[8]) if moment is not None]
    return Stamp(etag=_digest(row), last_modified=max(moments))


_ARTICLE_LIST_STAMP_SQL = """
SELECT (SELECT COUNT(*) FROM annotations_article), (SELECT MAX(id) FROM annotations_article),
       (SELECT MAX(changed_at) FROM annotations_article), (SELECT MAX(current_revision_id) FROM annotations_article),
       (SELECT MAX(segmented_at) FROM annotations_revision)
"""


def article_list_stamp() -> Stamp:
    """The stamp of the article list, in one query: an article added, deleted, edited, revised
    or segmented moves it. No Last-Modified: a deletion cannot move a time.

    In SQL, as separate maxima rather than one aggregate over articles joined to their
    revisions: it runs on every request for the list, and this way it costs the database a
    third and Python half of what the ORM's aggregate did."""
    with connection.cursor() as cursor:
        cursor.execute(_ARTICLE_LIST_STAMP_SQL)
        return Stamp(etag=_digest(cursor.fetchone()), last_modified=None)


@dataclass(frozen=True)
class ReaderSentence:
    id: int
    index: int
    start: int
    end: int
    text: str
    kind: str
    lead: str
    """Whitespace between the previous sentence of the paragraph and this one."""
    marker: Marker | None = None
    """How many people tagged it and as what."""


@dataclass
class ReaderParagraph:
    index: int
    kind: str
    gap: str = ""
    """The text between the previous annotatable paragraph and this one."""
    sentences: list[ReaderSentence] = field(default_factory=list)


class Reader:
    """The reader's view of an article for `user`: paragraphs of sentences, boilerplate set
    apart, and the annotations `user` may see drawn over them.

    Its parts are built on first use, and come from the reads cache while the article's stamps
    stay put (annotations/read_cache.py): the orphans, the annotation layer's data under
    `layer_key`, and the page's fragments, which its templates cache under `body_key` (the text
    with the sentences' markers), `layer_key` (the layer's script) and `consensus_key` (the
    consensus section), so that on a hit neither the sentences nor the annotations are read.
    The keys name the viewer's class, since hidden items differ between moderators, their
    authors and everyone else.
    """

    def __init__(self, article: Article, *, user: Viewer, stamps: ArticleStamps, viewer: str) -> None:
        self.article = article
        self.user = user
        revision = article.current_revision
        self.segmented = bool(revision and revision.segmented_at)
        self.sentence_count = revision.sentence_count if self.segmented else 0
        """Annotatable sentences, as stored when the revision was segmented."""
        self.body_key = read_key("reader-body", article.pk, stamps.article, stamps.annotations, viewer)
        self.layer_key = layer_key(article.pk, stamps, viewer)
        self.consensus_key = read_key(
            "reader-consensus", article.pk, stamps.article, stamps.live, stamps.agreement, viewer
        )
        """For the article's consensus section (its claims by status, its tag agreement)."""
        self._orphans_key = read_key("reader-orphans", article.pk, stamps.article, stamps.annotations, viewer)

    @cached_property
    def sentences(self) -> list[Sentence]:
        return sentences_of(self.article)

    @cached_property
    def layer(self) -> AnnotationLayer:
        return cached(self.layer_key, lambda: annotation_layer(self.article, self.sentences, user=self.user))

    @cached_property
    def orphans(self) -> list[Annotation]:
        return cached(self._orphans_key, lambda: orphaned_annotations(self.article, user=self.user))

    @property
    def paragraphs(self) -> list[ReaderParagraph]:
        return self._text[0]

    @property
    def boilerplate(self) -> list[ReaderParagraph]:
        return self._text[1]

    @cached_property
    def _text(self) -> tuple[list[ReaderParagraph], list[ReaderParagraph]]:
        """The annotatable paragraphs and the boilerplate ones, with every sentence's marker."""
        text = self.article.current_revision.text if self.article.current_revision else ""
        markers = self.layer.markers
        paragraphs: list[ReaderParagraph] = []
        boilerplate: list[ReaderParagraph] = []
        current: ReaderParagraph | None = None
        previous_end = 0
        annotatable_end: int | None = None
        for sentence in self.sentences:
            if current is None or current.index != sentence.paragraph:
                current = ReaderParagraph(index=sentence.paragraph, kind=sentence.kind)
                previous_end = sentence.start
                if sentence.kind in Sentence.ANNOTATABLE:
                    if annotatable_end is not None:
                        current.gap = text[annotatable_end : sentence.start]
                    paragraphs.append(current)
                elif sentence.kind == Sentence.Kind.BOILERPLATE:
                    boilerplate.append(current)
            current.sentences.append(
                ReaderSentence(
                    id=sentence.pk,
                    index=sentence.index,
                    start=sentence.start,
                    end=sentence.end,
                    text=text[sentence.start : sentence.end],
                    kind=sentence.kind,
                    lead=text[previous_end : sentence.start],
                    marker=markers.get(sentence.pk),
                )
            )
            previous_end = sentence.end
            if sentence.kind in Sentence.ANNOTATABLE:
                annotatable_end = sentence.end
        return paragraphs, boilerplate


def sentences_of(article: Article) -> list[Sentence]:
    revision = article.current_revision
    if revision is None:
        return []
    return list(revision.sentences.order_by("index"))


def article_reader(article_id: int, *, user: Viewer) -> Reader:
    """The reader's view of an article, its parts built when first used (see Reader): one query
    (the stamps; two for a signed-in member) when the page's parts come from the cache."""
    stamps = article_stamps(article_id)
    article = cached(
        read_key("reader-article", article_id, stamps.article),
        lambda: get_object_or_404(
            Article.objects.select_related("current_revision").defer("current_revision__text"), pk=article_id
        ),
    )
    return Reader(article, user=user, stamps=stamps, viewer=viewer_class(user, article_id=article_id))
