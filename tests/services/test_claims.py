import pytest

from annotations.models import EvidenceLink, Source
from annotations.policy import NotAllowed
from annotations.services.annotations import AnnotationError
from annotations.services.claims import (
    evidence_link_create,
    evidence_link_delete,
    source_create,
    source_delete,
)
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    return AnnotationFactory(tag="claim").claim


@pytest.fixture
def evidence(user):
    return AnnotationFactory(tag="evidence", author=user)


def test_evidence_from_another_article_is_linked_to_a_claim(claim, evidence, user):
    link = evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance="refutes", note="Not so.")
    assert (link.claim, link.evidence, link.stance, link.note, link.author) == (
        claim, evidence, "refutes", "Not so.", user
    )
    assert evidence.article_id != claim.article_id


def test_only_annotations_tagged_evidence_can_be_linked(claim, user):
    opinion = AnnotationFactory(tag="opinion", author=user)
    with pytest.raises(AnnotationError) as raised:
        evidence_link_create(author=user, evidence=opinion, claim_id=claim.pk, stance="supports")
    assert raised.value.field == "evidence"
    assert not EvidenceLink.objects.exists()


def test_nobody_links_someone_elses_evidence(claim, evidence):
    with pytest.raises(NotAllowed):
        evidence_link_create(author=UserFactory(), evidence=evidence, claim_id=claim.pk, stance="supports")
    assert not EvidenceLink.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [({"claim_id": 0}, "claim"), ({"stance": "agrees"}, "stance"), ({"note": "x" * 10_001}, "note")],
)
def test_bad_evidence_links_name_the_field(claim, evidence, user, change, field):
    arguments = {"author": user, "evidence": evidence, "claim_id": claim.pk, "stance": "supports", **change}
    with pytest.raises(AnnotationError) as raised:
        evidence_link_create(**arguments)
    assert raised.value.field == field
    assert not EvidenceLink.objects.exists()


def test_a_deleted_claim_cannot_be_linked_to(claim, evidence, user):
    claim_id = claim.pk
    claim.delete()
    with pytest.raises(AnnotationError) as raised:
        evidence_link_create(author=user, evidence=evidence, claim_id=claim_id, stance="supports")
    assert raised.value.field == "claim" and "deleted" in str(raised.value)


def test_the_same_evidence_is_linked_to_a_claim_once(claim, evidence, user):
    evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance="supports")
    with pytest.raises(AnnotationError) as raised:
        evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance="refutes")
    assert raised.value.field == "claim"
    assert EvidenceLink.objects.get().stance == "supports"


def test_links_are_removed_by_their_author_or_a_moderator_only(claim, evidence, user):
    link = evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance="supports")
    with pytest.raises(NotAllowed):
        evidence_link_delete(link=link, user=UserFactory())
    assert EvidenceLink.objects.filter(pk=link.pk).exists()
    evidence_link_delete(link=link, user=UserFactory(role="moderator"))
    assert not EvidenceLink.objects.exists()
    mine = evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance="supports")
    evidence_link_delete(link=mine, user=user)
    assert not EvidenceLink.objects.exists()


def test_a_link_source_keeps_the_address_it_was_given(claim, user):
    source = source_create(
        author=user, claim_id=claim.pk, stance="contradicts", url=" https://example.org/report?id=4 ",
        title=" The report ", note="See page 4.",
    )
    assert (source.kind, source.url, source.title, source.stance) == (
        "link", "https://example.org/report?id=4", "The report", "contradicts"
    )


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", "JavaScript:alert(1)", "ftp://example.org/file", "data:text/html,<b>x</b>",
     "example.org/no-scheme", "https://", "http://exa mple.org"],
)
def test_only_web_addresses_are_accepted_as_links(claim, user, url):
    with pytest.raises(AnnotationError) as raised:
        source_create(author=user, claim_id=claim.pk, stance="supports", url=url, title="A title")
    assert raised.value.field == "url"
    assert not Source.objects.exists()


def test_a_link_needs_a_title(claim, user):
    with pytest.raises(AnnotationError) as raised:
        source_create(author=user, claim_id=claim.pk, stance="supports", url="https://example.org", title="  ")
    assert raised.value.field == "title"


def test_a_passage_source_quotes_the_current_text_of_its_article(claim, user):
    cited = ArticleFactory(text="Other Article\nThe bridge was built in 1890. It is still standing.")
    text = cited.current_revision.text
    start = text.index("The bridge")
    source = source_create(
        author=user, claim_id=claim.pk, stance="supports", passage_article=cited,
        passage_start=start, passage_end=start + len("The bridge was built in 1890."),
    )
    assert source.kind == "passage" and source.passage_quote == "The bridge was built in 1890."
    assert source.passage_revision == cited.current_revision and source.title == "Other Article"


@pytest.mark.parametrize(
    "change, field",
    [
        ({"passage_start": 5, "passage_end": 5}, "passage_start"),
        ({"passage_start": 0, "passage_end": 10_000}, "passage_start"),
        ({"passage_start": None}, "passage_start"),
        ({"url": "https://example.org"}, "url"),
        ({"stance": "refutes"}, "stance"),
        ({"claim_id": 0}, "claim"),
    ],
)
def test_bad_passages_name_the_field_and_save_nothing(claim, user, change, field):
    cited = ArticleFactory()
    arguments = {
        "author": user, "claim_id": claim.pk, "stance": "supports", "passage_article": cited,
        "passage_start": 0, "passage_end": 5, **change,
    }
    with pytest.raises(AnnotationError) as raised:
        source_create(**arguments)
    assert raised.value.field == field
    assert not Source.objects.exists()


def test_sources_are_removed_by_their_author_or_a_moderator_only(claim, user):
    source = source_create(author=user, claim_id=claim.pk, stance="supports", url="https://example.org", title="T")
    with pytest.raises(NotAllowed):
        source_delete(source=source, user=UserFactory())
    assert Source.objects.filter(pk=source.pk).exists()
    source_delete(source=source, user=UserFactory(role="moderator"))
    assert not Source.objects.exists()
