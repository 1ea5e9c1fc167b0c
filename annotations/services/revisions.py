"""Revising an article's text: a new revision, and every annotation re-anchored onto it."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from annotations.models import AnchorState, Annotation, Article, Claim, Revision, Sentence
from annotations.policy import Act, require
from annotations.services.annotations import article_touch, selector_of
from annotations.services.articles import ArticleError, article_body, revision_segment
from annotations.services.audit import audit_change_by_other
from annotations.text.anchor import Selector, describe, reanchor_all
from annotations.text.normalise import content_hash


def _current_selector(annotation: Annotation, text: str) -> Selector:
    """Where the annotation is now, described afresh on the text it is anchored to; an orphan
    keeps looking for its original quote."""
    if annotation.start is None:
        return selector_of(annotation)
    return describe(text, annotation.start, annotation.end)


@transaction.atomic
def article_revise(*, article: Article, text: str, user: AbstractBaseUser, fmt: str = "text") -> Revision:
    """Save `text` as the article's new current revision and move its annotations with it.

    Annotations that cannot be found in the new text are kept, marked orphaned.
    """
    # Lock the article alone, then read its current revision: joined into the locking query,
    # a revision saved while we waited would be re-read as missing.
    article = Article.objects.select_for_update().get(pk=article.pk)
    require(user, Act.REVISE_ARTICLE, article)
    body = article_body(text, fmt=fmt)
    old = article.current_revision
    if content_hash(body) == old.content_hash:
        raise ArticleError("The text is unchanged.")

    revision = Revision.objects.create(
        article=article, number=old.number + 1, text=body, content_hash=content_hash(body), created_by=user
    )
    revision_segment(revision_id=revision.pk)
    article.current_revision = revision
    article.save(update_fields=["current_revision"])
    audit_change_by_other(
        actor=user, author=article.created_by, action="revise", target_type="article", target_id=article.pk,
        before={"revision": old.number}, after={"revision": revision.number},
    )
    _reanchor(article=article, old=old, revision=revision)
    article_touch(article_id=article.pk)
    return revision


def _reanchor(*, article: Article, old: Revision, revision: Revision) -> None:
    annotations = list(Annotation.objects.filter(article=article).order_by("pk"))
    texts = {old.pk: old.text}
    elsewhere = {a.anchored_revision_id for a in annotations} - texts.keys()
    texts.update(Revision.objects.filter(pk__in=elsewhere).values_list("pk", "text"))
    by_origin: dict[int, list[Annotation]] = defaultdict(list)
    for annotation in annotations:
        by_origin[annotation.anchored_revision_id].append(annotation)
    for origin, group in by_origin.items():
        old_text = texts[origin]
        selectors = [_current_selector(a, old_text) for a in group]
        for annotation, landing in zip(group, reanchor_all(old_text, revision.text, selectors), strict=True):
            annotation.anchored_revision = revision
            annotation.start, annotation.end = landing.start, landing.end
            annotation.anchor_method, annotation.anchor_score = landing.method, landing.score
            annotation.anchor_state = AnchorState.ANCHORED if landing.anchored else AnchorState.ORPHANED
    Annotation.objects.bulk_update(
        annotations, ["anchored_revision", "start", "end", "anchor_method", "anchor_score", "anchor_state"]
    )
    _set_sentences(article=article, revision=revision, annotations=annotations)
    _move_claims(article=article, annotations=annotations, old_text=old.text, new_text=revision.text)


def _set_sentences(*, article: Article, revision: Revision, annotations: list[Annotation]) -> None:
    """Point each annotation at the annotatable sentences it now overlaps, in a constant number
    of queries: the sentences are read once and matched by bisection (they are sorted and do
    not overlap, so their ends are sorted too)."""
    spans = list(
        revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("start").values_list("pk", "start", "end")
    )
    starts = [start for _, start, _ in spans]
    ends = [end for _, _, end in spans]
    through = Annotation.sentences.through
    through.objects.filter(annotation__article=article).delete()
    rows = []
    for annotation in annotations:
        if annotation.start is None:
            continue
        first = bisect_right(ends, annotation.start)  # the first sentence ending after the start
        stop = bisect_left(starts, annotation.end)  # past the last sentence starting before the end
        rows += [through(annotation_id=annotation.pk, sentence_id=spans[i][0]) for i in range(first, stop)]
    through.objects.bulk_create(rows)


def _move_claims(*, article: Article, annotations: list[Annotation], old_text: str, new_text: str) -> None:
    """A claim sits where its first anchored annotation now is, and is orphaned when none is.
    A claim nobody tags any more (kept for its evidence and sources) is found by its own span."""
    position: dict[int, tuple[int | None, int | None]] = {}
    tagged: set[int] = set()
    for annotation in annotations:  # oldest first
        if annotation.claim_id is not None:
            tagged.add(annotation.claim_id)
            if annotation.start is not None:
                position.setdefault(annotation.claim_id, (annotation.start, annotation.end))
    claims = list(Claim.objects.filter(article=article))
    untagged = [claim for claim in claims if claim.pk not in tagged and claim.start is not None]
    landings = reanchor_all(old_text, new_text, [describe(old_text, c.start, c.end) for c in untagged])
    for claim, landing in zip(untagged, landings, strict=True):
        position[claim.pk] = (landing.start, landing.end)
    for claim in claims:
        claim.start, claim.end = position.get(claim.pk, (None, None))
    Claim.objects.bulk_update(claims, ["start", "end"])
