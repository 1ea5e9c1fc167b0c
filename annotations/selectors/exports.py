"""The corpus an export writes, read from the database as the writers' rows
(`annotations/exporters/rows.py`), a chunk of documents at a time.

What an export holds, given its filters (`exports_filters.py`):

- annotations that pass the annotation filters (`articles`, `tags`, `since`, `until`,
  `annotators`), are not hidden and, when they make a claim, whose claim is in the export;
- documents: the articles with at least one such annotation, by id, at their current revision,
  with their sentences and each sentence's consensus tag;
- claims of those documents that are not hidden and pass `min_votes` and `status`, with their
  sources and comments (never deleted ones; hidden ones left out too);
- relations (evidence links) with their evidence annotation, when their claim is in the export
  (it may be in another document);
- `include_hidden` (moderators) keeps hidden content.

Reads go a chunk of documents at a time (at most CHUNK_DOCUMENTS, about CHUNK_ANNOTATIONS
annotations): per chunk one query per table, streamed from a server-side cursor on PostgreSQL
and grouped by document, so that a writer can draw each document's rows in any order. Outside
a transaction the next chunk is read in a thread while the writer writes this one
(`exports_readahead.py`); memory holds three chunks at most, never the corpus.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from django.db import connection
from django.db.models import CharField, Count, Func, Q

from annotations.consensus.alpha import interpret_alpha
from annotations.exporters import rows as export_rows
from annotations.exporters.rows import (
    ANCHORED,
    ORPHANED,
    AgreementFigure,
    ClaimRow,
    CommentRow,
    Document,
    DocumentBundle,
    ExportMeta,
    Relation,
    SourceRow,
)
from annotations.models import (
    Annotation,
    Article,
    ArticleAgreement,
    Claim,
    Comment,
    ConsensusRun,
    ConsensusStatus,
    EvidenceLink,
    Sentence,
    Source,
)
from annotations.selectors.exports_filters import ExportFilters
from annotations.selectors.exports_plan import (
    ExportPlan,
    People,
    annotation_q,
    claim_q,
    export_plan,
    pseudonym_secret,
    split_of,
)
from annotations.selectors.exports_readahead import read_ahead

CHUNK_DOCUMENTS = 50
CHUNK_ANNOTATIONS = 20_000
CURSOR_ROWS = 5_000
"""Rows fetched per round trip from the server-side cursor."""
SOURCE_KINDS = {Source.Kind.LINK: "url", Source.Kind.PASSAGE: "passage"}


class IsoUtc(Func):
    """A timestamp as ISO 8601 text in UTC, "2026-01-31T12:00:00[.ffffff]Z", made by the
    database from its own text form (SQLite stores it so; PostgreSQL prints it so). A million
    timestamps parsed into datetime objects by the driver and formatted again by Python cost
    seconds; PostgreSQL's to_char costs several times its plain output."""

    output_field = CharField()
    template = "replace(CAST(%(expressions)s AS TEXT), ' ', 'T') || 'Z'"

    def as_postgresql(self, compiler, connection, **extra):
        template = "replace(((%(expressions)s) AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z'"
        return self.as_sql(compiler, connection, template=template, **extra)


def _chunks(plan: ExportPlan) -> Iterator[list[int]]:
    chunk: list[int] = []
    annotations = 0
    for pk, n in plan.documents:
        if chunk and (len(chunk) >= CHUNK_DOCUMENTS or annotations + n > CHUNK_ANNOTATIONS):
            yield chunk
            chunk, annotations = [], 0
        chunk.append(pk)
        annotations += n
    if chunk:
        yield chunk


def _grouped(rows: Iterable, build) -> dict[int, list]:
    """`build(row)` returns (document id, exported row) or None to leave the row out."""
    groups: dict[int, list] = defaultdict(list)
    for row in rows:
        built = build(row)
        if built is not None:
            groups[built[0]].append(built[1])
    return groups


@dataclass(frozen=True)
class _Doc:
    document: Document
    revision_id: int


class DatabaseCorpus:
    """A `Corpus` (annotations/exporters/rows.py) over the database: `documents()` reads afresh
    each time it is called."""

    def __init__(
        self, filters: ExportFilters, *, meta: ExportMeta, secret: bytes | None = None, plan: ExportPlan | None = None
    ) -> None:
        self.filters = filters
        self.meta = meta
        self.people = People(real_names=filters.real_names, secret=secret or pseudonym_secret())
        self.plan = plan or export_plan(filters)
        self.author_ids = self.plan.author_ids
        self._annotations = annotation_q(filters, author_ids=self.author_ids)
        self._chunk_annotations = annotation_q(filters, author_ids=self.author_ids, within_plan=True)
        self._claims = claim_q(filters)
        self.document_ids = frozenset(pk for pk, _ in self.plan.documents)
        self.splits = (
            split_of(sorted(self.document_ids), filters.split, filters.split_names, filters.seed)
            if filters.split else {}
        )

    def documents(self) -> Iterator[DocumentBundle]:
        if connection.in_atomic_block:  # a reading thread would not see this transaction's rows
            for chunk in _chunks(self.plan):
                yield from self._bundles(chunk)
        else:
            yield from read_ahead(self._bundles, _chunks(self.plan))

    def corpus_agreement(self) -> AgreementFigure | None:
        """Krippendorff's alpha over the whole corpus from the last full refit."""
        run = ConsensusRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()
        if run is None:
            return None
        return AgreementFigure(
            alpha=run.corpus_alpha,
            reading=interpret_alpha(float("nan") if run.corpus_alpha is None else run.corpus_alpha),
            n_units=run.corpus_units,
            n_taggers=run.corpus_taggers,
        )

    def left_out(self) -> dict[str, int]:
        """Hidden and deleted content the filters would otherwise export, by kind."""
        exported = Annotation.objects.filter(self._annotations).values("article_id")
        articles = Q(article_id__in=exported)
        on_claims = Q(claim__article_id__in=exported)
        counts = {"deleted comments": Comment.objects.filter(on_claims, deleted_at__isnull=False).count()}
        if not self.filters.include_hidden:
            shown = annotation_q(replace(self.filters, include_hidden=True), author_ids=self.author_ids)
            counts |= {
                "hidden annotations": Annotation.objects.filter(shown, hidden_at__isnull=False).count(),
                "hidden claims": Claim.objects.filter(articles, hidden_at__isnull=False).count(),
                "hidden sources": Source.objects.filter(on_claims, hidden_at__isnull=False).count(),
                "hidden comments": Comment.objects.filter(
                    on_claims, hidden_at__isnull=False, deleted_at__isnull=True
                ).count(),
            }
        return {kind: n for kind, n in counts.items() if n}

    # Reading one chunk of documents -----------------------------------------------------------

    def _bundles(self, ids: list[int]) -> list[DocumentBundle]:
        docs = self._documents(ids)
        revisions = {doc.revision_id: pk for pk, doc in docs.items()}
        sentences = self._sentences(revisions)
        annotations = self._annotations_of(ids, docs)
        claims = self._claims_of(ids, docs)
        relations = self._relations_of(ids)
        sources = self._sources_of(ids)
        comments = self._comments_of(ids)
        agreements = {
            pk: AgreementFigure(alpha=alpha, reading=reading, n_units=units, n_taggers=taggers)
            for pk, alpha, reading, units, taggers in ArticleAgreement.objects.filter(article_id__in=ids)
            .values_list("article_id", "alpha", "reading", "n_units", "n_taggers")
        }
        return [
            DocumentBundle(
                document=docs[pk].document,
                sentences=sentences.get(pk, ()),
                annotations=annotations.get(pk, ()),
                claims=claims.get(pk, ()),
                relations=relations.get(pk, ()),
                sources=sources.get(pk, ()),
                comments=comments.get(pk, ()),
                agreement=agreements.get(pk),
            )
            for pk in ids
        ]

    def _documents(self, ids: list[int]) -> dict[int, _Doc]:
        rows = Article.objects.filter(pk__in=ids).values_list(
            "pk", "title", "author", "source", "published", "language",
            "current_revision_id", "current_revision__number", "current_revision__text",
        )
        return {
            pk: _Doc(
                Document(
                    id=pk, title=title, author=author, source_url=source,
                    published=published.isoformat() if published else None, language=language,
                    revision=number, text=text, split=self.splits.get(pk),
                ),
                revision_id,
            )
            for pk, title, author, source, published, language, revision_id, number, text in rows
        }

    def _sentences(self, revisions: dict[int, int]) -> dict[int, list[export_rows.Sentence]]:
        rows = (
            Sentence.objects.filter(revision_id__in=list(revisions)).order_by("revision_id", "index")
            .values_list("revision_id", "index", "start", "end", "kind", "label__label", "label__confidence",
                         "label__n_taggers")
            .iterator(chunk_size=CURSOR_ROWS)
        )
        return _grouped(rows, lambda r: (
            revisions[r[0]], export_rows.Sentence(revisions[r[0]], r[1], r[2], r[3], r[4], r[5], r[6], r[7] or 0),
        ))

    def _annotations_of(self, ids: list[int], docs: dict[int, _Doc]) -> dict[int, list[export_rows.Annotation]]:
        rows = (
            Annotation.objects.filter(self._chunk_annotations, article_id__in=ids).order_by("article_id", "id")
            .annotate(created_text=IsoUtc("created_at"), modified_text=IsoUtc("updated_at"))
            .values_list("id", "article_id", "anchored_revision_id", "start", "end", "tag", "note",
                         self.people.column, "created_text", "modified_text", "claim_id")
            .iterator(chunk_size=CURSOR_ROWS)
        )
        name, new, cls = self.people, tuple.__new__, export_rows.Annotation  # no Python frame per row
        groups: dict[int, list[export_rows.Annotation]] = defaultdict(list)
        orphans: list[tuple[int, int]] = []  # (document, index in its list): their quotes come after
        current = None
        for pk, article, revision_id, start, end, tag, note, person, created, modified, claim in rows:
            if article != current:  # rows come by document: its details once per document
                current, doc = article, docs[article]
                text, number, wanted = doc.document.text, doc.document.revision, doc.revision_id
                length = len(text)
                group = groups[article]
                append = group.append
            if start is None or revision_id != wanted or end > length:
                orphans.append((article, len(group)))
                append(new(cls, (pk, article, number, None, None, "", tag, note, name[person], created, modified,
                                 ORPHANED, claim)))
            else:
                append(new(cls, (pk, article, number, start, end, text[start:end], tag, note, name[person], created,
                                 modified, ANCHORED, claim)))
        if orphans:
            quotes = dict(Annotation.objects.filter(pk__in=[groups[d][i].id for d, i in orphans])
                          .values_list("pk", "exact"))
            for document, index in orphans:
                row = groups[document][index]
                groups[document][index] = row._replace(text=quotes[row.id])
        return groups

    def _claims_of(self, ids: list[int], docs: dict[int, _Doc]) -> dict[int, list[ClaimRow]]:
        taggers = dict(
            Annotation.objects.filter(
                Q() if self.filters.include_hidden else Q(hidden_at__isnull=True),
                article_id__in=ids, claim__isnull=False,
            ).values_list("claim_id").annotate(n=Count("author_id", distinct=True)).order_by()
        )
        rows = (
            Claim.objects.filter(self._claims, article_id__in=ids).order_by("article_id", "id")
            .values_list("id", "article_id", "start", "end", "quote", "consensus__agree", "consensus__disagree",
                         "consensus__unsure", "consensus__agree_share", "consensus__wilson_low",
                         "consensus__wilson_high", "consensus__intercept", "consensus__factor", "consensus__status",
                         "consensus__groups")
            .iterator(chunk_size=CURSOR_ROWS)
        )

        def build(row):
            pk, article, start, end, quote, agree, disagree, unsure, share, low, high, intercept, factor, status, groups = row
            text = docs[article].document.text
            anchored = start is not None and end is not None and end <= len(text)
            return article, ClaimRow(
                id=pk, document_id=article, start=start if anchored else None, end=end if anchored else None,
                text=text[start:end] if anchored else quote, n_annotators=taggers.get(pk, 0),
                votes={"agree": agree or 0, "disagree": disagree or 0, "unsure": unsure or 0},
                agree_share=share, wilson_low=low, wilson_high=high, bridging_intercept=intercept,
                bridging_factor=factor, status=status or ConsensusStatus.NOT_ENOUGH_VOTES.value,
                groups=[
                    {"group": g["group"], "agree": g["agree"], "disagree": g["disagree"], "unsure": g["unsure"]}
                    for g in groups or ()
                ],
            )

        return _grouped(rows, build)

    def _relations_of(self, ids: list[int]) -> dict[int, list[Relation]]:
        evidence = annotation_q(self.filters, author_ids=self.author_ids, prefix="evidence__", within_plan=True)
        rows = (
            EvidenceLink.objects.filter(evidence, claim_q(self.filters, "claim__"), evidence__article_id__in=ids)
            .order_by("evidence__article_id", "id")
            .annotate(created_text=IsoUtc("created_at"))
            .values_list("evidence__article_id", "claim__article_id", "id", "stance", "evidence_id", "claim_id",
                         self.people.column, "note", "created_text")
            .iterator(chunk_size=CURSOR_ROWS)
        )
        name, exported = self.people, self.document_ids
        return _grouped(rows, lambda r: (
            (r[0], Relation(r[2], r[3], r[4], r[5], name[r[6]], r[7], r[8])) if r[1] in exported else None
        ))

    def _sources_of(self, ids: list[int]) -> dict[int, list[SourceRow]]:
        shown = Q() if self.filters.include_hidden else Q(hidden_at__isnull=True)
        rows = (
            Source.objects.filter(shown, claim_q(self.filters, "claim__"), claim__article_id__in=ids)
            .order_by("claim__article_id", "id")
            .annotate(created_text=IsoUtc("created_at"))
            .values_list("claim__article_id", "id", "claim_id", "stance", "kind", "url", "title",
                         "passage_article_id", "passage_start", "passage_end", "passage_quote",
                         self.people.column, "note", "created_text")
            .iterator(chunk_size=CURSOR_ROWS)
        )
        name = self.people

        def build(r):
            passage = r[4] == Source.Kind.PASSAGE
            return r[0], SourceRow(
                id=r[1], claim_id=r[2], stance=r[3], kind=SOURCE_KINDS.get(r[4], r[4]),
                url=None if passage else r[5], title=r[6], document_id=r[7] if passage else None,
                start=r[8] if passage else None, end=r[9] if passage else None,
                text=r[10] if passage else None, annotator=name[r[11]], note=r[12], created=r[13],
            )

        return _grouped(rows, build)

    def _comments_of(self, ids: list[int]) -> dict[int, list[CommentRow]]:
        shown = Q() if self.filters.include_hidden else Q(hidden_at__isnull=True)
        rows = (
            Comment.objects.filter(shown, claim_q(self.filters, "claim__"), claim__article_id__in=ids,
                                   deleted_at__isnull=True)
            .order_by("claim__article_id", "created_at", "id")
            .annotate(created_text=IsoUtc("created_at"))
            .values_list("claim__article_id", "id", "claim_id", "parent_id", "side", "body",
                         self.people.column, "created_text")
            .iterator(chunk_size=CURSOR_ROWS)
        )
        name = self.people
        return _grouped(rows, lambda r: (
            r[0], CommentRow(r[1], r[2], r[3], r[4] or None, r[5], name[r[6]], r[7]),
        ))
