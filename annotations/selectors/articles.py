"""Article reads for the list, the reader and the API."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from annotations.models import Annotation, Article, Sentence
from annotations.selectors.reader import (
    AnnotationLayer,
    Marker,
    Viewer,
    annotation_layer,
    orphaned_annotations,
)


def article_list() -> QuerySet[Article]:
    """Articles with the number of annotatable sentences in their current revision."""
    return Article.objects.annotate(
        sentence_count=Count(
            "current_revision__sentences",
            filter=Q(current_revision__sentences__kind__in=Sentence.ANNOTATABLE),
        )
    ).order_by("-created_at", "-id")


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


@dataclass(frozen=True)
class Reader:
    article: Article
    paragraphs: list[ReaderParagraph]
    boilerplate: list[ReaderParagraph]
    sentence_count: int
    segmented: bool
    layer: AnnotationLayer
    orphans: list[Annotation]


def sentences_of(article: Article) -> list[Sentence]:
    revision = article.current_revision
    if revision is None:
        return []
    return list(revision.sentences.order_by("index"))


def article_reader(article_id: int, *, user: Viewer) -> Reader:
    """The reader's view of an article: paragraphs of sentences, boilerplate set apart, and the
    annotations `user` may see drawn over them. Four queries, whatever the number of
    annotations."""
    article = get_object_or_404(Article.objects.select_related("current_revision"), pk=article_id)
    text = article.current_revision.text if article.current_revision else ""
    sentences = sentences_of(article)
    layer = annotation_layer(article, sentences, user=user)
    paragraphs: list[ReaderParagraph] = []
    boilerplate: list[ReaderParagraph] = []
    current: ReaderParagraph | None = None
    previous_end = 0
    annotatable_end: int | None = None
    for sentence in sentences:
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
                marker=layer.markers.get(sentence.pk),
            )
        )
        previous_end = sentence.end
        if sentence.kind in Sentence.ANNOTATABLE:
            annotatable_end = sentence.end
    return Reader(
        article=article,
        paragraphs=paragraphs,
        boilerplate=boilerplate,
        sentence_count=sum(len(p.sentences) for p in paragraphs),
        segmented=bool(article.current_revision and article.current_revision.segmented_at),
        layer=layer,
        orphans=orphaned_annotations(article, user=user),
    )
