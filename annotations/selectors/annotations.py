"""Annotation reads for the API: lists without N+1, where each annotation is now, its history."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, QuerySet

from annotations.models import Annotation, AnnotationEdit, Sentence
from annotations.policy import hidden_filter
from annotations.services.annotations import selector_of
from annotations.text.anchor import Selector, describe


def annotation_list(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Annotation]:
    """The annotations `user` may see (hidden ones only for their authors and moderators), with
    everything their API representation reads, in four queries a page: the author joined, and
    the covered sentence ids and the revision text prefetched (the revision once per page, not
    once per row)."""
    return Annotation.objects.filter(hidden_filter(user)).select_related("author").prefetch_related(
        "anchored_revision",
        Prefetch("sentences", queryset=Sentence.objects.only("id").order_by("index")),
    )


def current_selector(annotation: Annotation) -> Selector:
    """The annotation's span, quote and context on the revision its offsets refer to (the
    article's current one); an orphan's are those of the quote it was made on."""
    if annotation.start is None:
        return selector_of(annotation)
    return describe(annotation.anchored_revision.text, annotation.start, annotation.end)


def annotation_history(annotation: Annotation) -> QuerySet[AnnotationEdit]:
    """What the annotation was before each edit, newest first."""
    return annotation.edits.select_related("editor")
