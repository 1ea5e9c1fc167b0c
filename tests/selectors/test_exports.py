"""Reading the corpus for an export: every layer, hidden and deleted content left out, stable
pseudonyms, orphans, the filters, the split, and a fixed number of queries per chunk."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.exporters.rows import ExportMeta, pseudonym
from annotations.models import (
    Annotation,
    ArticleAgreement,
    ClaimConsensus,
    ConsensusRun,
    ConsensusStatus,
    SentenceLabel,
)
from annotations.selectors import exports as readers
from annotations.selectors.exports import DatabaseCorpus
from annotations.selectors.exports_filters import ExportFilters, parse_filters
from annotations.selectors.exports_plan import pseudonym_secret, split_of
from tests.export_corpus import build_small_corpus
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build_small_corpus()


def read(filters: ExportFilters | None = None) -> tuple[DatabaseCorpus, dict]:
    filters = filters or ExportFilters()
    corpus = DatabaseCorpus(filters, meta=ExportMeta(app_version="test", created="2026-01-01T00:00:00Z"))
    return corpus, {bundle.document.id: bundle for bundle in corpus.documents()}


def test_every_layer_is_read_with_each_span_at_its_offsets(data):
    sentence = data.first.current_revision.sentences.get(index=1)
    SentenceLabel.objects.create(sentence=sentence, article=data.first, label="claim", confidence=1.0, n_taggers=2)
    ArticleAgreement.objects.create(article=data.first, alpha=0.5, reading="unreliable", n_units=1, n_taggers=2,
                                    computed_at=timezone.now())
    corpus, bundles = read()
    assert list(bundles) == [data.first.pk, data.second.pk]
    first, second = bundles[data.first.pk], bundles[data.second.pk]

    assert (first.document.text, first.document.revision) == (data.first.current_revision.text, 1)
    assert second.document.revision == 2  # the current revision, after the revise
    assert [s.index for s in first.sentences] == sorted(
        data.first.current_revision.sentences.values_list("index", flat=True)
    )
    tagged = next(s for s in first.sentences if s.index == 1)
    assert (tagged.consensus_tag, tagged.n_taggers) == ("claim", 2)
    assert first.agreement.alpha == 0.5 and second.agreement is None

    for bundle in (first, second):
        for row in bundle.annotations:
            if row.start is not None:
                assert bundle.document.text[row.start:row.end] == row.text
    cjk = next(row for row in first.annotations if row.id == data.cjk.pk)
    assert cjk.text == "東京の物価は上がった。"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", cjk.created)
    assert dt.datetime.fromisoformat(cjk.created.replace("Z", "+00:00")) == data.cjk.created_at
    assert dt.datetime.fromisoformat(cjk.modified.replace("Z", "+00:00")) == data.cjk.updated_at

    (claim,) = first.claims
    assert (claim.id, claim.text, claim.n_annotators, claim.status) == (
        data.claim.pk, "Prices rose by 12% in a year.", 2, "agreed"
    )
    assert claim.votes == {"agree": 4, "disagree": 1, "unsure": 1}
    assert list(claim.groups) == [{"group": 0, "agree": 3, "disagree": 0, "unsure": 0}]

    (relation,) = second.relations  # with its evidence; the claim is in the other document
    assert (relation.evidence_id, relation.claim_id, relation.type) == (data.evidence.pk, data.claim.pk, "supports")
    (source,) = first.sources
    assert (source.kind, source.url, source.stance, source.document_id) == (
        "url", "https://example.org/stats", "contradicts", None
    )
    assert corpus.corpus_agreement() is None


def test_orphans_keep_their_last_quote_with_no_offsets(data):
    _, bundles = read()
    orphan = next(row for row in bundles[data.second.pk].annotations if row.id == data.orphan.pk)
    assert (orphan.start, orphan.end, orphan.anchor_state, orphan.text) == (
        None, None, "orphaned", "The survey was small."
    )


def test_hidden_content_and_deleted_comments_are_left_out_unless_a_moderator_asks(data):
    corpus, bundles = read()
    ids = {row.id for bundle in bundles.values() for row in bundle.annotations}
    assert data.hidden.pk not in ids and data.evidence.pk in ids
    assert [c.id for c in bundles[data.first.pk].comments] == [data.comment.pk]
    assert corpus.left_out() == {"hidden annotations": 1, "hidden comments": 1, "deleted comments": 1}

    corpus, bundles = read(ExportFilters(include_hidden=True))
    ids = {row.id for bundle in bundles.values() for row in bundle.annotations}
    assert data.hidden.pk in ids
    assert [c.id for c in bundles[data.first.pk].comments] == [data.comment.pk, data.hidden_comment.pk]
    assert corpus.left_out() == {"deleted comments": 1}


def test_a_hidden_claim_takes_its_annotations_links_sources_and_comments_with_it(data):
    type(data.claim).objects.filter(pk=data.claim.pk).update(hidden_at=timezone.now())
    _, bundles = read()
    first = bundles[data.first.pk]
    assert list(first.claims) == [] and list(first.sources) == [] and list(first.comments) == []
    assert {row.tag for row in first.annotations} == {"opinion"}
    assert list(bundles[data.second.pk].relations) == []


def test_annotators_are_stable_pseudonyms_or_usernames_for_real_names(data):
    _, bundles = read()
    names = {row.id: row.annotator for bundle in bundles.values() for row in bundle.annotations}
    expected = pseudonym(data.ada.pk, pseudonym_secret())
    assert names[data.claim_annotations[0].pk] == expected == names[data.orphan.pk]
    assert names[data.claim_annotations[1].pk] != expected and expected.startswith("annotator-")
    assert "ada" not in "".join(names.values())
    _, again = read()
    assert {row.id: row.annotator for b in again.values() for row in b.annotations} == names

    _, bundles = read(ExportFilters(real_names=True))
    names = {row.id: row.annotator for bundle in bundles.values() for row in bundle.annotations}
    assert names[data.claim_annotations[0].pk] == "ada" and names[data.claim_annotations[1].pk] == "bo"
    assert bundles[data.first.pk].comments[0].author == "ada"


def test_pseudonyms_follow_the_configured_secret(data, settings):
    settings.REDNOTE_EXPORT_PSEUDONYM_SECRET = "another instance"
    _, bundles = read()
    row = next(r for r in bundles[data.first.pk].annotations if r.id == data.claim_annotations[0].pk)
    assert row.annotator == pseudonym(data.ada.pk, b"another instance")


def test_annotation_filters_choose_annotations_and_thereby_documents(data):
    _, bundles = read(parse_filters({"tags": "evidence"}, moderator=False))
    assert list(bundles) == [data.second.pk]
    assert [row.id for row in bundles[data.second.pk].annotations] == [data.evidence.pk]

    _, bundles = read(parse_filters({"articles": str(data.first.pk)}, moderator=False))
    assert list(bundles) == [data.first.pk]
    assert list(bundles[data.first.pk].relations) == []  # the evidence's document is not exported

    _, bundles = read(parse_filters({"annotators": "cy,ada"}, moderator=True))
    authors = {row.id for b in bundles.values() for row in b.annotations}
    assert authors == {data.claim_annotations[0].pk, data.opinion.pk, data.orphan.pk}


def test_since_and_until_compare_creation_dates(data):
    Annotation.objects.filter(pk=data.opinion.pk).update(created_at=dt.datetime(2020, 5, 1, 23, 59, tzinfo=dt.UTC))
    _, bundles = read(parse_filters({"until": "2020-05-01"}, moderator=False))
    assert [row.id for b in bundles.values() for row in b.annotations] == [data.opinion.pk]
    _, bundles = read(parse_filters({"since": "2020-05-02"}, moderator=False))
    assert data.opinion.pk not in {row.id for b in bundles.values() for row in b.annotations}


def test_claim_filters_choose_claims_with_their_annotations(data):
    _, bundles = read(parse_filters({"min_votes": "7"}, moderator=False))
    first = bundles[data.first.pk]
    assert list(first.claims) == [] and "claim" not in {row.tag for row in first.annotations}
    assert list(bundles[data.second.pk].relations) == []

    _, bundles = read(parse_filters({"min_votes": "6", "status": "agreed"}, moderator=False))
    assert [c.id for c in bundles[data.first.pk].claims] == [data.claim.pk]

    ClaimConsensus.objects.filter(claim=data.claim).delete()
    _, bundles = read(parse_filters({"status": "not_enough_votes"}, moderator=False))
    (claim,) = bundles[data.first.pk].claims
    assert (claim.status, claim.votes) == (ConsensusStatus.NOT_ENOUGH_VOTES, {"agree": 0, "disagree": 0, "unsure": 0})


def test_the_split_is_by_document_deterministic_and_recorded(data):
    ids = list(range(1, 101))
    split = split_of(ids, (80, 10, 10), ("train", "validation", "test"), seed=1)
    assert split == split_of(list(reversed(ids)), (80, 10, 10), ("train", "validation", "test"), seed=1)
    assert [list(split.values()).count(name) for name in ("train", "validation", "test")] == [80, 10, 10]
    assert split != split_of(ids, (80, 10, 10), ("train", "validation", "test"), seed=2)

    _, bundles = read(parse_filters({"split": "50/50", "seed": "4"}, moderator=False))
    assert sorted(b.document.split for b in bundles.values()) == ["test", "train"]
    _, again = read(parse_filters({"split": "50/50", "seed": "4"}, moderator=False))
    assert {pk: b.document.split for pk, b in again.items()} == {pk: b.document.split for pk, b in bundles.items()}


def test_the_corpus_agreement_comes_from_the_last_refit(data):
    ConsensusRun.objects.create(started_at=timezone.now(), finished_at=timezone.now(), corpus_alpha=0.82,
                                corpus_units=40, corpus_taggers=5)
    corpus, _ = read()
    figure = corpus.corpus_agreement()
    assert (figure.alpha, figure.reading, figure.n_units, figure.n_taggers) == (0.82, "reliable", 40, 5)


def test_reading_takes_a_fixed_number_of_queries_per_chunk_of_documents(monkeypatch):
    author = UserFactory()

    def queries_for(n_articles: int) -> int:
        for _ in range(n_articles):
            article = ArticleFactory()
            for quote in ("The first claim", "A second sentence follows it."):
                AnnotationFactory(author=author, article=article, tag="opinion", quote=quote)
        corpus = DatabaseCorpus(ExportFilters(), meta=ExportMeta(app_version="test", created="now"))
        with CaptureQueriesContext(connection) as captured:
            bundles = list(corpus.documents())
        assert len(bundles) == Annotation.objects.values("article").distinct().count()
        return len(captured)

    one_chunk = queries_for(2)
    assert queries_for(6) == one_chunk  # 8 documents, still one chunk
    monkeypatch.setattr(readers, "CHUNK_DOCUMENTS", 4)
    corpus = DatabaseCorpus(ExportFilters(), meta=ExportMeta(app_version="test", created="now"))
    with CaptureQueriesContext(connection) as captured:
        assert len(list(corpus.documents())) == 8
    assert len(captured) == 2 * one_chunk  # 8 documents: two chunks of four
