"""What cached reads of an article depend on (annotations/read_cache.py): its change stamps and
whose view of its hidden items the reader gets.

Hidden annotations and claims are gone for everyone but their authors and moderators, so a
cached annotation layer or list is shared by moderators (all of it), by each member who has
hidden items in the article (theirs added), and by everyone else (anonymous readers included).
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.http import Http404

from annotations.models import Annotation, Article, Claim, ConsensusRun, Source
from annotations.policy import User as Viewer
from annotations.read_cache import read_key
from annotations.roles import is_moderator

EVERYONE, MODERATORS = "everyone", "moderators"


def stamp_of(moment: dt.datetime | None) -> str:
    """The change stamp live readers send back: microseconds since the epoch, "0" for never."""
    return str(round(moment.timestamp() * 1_000_000)) if moment else "0"


def viewer_class(user: Viewer, *, article_id: int) -> str:
    """`MODERATORS`, `EVERYONE`, or `user:<id>` for a member with hidden annotations or claims of
    their own in the article (one query for members, none for anonymous readers)."""
    if not user.is_authenticated:
        return EVERYONE
    if is_moderator(user):
        return MODERATORS
    own_hidden = Exists(
        Annotation.objects.filter(article=OuterRef("pk"), author_id=user.pk, hidden_at__isnull=False)
    ) | Exists(Claim.objects.filter(article=OuterRef("pk"), created_by_id=user.pk, hidden_at__isnull=False))
    return f"user:{user.pk}" if Article.objects.filter(own_hidden, pk=article_id).exists() else EVERYONE


@dataclass(frozen=True)
class ArticleStamps:
    """An article's change stamps: `annotations` moves with every change to its annotations,
    claims, evidence and sources (and their hiding); `consensus` when a claim's consensus goes
    out of date or is recomputed; `article` with its own fields and its revision; `agreement`
    when its tag agreement or the corpus' (a refit) is computed."""

    article: tuple
    annotations: str
    consensus: str
    agreement: str

    @property
    def live(self) -> str:
        """The stamp live readers poll (selectors/reader.py:live_stamp), from the same values."""
        return f"{self.annotations}-{self.consensus}"


def layer_key(article_id: int, stamps: ArticleStamps, viewer: str) -> str:
    """Where the reader's annotation layer for `viewer`'s class is cached: the page and its live
    updates share it, so that after a change one reader builds it for every other one."""
    return read_key("reader-layer", article_id, stamps.article, stamps.live, viewer)


def article_stamps(article_id: int) -> ArticleStamps:
    """The stamps of an article, in one query; 404 when there is no such article."""
    last_refit = ConsensusRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id")
    row = (
        Article.objects.filter(pk=article_id)
        .annotate(
            computed=Max("claims__consensus__computed_at"),
            dirtied=Max("claims__consensus__dirty_at"),
            refit=Subquery(last_refit.values("id")[:1]),
        )
        .values_list(
            "changed_at", "current_revision_id", "current_revision__segmented_at", "annotations_changed_at",
            "computed", "dirtied", "agreement__computed_at", "refit",
        )
        .first()
    )
    if row is None:
        raise Http404("No such article.")
    changed, revision, segmented, annotations, computed, dirtied, agreed, refit = row
    return ArticleStamps(
        article=(stamp_of(changed), revision, stamp_of(segmented)),
        annotations=stamp_of(annotations),
        consensus=f"{stamp_of(computed)}-{stamp_of(dirtied)}",
        agreement=f"{stamp_of(agreed)}-{refit}",
    )


def claim_page_key(claim_id: int, *, user: Viewer) -> tuple | None:
    """What a claim page's own parts (the claim in its paragraph, who tagged it, its sources)
    depend on, in one query: its article's stamps, the claim's hiding and lock, and the viewer's
    class (a member with a hidden tagging, source or claim of their own gets theirs). None when
    there is no such claim."""
    own_hidden = Value(False)
    if user.is_authenticated:
        own_hidden = ExpressionWrapper(
            Q(created_by_id=user.pk, hidden_at__isnull=False)
            | Exists(Annotation.objects.filter(claim=OuterRef("pk"), author_id=user.pk, hidden_at__isnull=False))
            | Exists(Source.objects.filter(claim=OuterRef("pk"), author_id=user.pk, hidden_at__isnull=False)),
            output_field=BooleanField(),
        )
    row = (
        Claim.objects.filter(pk=claim_id)
        .annotate(own_hidden=own_hidden)
        .values_list(
            "article_id", "article__changed_at", "article__current_revision_id", "article__annotations_changed_at",
            "hidden_at", "thread_locked_at", "own_hidden",
        )
        .first()
    )
    if row is None:
        return None
    *stamps, own = row
    return (*(stamp_of(v) if isinstance(v, dt.datetime) else v for v in stamps), f"user:{user.pk}" if own else EVERYONE)


def claim_consensus_key(claim_id: int) -> tuple | None:
    """What a claim's consensus view depends on besides the viewer, in one query: the claim's
    hiding, its consensus row (every vote bumps its version, a recompute moves computed_at) and
    its article's stamp (its sources, and evidence linked or unlinked, hidden or deleted, move
    it). None when there is no such claim."""
    row = (
        Claim.objects.filter(pk=claim_id)
        .values_list(
            "hidden_at", "article__annotations_changed_at", "consensus__version", "consensus__computed_at",
            "consensus__dirty",
        )
        .first()
    )
    return None if row is None else tuple(stamp_of(v) if isinstance(v, dt.datetime) else v for v in row)


def annotations_key(article_id: int) -> tuple | None:
    """What the API's list of an article's annotations depends on besides the viewer, in one
    query by primary key: the article's revision and its annotations' stamp. None when there
    is no such article."""
    row = (
        Article.objects.filter(pk=article_id)
        .values_list("changed_at", "current_revision_id", "annotations_changed_at")
        .first()
    )
    return None if row is None else tuple(stamp_of(v) if isinstance(v, dt.datetime) else v for v in row)


def reader_visitor_key(article_id: int) -> tuple | None:
    """What the reader page shows a visitor who is not signed in depends on: the article's
    stamps (one query). None when there is no such article."""
    try:
        stamps = article_stamps(article_id)
    except Http404:
        return None
    return (stamps.article, stamps.live, stamps.agreement)


_CLAIM_VISITOR_SQL = """
SELECT c.hidden_at, c.thread_locked_at, c.thread_changed_at, c.article_id,
       a.changed_at, a.current_revision_id, a.annotations_changed_at,
       cc.version, cc.computed_at, cc.dirty, cc.dirty_at,
       ev.n, ev.changed, ev.annotated, refit.id, refit.group_sizes
FROM annotations_claim c
JOIN annotations_article a ON a.id = c.article_id
LEFT JOIN annotations_claimconsensus cc ON cc.claim_id = c.id
LEFT JOIN (
    SELECT l.claim_id, COUNT(*) AS n, MAX(ea.changed_at) AS changed, MAX(ea.annotations_changed_at) AS annotated
    FROM annotations_evidencelink l
    JOIN annotations_annotation e ON e.id = l.evidence_id
    JOIN annotations_article ea ON ea.id = e.article_id
    WHERE l.claim_id = %(claim)s
    GROUP BY l.claim_id
) ev ON ev.claim_id = c.id
LEFT JOIN (
    SELECT id, group_sizes FROM annotations_consensusrun
    WHERE finished_at IS NOT NULL ORDER BY finished_at DESC, id DESC LIMIT 1
) refit ON 1 = 1
WHERE c.id = %(claim)s
"""


def claim_visitor_key(claim_id: int) -> tuple | None:
    """What the whole claim page shows a visitor who is not signed in depends on, in one query:
    the claim's hiding, lock and thread, its article's stamps, its consensus row, its evidence,
    which lives in other articles (how many links, and their articles' stamps), and the latest
    refit. None when there is no such claim, and while the latest refit found no opinion
    groups: the page then counts every vote in the corpus to say how far the groups are.

    In SQL because this runs before every visitor's claim page is served from the cache, and
    the ORM took four times longer to build this query than the database to answer it."""
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_VISITOR_SQL, {"claim": claim_id})
        row = cursor.fetchone()
    if row is None:
        return None
    *stamps, groups = row
    if len(json.loads(groups) if isinstance(groups, str) else groups or ()) < 2:
        return None
    return tuple(stamp_of(v) if isinstance(v, dt.datetime) else v for v in stamps)
