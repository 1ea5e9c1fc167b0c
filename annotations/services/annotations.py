"""Annotating: create, edit and delete annotations; claims are joined or made on the way."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations.models import (
    Annotation,
    AnnotationEdit,
    Article,
    Claim,
    EvidenceLink,
    Revision,
    Sentence,
    Tag,
    TargetType,
)
from annotations.policy import Act, NotAllowed, Refusal, require
from annotations.services.audit import audit_change_by_other
from annotations.services.ratelimits import ratelimit_consume
from annotations.text.anchor import AnchorError, Selector, anchor, describe
from annotations.text.notes import NOTE_MAX_CHARS, render_note


class AnnotationError(ValueError):
    """Bad input for an annotation; `field` names what is at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyPosted(Exception):
    """The same person already posted the same thing (annotation or source): `existing` is it.
    Posting twice makes one row; callers answer with the existing one as a success."""

    def __init__(self, existing) -> None:
        super().__init__("You already posted this.")
        self.existing = existing


def _check_tag(tag: str) -> None:
    if tag not in Tag.values:
        raise AnnotationError(f"“{tag}” is not a tag; use one of {', '.join(Tag.values)}.", field="tag")


def _check_note(note: str) -> None:
    if len(note) > NOTE_MAX_CHARS:
        raise AnnotationError(f"Notes are at most {NOTE_MAX_CHARS:,} characters.", field="note")


def _locked_annotation(pk: int) -> Annotation:
    """The annotation, locked; one deleted meanwhile (a concurrent delete won) is not found."""
    annotation = Annotation.objects.select_for_update().filter(pk=pk).first()
    if annotation is None:
        raise NotAllowed("That annotation does not exist (it may have been deleted).", code=Refusal.NOT_FOUND)
    return annotation


def covered_sentences(revision: Revision, start: int, end: int) -> list[Sentence]:
    """The annotatable sentences of `revision` that overlap [start, end)."""
    return list(
        revision.sentences.filter(start__lt=end, end__gt=start, kind__in=Sentence.ANNOTATABLE).order_by("index")
    )


def article_touch(*, article_id: int) -> None:
    """Move the article's change stamp, which live readers poll."""
    Article.objects.filter(pk=article_id).update(annotations_changed_at=timezone.now())


def _claim_for(*, article: Article, start: int, end: int, quote: str, user) -> Claim:
    """The claim on exactly this span of the current text, made if nobody has tagged it yet."""
    claim = Claim.objects.select_for_update().filter(article=article, start=start, end=end).first()
    return claim or Claim.objects.create(article=article, start=start, end=end, quote=quote, created_by=user)


def _describe(text: str, start: int, end: int) -> Selector:
    try:
        return describe(text, start, end)
    except AnchorError as error:
        raise AnnotationError(str(error), field=error.field) from error


def _check_quote(selector: Selector, quote: str | None) -> None:
    if quote is not None and selector.exact != quote:
        raise AnnotationError("The quote does not match the text at those offsets.", field="quote")


def _resolve_span(
    *, article: Article, start: int, end: int, quote: str | None, revision_number: int | None
) -> Selector:
    """The span on the current revision. Offsets made on an older revision are re-anchored."""
    current = article.current_revision
    if revision_number is None or revision_number == current.number:
        selector = _describe(current.text, start, end)
        _check_quote(selector, quote)
        return selector
    try:
        old = article.revisions.get(number=revision_number)
    except Revision.DoesNotExist:
        raise AnnotationError(f"The article has no revision {revision_number}.", field="revision") from None
    selector = _describe(old.text, start, end)
    _check_quote(selector, quote)
    landing = anchor(current.text, selector)
    if not landing.anchored:
        raise AnnotationError(
            "The article changed since you loaded it and this passage is gone; reload and try again.",
            field="revision",
        )
    return _describe(current.text, landing.start, landing.end)


@transaction.atomic
def annotation_create(
    *,
    author: AbstractBaseUser,
    article: Article,
    start: int,
    end: int,
    tag: str,
    note: str = "",
    quote: str | None = None,
    revision_number: int | None = None,
) -> Annotation:
    """Tag the span [start, end) of the article's current text (or of `revision_number`).

    Raises AlreadyPosted when the author already tagged this span with this tag: the check runs
    under the article's row lock, so concurrent duplicates collapse too."""
    require(author, Act.ANNOTATE, article)
    ratelimit_consume(user=author, scope="annotation")
    _check_tag(tag)
    _check_note(note)
    # Locked: a revision saved meanwhile would re-anchor every annotation but this one. The
    # revision is read after the lock (joined into it, one saved meanwhile would read as missing).
    article = Article.objects.select_for_update().get(pk=article.pk)
    revision = article.current_revision
    if revision is None or revision.segmented_at is None:
        raise AnnotationError("This article is still being split into sentences; try again shortly.", field="article")
    selector = _resolve_span(article=article, start=start, end=end, quote=quote, revision_number=revision_number)
    sentences = covered_sentences(revision, selector.start, selector.end)
    if not sentences:
        raise AnnotationError("That passage is not part of the article's annotatable text.", field="start")
    existing = Annotation.objects.filter(
        article=article, author=author, tag=tag, start=selector.start, end=selector.end
    ).first()
    if existing is not None:
        raise AlreadyPosted(existing)

    claim = None
    if tag == Tag.CLAIM:
        claim = _claim_for(article=article, start=selector.start, end=selector.end, quote=selector.exact, user=author)
    annotation = Annotation.objects.create(
        article=article,
        revision=revision,
        anchored_revision=revision,
        author=author,
        tag=tag,
        note=note,
        note_html=render_note(note),
        claim=claim,
        selector_start=selector.start,
        selector_end=selector.end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        start=selector.start,
        end=selector.end,
    )
    annotation.sentences.set(sentences)
    article_touch(article_id=article.pk)
    return annotation


@transaction.atomic
def annotation_update(
    *, annotation: Annotation, user: AbstractBaseUser, tag: str | None = None, note: str | None = None
) -> Annotation:
    """Change the tag or note, keeping the previous version in the history."""
    annotation = _locked_annotation(annotation.pk)
    require(user, Act.EDIT, annotation)
    new_tag = annotation.tag if tag is None else tag
    new_note = annotation.note if note is None else note
    _check_tag(new_tag)
    _check_note(new_note)
    if (new_tag, new_note) == (annotation.tag, annotation.note):
        return annotation
    AnnotationEdit.objects.create(annotation=annotation, editor=user, tag=annotation.tag, note=annotation.note)
    audit_change_by_other(
        actor=user, author=annotation.author, action="edit", target_type=TargetType.ANNOTATION,
        target_id=annotation.pk, before={"tag": annotation.tag, "note": annotation.note},
        after={"tag": new_tag, "note": new_note},
    )
    previous_claim_id = annotation.claim_id
    if new_tag != annotation.tag:
        annotation.claim = None
        if new_tag == Tag.CLAIM and annotation.start is not None:
            annotation.claim = _claim_for(
                article=annotation.article, start=annotation.start, end=annotation.end,
                quote=annotation.exact, user=user,
            )
        annotation.tag = new_tag
    annotation.note = new_note
    annotation.note_html = render_note(new_note)
    annotation.save()
    if annotation.claim_id != previous_claim_id:
        _drop_claim_if_abandoned(previous_claim_id)
    article_touch(article_id=annotation.article_id)
    return annotation


def _drop_claim_if_abandoned(claim_id: int | None) -> None:
    """A claim nobody tags any more goes, unless people already vote or argue about it."""
    if claim_id is None:
        return
    Claim.objects.filter(
        pk=claim_id,
        annotations__isnull=True,
        evidence_links__isnull=True,
        sources__isnull=True,
        votes__isnull=True,
    ).delete()


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user: AbstractBaseUser) -> None:
    annotation = _locked_annotation(annotation.pk)
    require(user, Act.DELETE, annotation)
    audit_change_by_other(
        actor=user, author=annotation.author, action="delete", target_type=TargetType.ANNOTATION,
        target_id=annotation.pk, before={"tag": annotation.tag, "note": annotation.note, "quote": annotation.exact},
        after={},
    )
    annotation_remove(annotation=annotation)


def annotation_remove(*, annotation: Annotation) -> None:
    """The deletion itself, inside the caller's transaction: for the moderation queue, which asks
    the policy and writes the audit row of its own resolution."""
    claim_id, article_id = annotation.claim_id, annotation.article_id
    linked = evidence_claim_articles(annotation.pk)
    annotation.delete()
    _drop_claim_if_abandoned(claim_id)
    for touched in sorted(linked | {article_id}):
        article_touch(article_id=touched)


def evidence_claim_articles(annotation_id: int) -> set[int]:
    """The articles of the claims an annotation is evidence for: their claim pages list it and
    their consensus counts it, so its hiding or deletion moves their stamps too."""
    return set(EvidenceLink.objects.filter(evidence_id=annotation_id).values_list("claim__article_id", flat=True))


def selector_of(annotation: Annotation) -> Selector:
    return Selector(
        start=annotation.selector_start,
        end=annotation.selector_end,
        exact=annotation.exact,
        prefix=annotation.prefix,
        suffix=annotation.suffix,
    )

