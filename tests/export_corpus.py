"""A small annotated corpus for the export tests: two articles (one with CJK, an emoji and a
combining mark), claims that two people share, evidence linked across articles, sources, votes
with a computed consensus, comments (one hidden, one deleted), a hidden annotation and an
orphan. Built through the services where they exist, so the rows are as real use makes them."""
from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from annotations.models import (
    Annotation,
    Article,
    Claim,
    ClaimConsensus,
    Comment,
    ConsensusStatus,
    EvidenceLink,
    Source,
)
from annotations.services.claims import evidence_link_create, source_create
from annotations.services.revisions import article_revise
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory

FIRST_TEXT = (
    "Prices and wages\n"
    "Prices rose by 12% in a year. Wages did not follow.\n"
    "Critics call the figures misleading. 東京の物価は上がった。 Café owners 🙂 agree."
)
SECOND_TEXT = (
    "A survey of shops\n"
    "The survey of 400 shops found prices up 11%. Few shops raised wages.\n"
    "The survey was small."
)


@dataclass
class SmallCorpus:
    ada: object
    bo: object
    cy: object
    first: Article
    second: Article
    claim: Claim
    claim_annotations: list[Annotation]
    opinion: Annotation
    cjk: Annotation
    evidence: Annotation
    hidden: Annotation
    orphan: Annotation
    link: EvidenceLink
    source: Source
    comment: Comment
    hidden_comment: Comment
    deleted_comment: Comment


def build_small_corpus() -> SmallCorpus:
    ada, bo, cy = (UserFactory(username=name) for name in ("ada", "bo", "cy"))
    first = ArticleFactory(text=FIRST_TEXT, created_by=ada)
    second = ArticleFactory(text=SECOND_TEXT, created_by=ada)
    claim_annotations = [
        AnnotationFactory(author=person, article=first, tag="claim", quote="Prices rose by 12% in a year.")
        for person in (ada, bo)
    ]
    claim = claim_annotations[0].claim
    opinion = AnnotationFactory(author=cy, article=first, tag="opinion", quote="Critics call the figures misleading.",
                                note="Loaded *word*.")
    cjk = AnnotationFactory(author=bo, article=first, tag="opinion", quote="東京の物価は上がった。")
    evidence = AnnotationFactory(author=bo, article=second, tag="evidence",
                                 quote="The survey of 400 shops found prices up 11%.", note="Table 2.")
    hidden = AnnotationFactory(author=cy, article=second, tag="opinion", quote="Few shops raised wages.")
    Annotation.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now(), hidden_reason="spam")
    orphan = AnnotationFactory(author=ada, article=second, tag="opinion", quote="The survey was small.")
    article_revise(
        article=second, user=ada,
        text="A survey of shops\nThe survey of 400 shops found prices up 11%. Few shops raised wages.\nNothing else.",
    )
    orphan.refresh_from_db()
    second.refresh_from_db()
    link = evidence_link_create(author=bo, evidence=evidence, claim_id=claim.pk, stance="supports", note="Same figure.")
    source = source_create(author=cy, claim_id=claim.pk, stance="contradicts", url="https://example.org/stats",
                           title="Official statistics")
    ClaimConsensus.objects.update_or_create(
        claim=claim,
        defaults={"votes": 6, "agree": 4, "disagree": 1, "unsure": 1, "agree_share": 4 / 6, "wilson_low": 0.3,
                  "wilson_high": 0.9, "intercept": 0.45, "factor": 0.1, "status": ConsensusStatus.AGREED,
                  "groups": [{"group": 0, "members": 3, "agree": 3, "disagree": 0, "unsure": 0, "share": 1.0}],
                  "computed_at": timezone.now()},
    )
    comment = Comment.objects.create(claim=claim, author=ada, side="supports", body="The **figure** holds.",
                                     body_html="<p>The <strong>figure</strong> holds.</p>")
    hidden_comment = Comment.objects.create(claim=claim, author=cy, parent=comment, depth=1, body="Rude reply.",
                                            body_html="<p>Rude reply.</p>", hidden_at=timezone.now())
    deleted_comment = Comment.objects.create(claim=claim, author=bo, side="question", body="Withdrawn.",
                                             body_html="<p>Withdrawn.</p>", deleted_at=timezone.now())
    return SmallCorpus(
        ada=ada, bo=bo, cy=cy, first=first, second=second, claim=claim, claim_annotations=claim_annotations,
        opinion=opinion, cjk=cjk, evidence=evidence, hidden=hidden, orphan=orphan, link=link, source=source,
        comment=comment, hidden_comment=hidden_comment, deleted_comment=deleted_comment,
    )
