"""Reads for annotating in the browser: the annotation layer drawn over the reader, the side
panel, the live-update stamp, the claim picker and the claim page.

Each read is a fixed number of queries whatever the number of annotations: which sentences an
annotation covers is worked out from its offsets and the sentence list (bisect), never by
querying the annotation–sentence table.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Max, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from annotations.models import (
    AnchorState,
    Annotation,
    AnnotationEdit,
    Article,
    Claim,
    ConsensusStatus,
    EvidenceLink,
    Revision,
    Sentence,
    Source,
    SourceStance,
    Stance,
    Tag,
    TargetType,
)
from annotations.policy import can_see, hidden_filter
from annotations.read_cache import cached, read_key
from annotations.roles import is_moderator
from annotations.selectors.consensus import UPDATING
from annotations.selectors.flags import flag_counts
from annotations.selectors.read_keys import (  # stamp_of: also imported from here
    article_stamps,
    claim_page_key,
    layer_key,
    stamp_of,
    viewer_class,
)

Viewer = AbstractBaseUser | AnonymousUser

TAG_LETTERS = {Tag.CLAIM: "C", Tag.EVIDENCE: "E", Tag.OPINION: "O"}


def live_stamp(article_id: int) -> str:
    """The article's current change stamp (one query). It moves when an annotation changes and
    when a claim's consensus does: a vote makes it out of date (`dirty_at`), a recompute
    brings it up to date (`computed_at`), and either changes the claim's mark in the reader."""
    found = (
        Article.objects.filter(pk=article_id)
        .annotate(computed=Max("claims__consensus__computed_at"), dirtied=Max("claims__consensus__dirty_at"))
        .values_list("annotations_changed_at", "computed", "dirtied")
    )
    for moments in found:
        return "-".join(stamp_of(moment) for moment in moments)
    raise Http404("No such article.")


@dataclass(frozen=True)
class Marker:
    """How many people tagged a sentence and as what: "C2 E1", "2 claim, 1 evidence"."""

    short: str
    label: str


@dataclass(frozen=True)
class AnnotationLayer:
    """Everything the reader's script needs to draw highlights, and the per-sentence markers."""

    revision: int
    stamp: str
    annotations: list[dict]
    markers: dict[int, Marker]
    claims: dict[int, str]
    """The consensus status of each claim drawn: a ConsensusStatus value, or "updating"."""

    def as_data(self) -> dict:
        return {
            "revision": self.revision,
            "annotations": self.annotations,
            "markers": {str(pk): [m.short, m.label] for pk, m in self.markers.items()},
            "claims": {str(pk): status for pk, status in self.claims.items()},
        }


def _marker(people: dict[str, set[int]]) -> Marker:
    counts = [(tag, len(people[tag])) for tag in Tag.values if people.get(tag)]
    return Marker(
        short=" ".join(f"{TAG_LETTERS[tag]}{n}" for tag, n in counts),
        label=", ".join(f"{n} {tag}" for tag, n in counts),
    )


def _markers(spans: Iterable[tuple[int, int, str, int]], sentences: list[Sentence]) -> dict[int, Marker]:
    """The marker of each of `sentences` (annotatable, in order) that the (start, end, tag,
    author id) spans cover."""
    ends = [s.end for s in sentences]
    people: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for start, end, tag, author_id in spans:
        index = bisect_right(ends, start)
        while index < len(sentences) and sentences[index].start < end:
            people[sentences[index].pk][tag].add(author_id)
            index += 1
    return {pk: _marker(tags) for pk, tags in people.items()}


def _row(pk: int, start: int, end: int, tag: str, claim_id: int | None, username: str) -> dict:
    return {"id": pk, "start": start, "end": end, "tag": tag, "author": username, "claim": claim_id}


def _claim_status(status: str | None, dirty: bool | None) -> str:
    """A claim's consensus status as the reader shows it; no consensus row means no votes."""
    if dirty:
        return UPDATING
    return status or ConsensusStatus.NOT_ENOUGH_VOTES


def _claim_shown(user: Viewer, claim_id: int | None, hidden_at, created_by_id: int | None) -> int | None:
    """The claim's id when `user` may see the claim, else None (a hidden claim is gone)."""
    if claim_id is None or hidden_at is None:
        return claim_id
    return claim_id if user.is_authenticated and (created_by_id == user.pk or is_moderator(user)) else None


def annotation_layer(article: Article, sentences: Iterable[Sentence], *, user: Viewer) -> AnnotationLayer:
    """The anchored annotations of `article` that `user` may see, with their claims' consensus
    status (two queries) and the marker of every sentence they cover. `sentences` are the
    current revision's, in order; the article's current revision must be loaded. The stamp is
    read first, so that a change made meanwhile shows in the next live update."""
    stamp = live_stamp(article.pk)
    rows = [
        (pk, start, end, tag, _claim_shown(user, claim, claim_hidden, claim_by), author, name, status, dirty)
        for pk, start, end, tag, claim, claim_hidden, claim_by, author, name, status, dirty in (
            Annotation.objects.filter(hidden_filter(user), article=article, anchor_state=AnchorState.ANCHORED)
            .order_by("start", "id")
            .values_list(
                "id", "start", "end", "tag", "claim_id", "claim__hidden_at", "claim__created_by_id", "author_id",
                "author__username", "claim__consensus__status", "claim__consensus__dirty",
            )
        )
    ]
    annotatable = [s for s in sentences if s.kind in Sentence.ANNOTATABLE]
    revision = article.current_revision
    return AnnotationLayer(
        revision=revision.number if revision else 0,
        stamp=stamp,
        annotations=[_row(pk, start, end, tag, claim, name) for pk, start, end, tag, claim, _, name, *_ in rows],
        markers=_markers(((start, end, tag, author) for _, start, end, tag, _, author, *_ in rows), annotatable),
        claims={claim: _claim_status(status, dirty) for _, _, _, _, claim, _, _, status, dirty in rows if claim},
    )


def annotation_delta(annotation: Annotation, *, user: Viewer) -> dict:
    """What a new annotation by `user` changes in the reader: itself, and the markers of the
    sentences it covers, counting what `user` may see (two queries). The reader's next live
    update brings everything else."""
    sentences = list(
        Sentence.objects.filter(
            revision_id=annotation.anchored_revision_id, kind__in=Sentence.ANNOTATABLE,
            start__lt=annotation.end, end__gt=annotation.start,
        ).order_by("index").only("id", "start", "end")
    )
    spans = Annotation.objects.filter(
        hidden_filter(user), article_id=annotation.article_id, anchor_state=AnchorState.ANCHORED,
        start__lt=sentences[-1].end, end__gt=sentences[0].start,
    ).values_list("start", "end", "tag", "author_id")
    a = annotation
    return {
        "revision": a.anchored_revision.number,
        "annotation": _row(a.pk, a.start, a.end, a.tag, a.claim_id, user.get_username()),
        "markers": {str(pk): [m.short, m.label] for pk, m in _markers(spans, sentences).items()},
    }


def reader_layer(article_id: int, *, user: Viewer) -> AnnotationLayer:
    """The annotation layer on its own, for live updates and after a change: from the reads
    cache while the article's stamps stay put (one query, two for a signed-in member), else
    built (three more)."""
    stamps = article_stamps(article_id)
    key = layer_key(article_id, stamps, viewer_class(user, article_id=article_id))
    return cached(key, lambda: _reader_layer(article_id, user=user))


def _reader_layer(article_id: int, *, user: Viewer) -> AnnotationLayer:
    article = get_object_or_404(
        Article.objects.select_related("current_revision").defer("current_revision__text"), pk=article_id
    )
    sentences = Sentence.objects.filter(
        revision_id=article.current_revision_id, kind__in=Sentence.ANNOTATABLE
    ).order_by("index").only("id", "start", "end", "kind")
    return annotation_layer(article, sentences, user=user)


def orphaned_annotations(article: Article, *, user: Viewer) -> list[Annotation]:
    """Annotations that lost their place when the article was revised; kept, never deleted.
    Those hidden from `user` are left out."""
    return list(
        Annotation.objects.filter(hidden_filter(user), article=article, anchor_state=AnchorState.ORPHANED)
        .select_related("author")
        .order_by("created_at", "id")
    )


@dataclass(frozen=True)
class PanelItem:
    annotation: Annotation
    mine: bool
    editable: bool
    """The author and moderators may edit it and see its history."""
    fresh: bool
    """Just made by this user: its note form opens."""
    claim_shown: bool
    """Its claim is there for this user (not hidden from them)."""
    flags: int = 0
    """For moderators: how many people's flags on it are open."""


@dataclass(frozen=True)
class Panel:
    article_id: int
    start: int
    end: int
    items: list[PanelItem]
    total: int
    authors: list[str]
    tag: str
    author: str
    mine: bool


def annotation_panel(
    *,
    article_id: int,
    start: int,
    end: int,
    user: Viewer,
    tag: str = "",
    author: str = "",
    mine: bool = False,
    fresh_id: int | None = None,
) -> Panel:
    """The annotations overlapping [start, end) of the current text that `user` may see,
    filtered by tag, author and "only mine", with their edit history and evidence links (three
    queries; a fourth for moderators, the flag counts). Hidden ones are there for their authors
    and moderators only, marked by `annotation.is_hidden`."""
    visible_links = EvidenceLink.objects.filter(hidden_filter(user, prefix="claim__", author_field="created_by"))
    annotations = list(
        Annotation.objects.filter(
            hidden_filter(user), article_id=article_id, anchor_state=AnchorState.ANCHORED, start__lt=end, end__gt=start
        )
        .select_related("author", "claim")
        .prefetch_related(
            Prefetch("edits", queryset=AnnotationEdit.objects.select_related("editor")),
            Prefetch("evidence_links", queryset=visible_links.select_related("claim")),
        )
        .order_by("start", "created_at", "id")
    )
    moderator = is_moderator(user)
    flags = flag_counts(TargetType.ANNOTATION, (a.pk for a in annotations)) if moderator else {}
    items = [
        PanelItem(
            annotation=a,
            mine=a.author_id == user.pk,
            editable=a.author_id == user.pk or moderator,
            fresh=a.pk == fresh_id,
            claim_shown=a.claim is None or can_see(user, a.claim),
            flags=flags.get(a.pk, 0),
        )
        for a in annotations
        if (not tag or a.tag == tag)
        and (not author or a.author.get_username() == author)
        and (not mine or a.author_id == user.pk)
    ]
    return Panel(
        article_id=article_id,
        start=start,
        end=end,
        items=items,
        total=len(annotations),
        authors=sorted({a.author.get_username() for a in annotations} | ({author} if author else set())),
        tag=tag,
        author=author,
        mine=mine,
    )


def claim_choices(query: str, *, user: Viewer, limit: int = 20) -> list[Claim]:
    """Claims across the corpus that `user` may see whose quote contains `query` (the newest
    when it is empty)."""
    claims = Claim.objects.filter(hidden_filter(user, author_field="created_by"))
    claims = claims.select_related("article").only("id", "quote", "article__title")
    if query:
        claims = claims.filter(quote__icontains=query)
    return list(claims.order_by("-created_at", "-id")[:limit])


@dataclass(frozen=True)
class ClaimPage:
    claim: Claim
    anchored: bool
    before: str
    quote: str
    after: str
    """The paragraph the claim sits in, cut around it (empty when the claim is orphaned)."""
    taggers: list[Annotation]
    supporting: list[EvidenceLink]
    refuting: list[EvidenceLink]
    supporting_sources: list[Source]
    contradicting_sources: list[Source]
    claim_flags: int = 0
    """For moderators: how many people's flags on the claim are open."""
    source_flags: dict[int, int] = field(default_factory=dict)
    """For moderators: {source id: open flags}."""


@dataclass(frozen=True)
class _ClaimOwn:
    """The parts of a claim page that live in the claim's own article, which its stamps cover."""

    claim: Claim
    anchored: bool
    before: str
    quote: str
    after: str
    taggers: list[Annotation]
    sources: list[Source]


def _claim_own(claim_id: int, *, user: Viewer) -> _ClaimOwn:
    claim = get_object_or_404(Claim.objects.select_related("article"), pk=claim_id)
    if not can_see(user, claim):
        raise Http404("No such claim.")
    text = Revision.objects.filter(pk=claim.article.current_revision_id).values_list("text", flat=True).first()
    anchored = claim.start is not None and text is not None
    before = quote = after = ""
    if anchored:
        # Every line of the text is a paragraph.
        line_start = text.rfind("\n", 0, claim.start) + 1
        line_end = text.find("\n", claim.end)
        line_end = len(text) if line_end == -1 else line_end
        before, quote, after = text[line_start : claim.start], text[claim.start : claim.end], text[claim.end : line_end]
    return _ClaimOwn(
        claim=claim,
        anchored=anchored,
        before=before,
        quote=quote,
        after=after,
        taggers=list(claim.annotations.filter(hidden_filter(user)).select_related("author").order_by("created_at", "id")),
        sources=list(
            claim.sources.filter(hidden_filter(user)).select_related("author", "passage_article").order_by("-created_at")
        ),
    )


def claim_page(claim_id: int, *, user: Viewer) -> ClaimPage:
    """A claim in context, who tagged it, the evidence for and against and its sources, as
    `user` may see them: a hidden claim is a 404, hidden sources, taggings and evidence are
    left out, except for their authors and moderators.

    For members and anonymous readers the claim, its paragraph, its taggers and its sources come
    from the reads cache while its article's stamps stay put (two queries: the key and the
    evidence, which lives in other articles and is always read). Moderators, who also see the
    flag counts, read everything afresh (four queries, two more for the flag counts)."""
    moderator = is_moderator(user)
    key = None if moderator else claim_page_key(claim_id, user=user)
    if key is None:
        own = _claim_own(claim_id, user=user)
    else:
        own = cached(read_key("claim-page", claim_id, *key), lambda: _claim_own(claim_id, user=user))
    claim, sources = own.claim, own.sources
    links = list(
        EvidenceLink.objects.filter(hidden_filter(user, prefix="evidence__"), claim_id=claim_id)
        .select_related("author", "evidence__article")
        .order_by("-created_at")
    )
    return ClaimPage(
        claim=claim,
        anchored=own.anchored,
        before=own.before,
        quote=own.quote,
        after=own.after,
        taggers=own.taggers,
        supporting=[link for link in links if link.stance == Stance.SUPPORTS],
        refuting=[link for link in links if link.stance == Stance.REFUTES],
        supporting_sources=[s for s in sources if s.stance == SourceStance.SUPPORTS],
        contradicting_sources=[s for s in sources if s.stance == SourceStance.CONTRADICTS],
        claim_flags=flag_counts(TargetType.CLAIM, [claim.pk]).get(claim.pk, 0) if moderator else 0,
        source_flags=flag_counts(TargetType.SOURCE, (s.pk for s in sources)) if moderator else {},
    )
