"""Sentence tags by consensus and Krippendorff's alpha, computed from annotations in the database."""
import numpy as np
import pytest
from django.contrib.auth import get_user_model

from annotations.consensus.alpha import interpret_alpha, krippendorff_alpha_nominal
from annotations.models import ArticleAgreement, SentenceLabel
from annotations.selectors.consensus import stale_agreement_articles
from annotations.services.annotations import annotation_update
from annotations.services.consensus import consensus_sweep
from annotations.services.tag_agreement import labels_refresh
from tests.factories import AnnotationFactory, ArticleFactory

pytestmark = pytest.mark.django_db

TEXT = "Tag Test Article\nFirst sentence here. Second sentence here. Third sentence here. Fourth one."


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def tag(article, author, quote, tag_name):
    return AnnotationFactory(article=article, author=author, quote=quote, tag=tag_name)


def test_sentence_tags_and_alpha_per_article_and_for_the_corpus(article):
    users = [get_user_model().objects.create(username=f"tagger{i}") for i in range(3)]
    plan = {
        "First sentence here.": ["claim", "claim", "claim"],
        "Second sentence here.": ["evidence", "evidence", "opinion"],
        "Third sentence here.": ["opinion", "opinion"],
        "Fourth one.": ["claim"],
    }
    for quote, tags in plan.items():
        for user, tag_name in zip(users, tags, strict=False):
            tag(article, user, quote, tag_name)
    other = ArticleFactory()
    tag(other, users[0], None, "claim")
    tag(other, users[1], None, "opinion")

    agreement = labels_refresh()
    labels = {
        article.current_revision.text[s.sentence.start : s.sentence.end]: (s.label, s.n_taggers)
        for s in SentenceLabel.objects.select_related("sentence").filter(article=article)
    }
    assert labels == {
        "First sentence here.": ("claim", 3),
        "Second sentence here.": ("evidence", 2 + 1),
        "Third sentence here.": ("opinion", 2),
        "Fourth one.": ("claim", 1),
    }
    # A small corpus: the majority vote, with its share as the confidence.
    confidence = dict(SentenceLabel.objects.filter(article=article).values_list("sentence__index", "confidence"))
    assert confidence == {1: 1.0, 2: pytest.approx(2 / 3), 3: 1.0, 4: 1.0}

    # Alpha as the engine computes it from (sentence, tagger, tag) triples.
    triples = [(i, u, tags[u]) for i, tags in enumerate(plan.values()) for u in range(len(tags))]
    expected = krippendorff_alpha_nominal(*map(np.array, zip(*triples, strict=True)))
    row = ArticleAgreement.objects.get(article=article)
    assert row.alpha == pytest.approx(expected)
    assert (row.n_units, row.n_taggers, row.reading, row.label_method) == (
        3, 3, interpret_alpha(expected), "majority_vote"
    )
    other_row = ArticleAgreement.objects.get(article=other)  # one sentence, two different tags
    assert (other_row.alpha, other_row.n_units, other_row.reading) == (0.0, 1, "unreliable")
    # The corpus alpha pools every article's units.
    assert agreement.n_units == 4 and agreement.n_taggers == 3


def test_a_persons_latest_tag_of_a_sentence_counts(article):
    alice, bob = (get_user_model().objects.create(username=name) for name in ("alice", "bob"))
    tag(article, alice, "First sentence here.", "claim")
    tag(article, bob, "First sentence here.", "evidence")
    tag(article, alice, "First sentence here. Second", "evidence")  # newer, also covers the first sentence
    labels_refresh(article_ids=[article.pk])
    row = ArticleAgreement.objects.get(article=article)
    assert (row.alpha, row.n_units) == (None, 1)  # both say evidence: no disagreement was possible
    assert SentenceLabel.objects.get(article=article, sentence__index=1).label == "evidence"


def test_agreement_goes_stale_when_tags_change_and_the_sweep_catches_up(article, user):
    annotation = tag(article, user, "First sentence here.", "claim")
    assert list(stale_agreement_articles()) == [article]
    consensus_sweep()
    assert not stale_agreement_articles().exists()
    annotation_update(annotation=annotation, user=user, tag="opinion")
    assert list(stale_agreement_articles()) == [article]
    consensus_sweep()
    assert not stale_agreement_articles().exists()
    assert SentenceLabel.objects.get(article=article).label == "opinion"


def test_with_enough_tagged_sentences_dawid_skene_decodes_taggers_who_always_say_the_same(settings):
    settings.CONSENSUS_LABEL_MIN_SENTENCES = 60
    article = ArticleFactory(text="Sixty Sentences\n" + " ".join(f"Sentence {i} is here." for i in range(60)))
    sentences = list(article.current_revision.sentences.filter(kind="content").order_by("index"))
    truth = np.random.default_rng(3).integers(0, 3, len(sentences))
    reliable = [get_user_model().objects.create(username=f"careful{i}") for i in range(2)]
    lazy = [get_user_model().objects.create(username=f"lazy{i}") for i in range(3)]
    text = article.current_revision.text
    for sentence, true_tag in zip(sentences, truth, strict=True):
        quote = text[sentence.start : sentence.end]
        for user in reliable:
            tag(article, user, quote, ["claim", "evidence", "opinion"][true_tag])
        for user in lazy:  # the majority, always "opinion"
            tag(article, user, quote, "opinion")
    labels_refresh()
    found = dict(SentenceLabel.objects.filter(article=article).values_list("sentence_id", "label"))
    assert [found[s.pk] for s in sentences] == [["claim", "evidence", "opinion"][t] for t in truth]
    assert ArticleAgreement.objects.get(article=article).label_method == "dawid_skene"
