"""Creating articles and splitting their revisions into sentences."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations.models import Article, Revision, Sentence
from annotations.policy import Act, require
from annotations.text.convert import ConversionError, decode_upload, guess_format, to_text
from annotations.text.document import Document, analyse
from annotations.text.normalise import content_hash, normalise

TITLE_MAX = 300


class ArticleError(ValueError):
    """Input that cannot become an article; the message is meant for the user."""

    def __init__(self, message: str, *, field: str = "text") -> None:
        super().__init__(message)
        self.field = field


class DuplicateArticle(ArticleError):
    def __init__(self, existing: Article) -> None:
        super().__init__(f"This text is already in the corpus as “{existing.title}” (#{existing.pk}).")
        self.existing = existing


@dataclass(frozen=True)
class ArticleMetadata:
    title: str | None = None
    author: str | None = None
    source: str | None = None
    published: dt.date | None = None
    language: str | None = None


def _fallback_title(text: str) -> str:
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "Untitled")
    return first_line if len(first_line) <= 80 else first_line[:79].rstrip() + "…"


def _head(text: str, limit: int = 8000) -> str:
    """The opening paragraphs, enough to find a title and by-line without segmenting everything."""
    cut = text.find("\n", limit)
    return text if cut == -1 else text[:cut]


def article_body(text: str, *, fmt: str) -> str:
    """The stored text of an article given as text, Markdown or HTML; ArticleError when it
    cannot be converted or has no text."""
    try:
        body = normalise(to_text(text, fmt=fmt))
    except ConversionError as error:
        raise ArticleError(str(error)) from error
    if not body.strip():
        raise ArticleError("The article has no text.")
    return body


@dataclass(frozen=True)
class ArticleDraft:
    """Given text made ready to save: the stored body and its hash, the article's fields, and
    its document; `synchronous` when the text is short enough to segment now (else the
    document is only its head's, and a worker segments the rest)."""

    body: str
    digest: str
    fields: dict
    document: Document
    synchronous: bool


def article_draft(*, text: str, fmt: str, metadata: ArticleMetadata) -> ArticleDraft:
    """Convert, normalise and analyse given text; ArticleError when it has no text."""
    body = article_body(text, fmt=fmt)
    synchronous = len(body) <= settings.REDNOTE_SYNC_SEGMENT_CHARS
    document = analyse(body if synchronous else _head(body), title=metadata.title, author=metadata.author)
    fields = dict(
        title=(metadata.title or document.title or _fallback_title(body))[:TITLE_MAX],
        author=metadata.author or document.byline or "",
        source=metadata.source or "",
        published=metadata.published,
        language=metadata.language or "en",
    )
    return ArticleDraft(body=body, digest=content_hash(body), fields=fields, document=document, synchronous=synchronous)


@transaction.atomic
def article_create(
    *,
    text: str,
    fmt: str = "text",
    metadata: ArticleMetadata = ArticleMetadata(),
    created_by: AbstractBaseUser | None = None,
) -> Article:
    """Save a new article from pasted or decoded text; segment now, or in a worker when long.

    Raises NotAllowed when `created_by` may not add articles (imports by the system pass none),
    ArticleError for empty input and DuplicateArticle when the same text exists.
    """
    if created_by is not None:
        require(created_by, Act.ADD_ARTICLE)
    draft = article_draft(text=text, fmt=fmt, metadata=metadata)
    existing = Revision.objects.filter(content_hash=draft.digest).select_related("article").first()
    if existing is not None:
        raise DuplicateArticle(existing.article)

    article = Article.objects.create(
        **draft.fields, created_by=created_by if created_by and created_by.is_authenticated else None
    )
    revision = Revision.objects.create(
        article=article, number=1, text=draft.body, content_hash=draft.digest, created_by=article.created_by
    )
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    if draft.synchronous:
        _store_sentences(revision=revision, document_sentences=draft.document.sentences)
    else:
        from annotations.tasks import segment_revision

        transaction.on_commit(lambda: segment_revision.delay(revision.pk))
    return article


def article_import_file(
    *,
    data: bytes,
    filename: str,
    metadata: ArticleMetadata = ArticleMetadata(),
    created_by: AbstractBaseUser | None = None,
) -> Article:
    """Decode an uploaded or imported file (.txt, .md, .html) and create its article."""
    text, fmt = decode_file(data=data, filename=filename)
    return article_create(text=text, fmt=fmt, metadata=metadata, created_by=created_by)


def decode_file(*, data: bytes, filename: str) -> tuple[str, str]:
    """The text of an uploaded or imported file and its format (by its name); ArticleError
    (on the file) for a format or encoding it cannot be read in, or a file too large."""
    try:
        fmt = guess_format(filename)
        return decode_upload(data, max_bytes=settings.REDNOTE_MAX_UPLOAD_BYTES), fmt
    except ConversionError as error:
        raise ArticleError(str(error), field="file") from error


def sentences_of(revision: Revision, document_sentences) -> Iterator[Sentence]:
    """Unsaved sentence rows of a revision, from its analysed document."""
    for s in document_sentences:
        yield Sentence(revision=revision, index=s.index, start=s.start, end=s.end, paragraph=s.paragraph, kind=s.kind)


def annotatable_count(document_sentences) -> int:
    """How many sentences readers can annotate: the number the article list shows, stored."""
    return sum(1 for s in document_sentences if s.kind in Sentence.ANNOTATABLE)


def _store_sentences(*, revision: Revision, document_sentences) -> None:
    Sentence.objects.bulk_create(sentences_of(revision, document_sentences))
    revision.segmented_at = timezone.now()
    revision.sentence_count = annotatable_count(document_sentences)
    revision.save(update_fields=["segmented_at", "sentence_count"])


@transaction.atomic
def revision_segment(*, revision_id: int) -> Revision:
    """Split a revision into sentences. Idempotent: a segmented revision is left as it is."""
    revision = Revision.objects.select_for_update().select_related("article").get(pk=revision_id)
    if revision.segmented_at is not None:
        return revision
    revision.sentences.all().delete()
    article = revision.article
    document = analyse(revision.text, title=article.title, author=article.author or None)
    _store_sentences(revision=revision, document_sentences=document.sentences)
    return revision


def parse_published(value: str | None) -> dt.date | None:
    """Manifest and form dates are ISO 8601 (YYYY-MM-DD); anything else is an error."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ArticleError(f"“{value}” is not a date (YYYY-MM-DD).", field="published") from error


def metadata_from_manifest(entry: dict) -> ArticleMetadata:
    return ArticleMetadata(
        title=entry.get("title") or None,
        author=entry.get("author") or None,
        source=entry.get("source") or None,
        published=parse_published(entry.get("published")),
        language=entry.get("language") or None,
    )


def article_import_path(
    *, path: Path, metadata: ArticleMetadata = ArticleMetadata(), created_by=None
) -> Article:
    """Import one file from disk; oversized files are refused before they are read."""
    return article_import_file(data=read_import_file(path), filename=path.name, metadata=metadata, created_by=created_by)


def read_import_file(path: Path) -> bytes:
    """The bytes of a file to import; ArticleError without reading it when it is too large,
    OSError when it cannot be read."""
    limit = settings.REDNOTE_MAX_UPLOAD_BYTES
    if path.stat().st_size > limit:
        raise ArticleError(f"File is larger than {limit / 1024 / 1024:.1f} MB.", field="file")
    return path.read_bytes()
