"""A small world for the permission matrices and the hidden-item tests: an article by the
"author" persona with a claim, evidence linked to it and a source on it, plus the means to
tell whether anything was written (`snapshot`)."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from annotations.models import (
    Annotation,
    Article,
    Claim,
    EvidenceLink,
    Revision,
    Source,
    Vote,
)
from annotations.services.claims import evidence_link_create, source_create
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

OTHER_TEXT = "Another Article\nRoads cost little here. Repairs are cheap.\nThat is all."


@dataclass
class World:
    article: Article
    annotation: Annotation
    """The author's claim-tagged annotation on CRITICS."""
    claim: Claim
    evidence: Annotation
    """The author's evidence annotation in another article, linked to the claim."""
    link: EvidenceLink
    source: Source
    other: Article
    mine: Annotation | None = None
    """An evidence annotation of the persona under test (see `own_evidence`)."""


def build_world(author) -> World:
    article = ArticleFactory(text=TEXT, created_by=author)
    annotation = AnnotationFactory(author=author, article=article, tag="claim", quote=CRITICS, note="Too vague")
    other = ArticleFactory(text=OTHER_TEXT)
    evidence = AnnotationFactory(author=author, article=other, tag="evidence", quote="Roads cost little here.")
    link = evidence_link_create(author=author, evidence=evidence, claim_id=annotation.claim_id, stance="refutes")
    source = source_create(
        author=author, claim_id=annotation.claim_id, stance="contradicts", url="https://example.org/a", title="A report"
    )
    return World(article, annotation, annotation.claim, evidence, link, source, other)


def own_evidence(user, world: World) -> Annotation:
    """An evidence annotation of `user`'s (made for someone else, then handed over: silenced
    and suspended people cannot make one any more)."""
    evidence = AnnotationFactory(author=UserFactory(), article=world.other, tag="evidence", quote="Repairs are cheap.")
    Annotation.objects.filter(pk=evidence.pk).update(author=user)
    evidence.refresh_from_db()
    return evidence


def hide(item, reason: str = "Spam, by the moderators") -> None:
    """Hide an item as the moderation services do: the two fields every hideable item has."""
    type(item).objects.filter(pk=item.pk).update(hidden_at=timezone.now(), hidden_reason=reason)
    item.refresh_from_db()


def snapshot() -> tuple:
    """Everything the write endpoints under test can change."""
    return (
        list(Annotation.objects.order_by("pk").values_list("pk", "tag", "note")),
        list(Vote.objects.order_by("pk").values_list("pk", "value")),
        list(EvidenceLink.objects.order_by("pk").values_list("pk", "stance")),
        list(Source.objects.order_by("pk").values_list("pk")),
        list(Article.objects.order_by("pk").values_list("pk", "current_revision_id")),
        Revision.objects.count(),
        list(Claim.objects.order_by("pk").values_list("pk")),
    )


FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""For tests that make many users: hashing their passwords properly costs most of their time."""
