"""Importing many articles at once (`manage.py import_articles`): the same articles as
`article_create` makes one by one, written with a handful of bulk statements per batch of
files instead of eight statements and a commit per file."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.utils import timezone

from annotations.models import Article, Revision, Sentence
from annotations.services.articles import (
    ArticleDraft,
    ArticleError,
    ArticleMetadata,
    DuplicateArticle,
    annotatable_count,
    article_draft,
    decode_file,
    sentences_of,
)
from annotations.services.bulk import BATCH


@dataclass(frozen=True)
class ImportFile:
    """A file to import: its name (which says its format), its bytes and its metadata."""

    name: str
    data: bytes
    metadata: ArticleMetadata = ArticleMetadata()


@transaction.atomic
def articles_import(*, files: Sequence[ImportFile]) -> list[Article | ArticleError]:
    """An article from each file, by the system (no creator), in one transaction.

    Returns, for each file in order, its new article or the ArticleError that kept it out:
    DuplicateArticle for text already in the corpus or given earlier in `files`. Long texts
    are segmented by a worker after commit, as `article_create` does.
    """
    outcomes: list[Article | ArticleError | None] = [None] * len(files)
    drafts: list[tuple[int, ArticleDraft]] = []
    for position, file in enumerate(files):
        try:
            text, fmt = decode_file(data=file.data, filename=file.name)
            drafts.append((position, article_draft(text=text, fmt=fmt, metadata=file.metadata)))
        except ArticleError as error:
            outcomes[position] = error
    stored = {
        revision.content_hash: revision.article
        for revision in Revision.objects.filter(content_hash__in={draft.digest for _, draft in drafts}).select_related("article")
    }
    first: dict[str, int] = {}  # digest -> position of the file that brings that text
    new: list[tuple[int, ArticleDraft]] = []
    for position, draft in drafts:
        if draft.digest in stored:
            outcomes[position] = DuplicateArticle(stored[draft.digest])
        elif draft.digest not in first:
            first[draft.digest] = position
            new.append((position, draft))
    articles = Article.objects.bulk_create([Article(**draft.fields) for _, draft in new], batch_size=BATCH)
    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        [
            Revision(article=article, number=1, text=draft.body, content_hash=draft.digest,
                     segmented_at=now if draft.synchronous else None,
                     sentence_count=annotatable_count(draft.document.sentences) if draft.synchronous else 0)
            for article, (_, draft) in zip(articles, new, strict=True)
        ],
        batch_size=BATCH,
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.current_revision = revision
    Article.objects.bulk_update(articles, ["current_revision"], batch_size=BATCH)
    Sentence.objects.bulk_create(
        (
            sentence
            for revision, (_, draft) in zip(revisions, new, strict=True) if draft.synchronous
            for sentence in sentences_of(revision, draft.document.sentences)
        ),
        batch_size=BATCH,
    )
    from annotations.tasks import segment_revision

    for revision, (_, draft) in zip(revisions, new, strict=True):
        if not draft.synchronous:
            transaction.on_commit(partial(segment_revision.delay, revision.pk))
    for article, (position, _) in zip(articles, new, strict=True):
        outcomes[position] = article
    for position, draft in drafts:
        if outcomes[position] is None:  # the same text as an earlier file
            outcomes[position] = DuplicateArticle(outcomes[first[draft.digest]])
    return outcomes
