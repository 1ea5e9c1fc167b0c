"""Cached API reads (annotations/api/cached.py): an article's annotations, the article and the
list come from the reads cache while nothing they show has changed, and change at the next
request after a write; hidden items never leak from one viewer's cached answer to another's."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import QueueItem
from annotations.services.flags import flag_create
from tests.conftest import client_for
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db

LD = "application/ld+json"


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def listed(client, article, **params) -> list[int]:
    response = client.get("/api/annotations/", {"article": article.pk, **params})
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def hide_as_moderator(annotation) -> None:
    """Flag the annotation and hide it from the moderators' queue, through the API."""
    flag_create(flagger=UserFactory(), target_type="annotation", target_id=annotation.pk, reason="spam")
    item = QueueItem.objects.get(target_type="annotation", target_id=annotation.pk)
    moderator = client_for(UserFactory(role="moderator"))
    answer = moderator.post(
        f"/api/moderation/queue/{item.pk}/resolve/", {"action": "hide", "reason": "Spam.", "version": item.version},
        format="json",
    )
    assert answer.status_code == 200, answer.content


def test_a_new_annotation_is_in_the_next_answer(article):
    first = AnnotationFactory(article=article, quote=CRITICS)
    reader, writer = client_for(None), client_for(UserFactory())
    assert listed(reader, article) == [first.pk]
    start = article.current_revision.text.index("Supporters")
    made = writer.post(
        "/api/annotations/", {"article": article.pk, "start": start, "end": start + 10, "tag": "opinion"}, format="json"
    )
    assert made.status_code == 201, made.content
    assert sorted(listed(reader, article)) == sorted([first.pk, made.json()["id"]])


def test_an_edited_or_deleted_annotation_shows_so_at_once(article):
    author = UserFactory()
    annotation = AnnotationFactory(article=article, author=author, quote=CRITICS, note="First thoughts")
    reader, owner = client_for(None), client_for(author)
    assert reader.get(f"/api/annotations/?article={article.pk}").json()["results"][0]["note"] == "First thoughts"
    owner.patch(f"/api/annotations/{annotation.pk}/", {"note": "Second thoughts"}, format="json")
    assert reader.get(f"/api/annotations/?article={article.pk}").json()["results"][0]["note"] == "Second thoughts"
    owner.delete(f"/api/annotations/{annotation.pk}/")
    assert listed(reader, article) == []


def test_a_hidden_annotation_is_gone_for_members_at_once_and_stays_for_its_author(article):
    author, member = UserFactory(), UserFactory()
    annotation = AnnotationFactory(article=article, author=author, quote=CRITICS)
    viewers = {"anonymous": client_for(None), "member": client_for(member), "author": client_for(author)}
    assert {name: listed(client, article) for name, client in viewers.items()} == {
        name: [annotation.pk] for name in viewers
    }
    hide_as_moderator(annotation)
    assert listed(viewers["anonymous"], article) == listed(viewers["member"], article) == []
    own = viewers["author"].get("/api/annotations/", {"article": article.pk}).json()["results"]
    assert [(a["id"], a["hidden"], a["hidden_reason"]) for a in own] == [(annotation.pk, True, "Spam.")]
    assert listed(client_for(UserFactory(role="moderator")), article) == [annotation.pk]


def test_an_authors_view_of_their_hidden_item_never_reaches_anyone_else(article):
    author = UserFactory()
    hidden = AnnotationFactory(article=article, author=author, quote=CRITICS)
    hide_as_moderator(hidden)
    assert listed(client_for(author), article) == [hidden.pk]  # cached first, for the author
    assert listed(client_for(UserFactory()), article) == []
    assert listed(client_for(None), article) == []
    assert listed(client_for(author), article, mine="true") == [hidden.pk]
    assert listed(client_for(UserFactory()), article, mine="true") == []


def test_an_unchanged_list_is_answered_from_the_cache_in_one_query(article):
    for _ in range(3):
        AnnotationFactory(article=article, quote=CRITICS)
    reader = client_for(None)
    first = reader.get(f"/api/annotations/?article={article.pk}")
    with CaptureQueriesContext(connection) as queries:
        again = reader.get(f"/api/annotations/?article={article.pk}")
    assert again.content == first.content and again["Content-Type"] == first["Content-Type"] == "application/json"
    assert len(queries) == 1  # the article's stamps


def test_the_browsable_api_is_rendered_afresh_for_whoever_is_signed_in(article):
    AnnotationFactory(article=article, quote=CRITICS)
    url = f"/api/annotations/?article={article.pk}"
    assert client_for(None).get(url).status_code == 200  # the JSON, cached
    page = client_for(UserFactory(username="ada")).get(url, HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("text/html") and "ada" in page.content.decode()


def test_links_follow_the_host_and_the_format_follows_accept(article):
    annotation = AnnotationFactory(article=article, quote=CRITICS)
    reader = client_for(None)
    url = f"/api/annotations/?article={article.pk}"
    assert reader.get(url, HTTP_HOST="localhost").json()["results"][0]["url"].startswith("http://localhost/")
    assert reader.get(url, HTTP_HOST="127.0.0.1").json()["results"][0]["url"].startswith("http://127.0.0.1/")
    page = reader.get(url, HTTP_ACCEPT=LD)
    assert page["Content-Type"].startswith(LD) and page.json()["type"] == "AnnotationPage"
    assert reader.get(url).json()["results"][0]["id"] == annotation.pk


def test_the_article_and_the_list_change_at_once_after_a_revision_and_an_addition():
    creator = UserFactory()
    article = ArticleFactory(created_by=creator)
    reader = client_for(None)
    assert reader.get(f"/api/articles/{article.pk}/").json()["revision"] == 1
    assert reader.get("/api/articles/").json()["count"] == 1
    revised = client_for(creator).patch(f"/api/articles/{article.pk}/", {"text": "A new text.\nIn two lines."}, format="json")
    assert revised.status_code == 200, revised.content
    detail = reader.get(f"/api/articles/{article.pk}/").json()
    assert detail["revision"] == 2 and detail["text"] == "A new text.\nIn two lines."
    ArticleFactory()
    assert reader.get("/api/articles/").json()["count"] == 2
    with CaptureQueriesContext(connection) as queries:
        assert reader.get("/api/articles/").json()["count"] == 2
    assert len(queries) == 1  # the list's stamp


def test_a_claims_consensus_answer_follows_votes_sources_evidence_and_hiding(author_world):
    world, author = author_world
    url = f"/api/claims/{world.claim.pk}/consensus/"
    reader, voter = client_for(None), client_for(UserFactory())
    first = reader.get(url).json()
    assert (first["status"], first["sources_contradicting"], first["evidence_against"]) == ("not_enough_votes", 1, 1)
    assert voter.get(url).json()["your_vote"] is None
    assert voter.post(f"/api/claims/{world.claim.pk}/vote/", {"value": "agree"}, format="json").status_code == 200
    assert voter.get(url).json()["your_vote"] == "agree"
    assert [reader.get(url).json()[field] for field in ("status", "your_vote")] == ["updating", None]
    client_for(author).post(
        f"/api/claims/{world.claim.pk}/sources/",
        {"kind": "link", "stance": "contradicts", "url": "https://example.org/c", "title": "C"}, format="json",
    )
    assert reader.get(url).json()["sources_contradicting"] == 2
    assert client_for(author).delete(f"/api/annotations/{world.evidence.pk}/").status_code == 204  # in another article
    assert reader.get(url).json()["evidence_against"] == 0
    hide_as_moderator_claim(world.claim)
    assert reader.get(url).status_code == 404
    assert client_for(author).get(url).status_code == 200


@pytest.fixture
def author_world():
    from tests.enforcement_world import build_world

    author = UserFactory()
    return build_world(author), author


def hide_as_moderator_claim(claim) -> None:
    flag_create(flagger=UserFactory(), target_type="claim", target_id=claim.pk, reason="spam")
    item = QueueItem.objects.get(target_type="claim", target_id=claim.pk)
    answer = client_for(UserFactory(role="moderator")).post(
        f"/api/moderation/queue/{item.pk}/resolve/", {"action": "hide", "reason": "Spam.", "version": item.version},
        format="json",
    )
    assert answer.status_code == 200, answer.content
