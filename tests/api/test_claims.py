import pytest
from rest_framework.test import APIClient

from annotations.models import Claim, EvidenceLink, Source
from annotations.selectors.claims import PassageHit, corpus_search
from annotations.services.claims import evidence_link_create, source_create
from annotations.services.revisions import article_revise
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db



def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


@pytest.fixture
def claim(article):
    return AnnotationFactory(article=article, tag="claim", quote=CRITICS).claim


@pytest.fixture
def evidence(user):
    return AnnotationFactory(author=user, tag="evidence")


def test_a_claim_shows_who_tagged_it_and_the_evidence_and_sources_around_it(api_client, article, claim, user):
    AnnotationFactory(article=article, tag="claim", quote=CRITICS, author=UserFactory(username="bea"))
    for stance in ("supports", "supports", "refutes"):
        proof = AnnotationFactory(tag="evidence", author=user)
        evidence_link_create(author=user, evidence=proof, claim_id=claim.pk, stance=stance)
    source_create(author=user, claim_id=claim.pk, stance="contradicts", url="https://example.org", title="T")
    body = api_client.get(f"/api/claims/{claim.pk}/").json()
    assert body == {
        "id": claim.pk,
        "url": f"http://testserver/api/claims/{claim.pk}/",
        "article": article.pk,
        "quote": CRITICS,
        "start": TEXT.index(CRITICS),
        "end": TEXT.index(CRITICS) + len(CRITICS),
        "created": body["created"],
        "annotation_count": 2,
        "tagged_by": [claim.annotations.earliest("created_at").author.username, "bea"],
        "evidence_for": 2,
        "evidence_against": 1,
        "source_count": 1,
        "hidden": False,
        "hidden_reason": "",
    }
    listed = api_client.get(f"/api/claims/?article={article.pk}").json()
    assert listed["count"] == 1 and listed["results"][0] == body
    assert api_client.get("/api/claims/999999/").status_code == 404


def test_listing_claims_takes_a_constant_number_of_queries(api_client, user, django_assert_num_queries):
    article = ArticleFactory(text="Title Line\n" + " ".join(f"Sentence {i} is here." for i in range(20)))
    text = article.current_revision.text
    taggers = [UserFactory() for _ in range(3)]
    for sentence in article.current_revision.sentences.filter(kind="content"):
        for tagger in taggers:
            AnnotationFactory(article=article, author=tagger, tag="claim", quote=text[sentence.start : sentence.end])
    with django_assert_num_queries(3):  # count, claims with their counts, taggers
        body = api_client.get("/api/claims/?page_size=50").json()
    assert body["count"] == 20 and all(len(claim["tagged_by"]) == 3 for claim in body["results"])


def test_listing_evidence_and_sources_takes_a_constant_number_of_queries(
    api_client, claim, django_assert_num_queries
):
    authors = [UserFactory() for _ in range(3)]
    for i in range(12):
        author = authors[i % 3]
        proof = AnnotationFactory(author=author, tag="evidence")
        evidence_link_create(author=author, evidence=proof, claim_id=claim.pk, stance=("supports", "refutes")[i % 2])
        source_create(
            author=author, claim_id=claim.pk, stance="supports", passage_article=proof.article,
            passage_start=proof.start, passage_end=proof.end,
        )
    with django_assert_num_queries(4):  # the claim, count, links with annotations, revision texts
        evidence = api_client.get(f"/api/claims/{claim.pk}/evidence/").json()
    with django_assert_num_queries(3):  # the claim, count, sources with their articles
        sources = api_client.get(f"/api/claims/{claim.pk}/sources/").json()
    assert len(evidence["results"]) == len(sources["results"]) == 12
    quotes = {item["evidence"]["quote"] for item in evidence["results"]}
    assert len(quotes) == 12 and quotes == {item["passage"]["quote"] for item in sources["results"]}


def test_evidence_is_linked_listed_and_unlinked(user_client, user, claim, evidence):
    url = f"/api/claims/{claim.pk}/evidence/"
    response = user_client.post(url, {"evidence": evidence.pk, "stance": "supports", "note": "See this."}, format="json")
    assert response.status_code == 201, response.content
    link = response.json()
    assert (link["claim"], link["stance"], link["note"], link["author"]) == (claim.pk, "supports", "See this.", user.username)
    text = evidence.article.current_revision.text
    assert link["evidence"] == {
        "id": evidence.pk,
        "article": evidence.article_id,
        "article_title": evidence.article.title,
        "start": evidence.start,
        "end": evidence.end,
        "quote": text[evidence.start : evidence.end],
        "anchor_state": "anchored",
        "author": user.username,
        "hidden": False,
        "hidden_reason": "",
    }
    assert [item["id"] for item in user_client.get(url).json()["results"]] == [link["id"]]
    assert user_client.delete(f"{url}{link['id']}/").status_code == 204
    assert not EvidenceLink.objects.exists()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"stance": "agrees"}, "stance"),
        ({"evidence": 999_999}, "evidence"),
        ({"note": "x" * 10_001}, "note"),
    ],
)
def test_bad_evidence_links_are_a_400_naming_the_field(user_client, claim, evidence, payload, field):
    response = user_client.post(
        f"/api/claims/{claim.pk}/evidence/", {"evidence": evidence.pk, "stance": "supports", **payload}, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not EvidenceLink.objects.exists()


def test_only_evidence_annotations_can_be_linked(user_client, user, claim):
    opinion = AnnotationFactory(author=user, tag="opinion")
    response = user_client.post(f"/api/claims/{claim.pk}/evidence/", {"evidence": opinion.pk, "stance": "supports"})
    assert response.status_code == 400 and "evidence" in response.json()
    assert not EvidenceLink.objects.exists()


def test_linking_to_a_deleted_claim_is_a_400_naming_the_claim(user_client, claim, evidence):
    claim_id = claim.pk
    Claim.objects.filter(pk=claim_id).delete()
    response = user_client.post(f"/api/claims/{claim_id}/evidence/", {"evidence": evidence.pk, "stance": "refutes"})
    assert response.status_code == 400 and "claim" in response.json()
    assert user_client.get(f"/api/claims/{claim_id}/evidence/").status_code == 404


def test_nobody_links_someone_elses_evidence(claim, evidence):
    response = client_for(UserFactory()).post(
        f"/api/claims/{claim.pk}/evidence/", {"evidence": evidence.pk, "stance": "supports"}
    )
    assert response.status_code == 403
    assert not EvidenceLink.objects.exists()


def test_others_cannot_remove_a_link_and_anonymous_users_cannot_write(api_client, user, claim, evidence):
    link = evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance="supports")
    url = f"/api/claims/{claim.pk}/evidence/"
    assert client_for(UserFactory()).delete(f"{url}{link.pk}/").status_code == 403
    assert api_client.delete(f"{url}{link.pk}/").status_code in (401, 403)
    assert api_client.post(url, {"evidence": evidence.pk, "stance": "refutes"}).status_code in (401, 403)
    other_claim = AnnotationFactory(tag="claim").claim
    assert client_for(user).delete(f"/api/claims/{other_claim.pk}/evidence/{link.pk}/").status_code == 404
    assert EvidenceLink.objects.filter(pk=link.pk).exists()


def test_a_link_source_is_attached_and_listed(user_client, user, claim):
    url = f"/api/claims/{claim.pk}/sources/"
    response = user_client.post(
        url, {"stance": "contradicts", "url": "https://example.org/report", "title": "Report", "note": "p. 4"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {
        "id": body["id"],
        "claim": claim.pk,
        "kind": "link",
        "stance": "contradicts",
        "url": "https://example.org/report",
        "title": "Report",
        "passage": None,
        "note": "p. 4",
        "author": user.username,
        "created": body["created"],
        "hidden": False,
        "hidden_reason": "",
    }
    assert user_client.get(url).json()["results"] == [body]


def test_a_passage_source_answers_its_quote(user_client, claim):
    cited = ArticleFactory(text="Other Article\nRoads cost little here. Really.")
    response = user_client.post(
        f"/api/claims/{claim.pk}/sources/",
        {"stance": "supports", "article": cited.pk, "start": 14, "end": 37},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["title"], body["url"]) == ("passage", "Other Article", "")
    assert body["passage"] == {
        "article": cited.pk, "article_title": "Other Article", "revision": 1, "start": 14, "end": 37,
        "quote": "Roads cost little here.",
    }


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"url": "javascript:alert(document.cookie)", "title": "x"}, "url"),
        ({"url": "ftp://example.org/file.txt", "title": "x"}, "url"),
        ({"url": "data:text/html;base64,PHNjcmlwdD4=", "title": "x"}, "url"),
        ({"url": "https://example.org"}, "title"),
        ({}, "url"),
        ({"stance": "refutes", "url": "https://example.org", "title": "x"}, "stance"),
        ({"article": "CITED", "start": 14, "end": 400}, "start"),
        ({"article": "CITED", "start": 20, "end": 20}, "start"),
        ({"article": "CITED"}, "start"),
        ({"start": 1, "end": 5}, "article"),
        ({"article": 999_999, "start": 1, "end": 5}, "article"),
        ({"article": "CITED", "start": 14, "end": 20, "url": "https://example.org"}, "url"),
    ],
)
def test_bad_sources_are_a_400_naming_the_field_and_save_nothing(user_client, claim, payload, field):
    cited = ArticleFactory(text="Other Article\nRoads cost little here. Really.")
    if payload.get("article") == "CITED":
        payload = {**payload, "article": cited.pk}
    response = user_client.post(f"/api/claims/{claim.pk}/sources/", {"stance": "supports", **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    assert not Source.objects.exists()


def test_a_source_on_a_deleted_claim_is_a_400_naming_the_claim(user_client, claim):
    claim_id = claim.pk
    Claim.objects.filter(pk=claim_id).delete()
    response = user_client.post(
        f"/api/claims/{claim_id}/sources/", {"stance": "supports", "url": "https://example.org", "title": "x"}
    )
    assert response.status_code == 400 and "claim" in response.json()


def test_only_the_author_or_a_moderator_removes_a_source(api_client, user, claim):
    source = source_create(author=user, claim_id=claim.pk, stance="supports", url="https://example.org", title="T")
    url = f"/api/claims/{claim.pk}/sources/{source.pk}/"
    assert client_for(UserFactory()).delete(url).status_code == 403
    assert api_client.delete(url).status_code in (401, 403)
    assert api_client.post(f"/api/claims/{claim.pk}/sources/", {"stance": "supports"}).status_code in (401, 403)
    assert Source.objects.filter(pk=source.pk).exists()
    assert client_for(UserFactory(role="moderator")).delete(url).status_code == 204
    assert not Source.objects.exists()


def test_search_finds_sentences_containing_the_words_ignoring_case(api_client, article):
    other = ArticleFactory(text="Roads Everywhere\nThe ROADS are new. Nothing else.")
    body = api_client.get("/api/search/?q=roads").json()
    text = article.current_revision.text
    sentence = article.current_revision.sentences.get(start=text.index(CRITICS))
    assert body == [
        {
            "article": article.pk, "title": article.title, "sentence": sentence.pk,
            "start": sentence.start, "end": sentence.end, "text": CRITICS,
        },
        {
            "article": other.pk, "title": "Roads Everywhere", "sentence": body[1]["sentence"],
            "start": 17, "end": 35, "text": "The ROADS are new.",
        },
    ]  # the title "Roads Everywhere" is not a passage to cite
    excluded = api_client.get(f"/api/search/?q=roads&exclude_article={article.pk}").json()
    assert [hit["article"] for hit in excluded] == [other.pk]
    assert api_client.get("/api/search/?q=nowhere-to-be-found").json() == []


def test_search_needs_a_query_and_answers_at_most_fifty(api_client):
    ArticleFactory(text="Many Lines\n" + "\n".join(f"Line {i} mentions taxes." for i in range(60)))
    assert len(api_client.get("/api/search/?q=TAXES").json()) == 50
    for query in ("", "?q=", "?q=%20%20", "?q=a"):
        response = api_client.get(f"/api/search/{query}")
        assert response.status_code == 400 and "q" in response.json()


def test_corpus_search_reads_the_current_text_of_each_article(user):
    article = ArticleFactory(text="A Title\nOld words here. More words.", created_by=user)
    revision = article_revise(article=article, text="A Title\nNew wording here. More words.", user=user)
    ids = {revision.text[s.start : s.end]: s.pk for s in revision.sentences.all()}
    assert corpus_search("old words") == []
    assert corpus_search("WORDING") == [PassageHit(article.pk, "A Title", ids["New wording here."], 8, 25, "New wording here.")]
    assert corpus_search("words", limit=1) == [PassageHit(article.pk, "A Title", ids["More words."], 26, 37, "More words.")]


def test_corpus_search_matches_accented_words_in_any_case():
    article = ArticleFactory(text="Cafés\nLe CAFÉ est fermé. Rien.")
    assert [hit.text for hit in corpus_search("café")] == ["Le CAFÉ est fermé."]
    assert [hit.article_id for hit in corpus_search("Fermé")] == [article.pk]


@pytest.mark.parametrize("kind", ["evidence", "sources"])
def test_an_item_under_a_claim_id_no_row_can_have_is_a_404(api_client, kind):
    for method in ("get", "delete"):
        response = getattr(client_for(UserFactory()), method)(f"/api/claims/{2**80}/{kind}/1/")
        assert (response.status_code, response.json()["detail"]) == (404, "No such claim.")
