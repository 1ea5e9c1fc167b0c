"""What can be flagged and moderated, loaded uniformly: a comment, an annotation, a source or a
claim, with its author and where it is shown (the claim whose page or thread shows it, the
article it sits in). Shared by the flag and moderation services."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from annotations.models import Annotation, Claim, Comment, Source, TargetType
from annotations.services.annotations import article_touch, evidence_claim_articles

MODELS: dict[str, type[models.Model]] = {
    TargetType.COMMENT: Comment,
    TargetType.ANNOTATION: Annotation,
    TargetType.SOURCE: Source,
    TargetType.CLAIM: Claim,
}
# Shown in notifications and messages: "your comment", "an annotation" ...
NOUNS = {
    TargetType.COMMENT: "comment",
    TargetType.ANNOTATION: "annotation",
    TargetType.SOURCE: "source",
    TargetType.CLAIM: "claim",
}


@dataclass
class Target:
    type: str
    obj: models.Model
    author_id: int | None
    claim_id: int | None
    article_id: int | None
    claim: Claim | None

    @property
    def id(self) -> int:
        return self.obj.pk

    @property
    def noun(self) -> str:
        return NOUNS[self.type]

    def url(self) -> str:
        """Where a person finds the item: its thread, its claim page, or its place in the reader."""
        if self.type == TargetType.COMMENT:
            return self.obj.get_absolute_url()
        if self.type == TargetType.ANNOTATION:
            return f"/articles/{self.article_id}/#annotation-{self.id}"
        return f"/claims/{self.claim_id}/"

    def state(self) -> dict:
        """What the audit log keeps of the item: visibility, and enough to say what it was."""
        obj = self.obj
        snapshot = {"hidden_at": obj.hidden_at, "hidden_reason": obj.hidden_reason}
        if self.type == TargetType.COMMENT:
            snapshot |= {"deleted_at": obj.deleted_at, "body": obj.body, "claim": obj.claim_id}
        elif self.type == TargetType.ANNOTATION:
            snapshot |= {
                "tag": obj.tag, "exact": obj.exact, "note": obj.note, "article": obj.article_id,
                "start": obj.start, "end": obj.end, "claim": obj.claim_id,
            }
        elif self.type == TargetType.SOURCE:
            snapshot |= {
                "kind": obj.kind, "stance": obj.stance, "url": obj.url, "title": obj.title,
                "passage_quote": obj.passage_quote, "note": obj.note, "claim": obj.claim_id,
            }
        else:
            snapshot |= {"quote": obj.quote, "article": obj.article_id}
        return snapshot


def target_load(target_type: str, target_id: int, *, lock: bool = False) -> Target | None:
    """The item, or None when there is no such item (or `target_type` names no kind of item)."""
    model = MODELS.get(target_type)
    if model is None:
        return None
    queryset = model.objects.all()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    if target_type in (TargetType.COMMENT, TargetType.SOURCE):
        queryset = queryset.select_related("claim")
    obj = queryset.filter(pk=target_id).first()
    if obj is None:
        return None
    if target_type == TargetType.CLAIM:
        return Target(target_type, obj, obj.created_by_id, obj.pk, obj.article_id, obj)
    if target_type == TargetType.ANNOTATION:
        return Target(target_type, obj, obj.author_id, obj.claim_id, obj.article_id, None)
    return Target(target_type, obj, obj.author_id, obj.claim_id, obj.claim.article_id, obj.claim)


def target_set_hidden(target: Target, *, reason: str | None) -> None:
    """Hide the item with `reason`, or show it again (`reason` None)."""
    hidden_at = timezone.now() if reason is not None else None
    target.obj.hidden_at, target.obj.hidden_reason = hidden_at, reason or ""
    type(target.obj).objects.filter(pk=target.id).update(hidden_at=hidden_at, hidden_reason=reason or "")


def target_touch(target: Target) -> None:
    """Move the change stamps that live pages poll: the claim's thread, the article's layer, and
    for evidence the articles of the claims it is linked to (their claim pages list it)."""
    if target.claim_id is not None and target.type != TargetType.ANNOTATION:
        Claim.objects.filter(pk=target.claim_id).update(thread_changed_at=timezone.now())
    articles = {target.article_id} - {None}
    if target.type == TargetType.ANNOTATION:
        articles |= evidence_claim_articles(target.id)
    for article_id in sorted(articles):
        article_touch(article_id=article_id)
