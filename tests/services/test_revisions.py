import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.models import Annotation, Claim, Revision, Sentence
from annotations.policy import NotAllowed
from annotations.services.annotations import annotation_create, annotation_delete
from annotations.services.articles import ArticleError
from annotations.services.claims import evidence_link_create
from annotations.services.revisions import article_revise
from tests.factories import ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db



@pytest.fixture
def article(user):
    return ArticleFactory(text=TEXT, created_by=user)


def tag(article, user, quote=CRITICS, tag="claim"):
    start = article.current_revision.text.index(quote)
    return annotation_create(author=user, article=article, start=start, end=start + len(quote), tag=tag)


def revise(article, user, text) -> str:
    return article_revise(article=article, text=text, user=user).text


def sentence_texts(annotation: Annotation) -> list[str]:
    text = annotation.anchored_revision.text
    return [text[s.start : s.end] for s in annotation.sentences.order_by("index")]


def test_an_edit_before_the_passage_moves_it_exactly(article, user):
    annotation = tag(article, user)
    new_text = revise(article, user, TEXT.replace("on Tuesday evening", "on a rainy Tuesday evening"))
    annotation.refresh_from_db()
    assert new_text[annotation.start : annotation.end] == CRITICS
    assert annotation.start == TEXT.index(CRITICS) + len("a rainy ")
    assert annotation.anchor_state == "anchored" and annotation.anchored_revision.number == 2
    assert annotation.revision.number == 1 and annotation.exact == CRITICS  # as it was made


def test_an_edit_inside_the_quote_is_followed_approximately(article, user):
    annotation = tag(article, user)
    edited = CRITICS.replace("far too expensive", "much too expensive")
    new_text = revise(article, user, TEXT.replace(CRITICS, edited))
    annotation.refresh_from_db()
    assert annotation.anchor_state == "anchored" and annotation.anchor_method == "fuzzy"
    assert new_text[annotation.start : annotation.end] == edited
    assert 0.75 <= annotation.anchor_score < 1


def test_a_rewritten_passage_orphans_the_annotation_but_keeps_it(article, user):
    annotation = tag(article, user)
    revise(article, user, TEXT.replace(CRITICS, "Nobody in the audience raised any objection at all."))
    annotation.refresh_from_db()
    assert annotation.anchor_state == "orphaned"
    assert (annotation.start, annotation.end) == (None, None)
    assert annotation.exact == CRITICS and not annotation.sentences.exists()


def test_deleting_the_sentence_orphans_the_annotation_and_its_claim(article, user):
    annotation = tag(article, user)
    kept = tag(article, user, quote="The vote was close.")
    revise(article, user, TEXT.replace(CRITICS + " ", ""))
    annotation.refresh_from_db()
    kept.refresh_from_db()
    assert Annotation.objects.count() == 2
    assert annotation.anchor_state == "orphaned" and annotation.claim.start is None
    assert kept.anchor_state == "anchored" and kept.claim.start == kept.start


def test_claims_move_with_their_annotations(article, user):
    annotation = tag(article, user)
    new_text = revise(article, user, "Budget Vote In The Council\nBreaking news. " + TEXT.split("\n", 1)[1])
    claim = Claim.objects.get()
    annotation.refresh_from_db()
    assert (claim.start, claim.end) == (annotation.start, annotation.end)
    assert new_text[claim.start : claim.end] == CRITICS


def test_a_claim_kept_for_its_evidence_moves_by_its_own_span(article, user):
    annotation = tag(article, user)
    evidence = tag(article, user, quote="The vote was close.", tag="evidence")
    evidence_link_create(author=user, evidence=evidence, claim_id=annotation.claim_id, stance="refutes")
    annotation_delete(annotation=annotation, user=user)
    new_text = revise(article, user, TEXT.replace("The council", "Yesterday the council"))
    claim = Claim.objects.get()
    assert new_text[claim.start : claim.end] == CRITICS


def test_annotations_point_at_the_sentences_of_the_new_revision(article, user):
    one = tag(article, user)
    two = tag(article, user, quote="town. Supporters reply", tag="opinion")
    revise(article, user, TEXT.replace("Tuesday", "Wednesday"))
    one.refresh_from_db()
    two.refresh_from_db()
    current = Revision.objects.get(article=article, number=2)
    assert set(one.sentences.values_list("revision", flat=True)) == {current.pk}
    assert sentence_texts(one) == [CRITICS]
    assert sentence_texts(two) == [CRITICS, "Supporters reply that repairs are overdue."]


def test_only_the_creator_or_a_moderator_may_revise(article, user):
    for intruder in (UserFactory(), AnonymousUser()):
        with pytest.raises(NotAllowed):
            article_revise(article=article, text=TEXT + " More.", user=intruder)
    assert Revision.objects.filter(article=article).count() == 1
    article_revise(article=article, text=TEXT + " More.", user=UserFactory(role="moderator"))
    article.refresh_from_db()
    assert article.current_revision.number == 2 and article.current_revision.text.endswith("More.")


@pytest.mark.parametrize("text", [TEXT, TEXT + "\n\n", "   "])
def test_an_unchanged_or_empty_text_is_refused(article, user, text):
    with pytest.raises(ArticleError):
        article_revise(article=article, text=text, user=user)
    assert Revision.objects.filter(article=article).count() == 1


def test_reanchoring_many_annotations_takes_a_constant_number_of_queries(user, settings, django_assert_max_num_queries):
    settings.REDNOTE_RATE_LIMITS = False  # 200 annotations in a loop: set-up, not a person posting
    lines = [f"Sentence number {i} says something about topic {i % 7}." for i in range(220)]
    body = "\n".join(" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4))
    article = ArticleFactory(text="Many Sentences\n" + body, created_by=user)
    sentences = list(article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index"))
    assert len(sentences) == 220
    for sentence in sentences[:200]:
        annotation_create(author=user, article=article, start=sentence.start, end=sentence.end, tag="claim")
    with django_assert_max_num_queries(25):
        article_revise(article=article, text="Many Sentences\nA new first sentence.\n" + body, user=user)
    moved = Annotation.objects.filter(anchor_state="anchored", anchored_revision__number=2)
    assert moved.count() == 200
    assert Annotation.sentences.through.objects.filter(sentence__revision__number=2).count() == 200
    assert Claim.objects.filter(start__isnull=False).count() == 200
