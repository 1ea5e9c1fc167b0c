"""PATCH /api/articles/{id}/: revising an article's text, and where its annotations end up."""
import pytest
from rest_framework.test import APIClient

from annotations.models import Revision
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db

NEW_TEXT = TEXT.replace("The council", "After midnight the council").replace("The vote was close. ", "")


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def article(user):
    return ArticleFactory(text=TEXT, created_by=user)


def test_the_creator_revises_and_annotations_report_where_they_are_now(user_client, article):
    moved = AnnotationFactory(article=article, tag="claim", quote=CRITICS)
    lost = AnnotationFactory(article=article, quote="The vote was close.")
    response = user_client.patch(f"/api/articles/{article.pk}/", {"text": NEW_TEXT}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["revision"], body["text"]) == (2, NEW_TEXT)
    assert "The vote was close." not in [s["text"] for s in body["sentences"]]

    annotation = user_client.get(f"/api/annotations/{moved.pk}/").json()
    start = NEW_TEXT.index(CRITICS)
    assert (annotation["revision"], annotation["start"], annotation["end"]) == (2, start, start + len(CRITICS))
    assert annotation["anchor_state"] == "anchored" and annotation["quote"] == CRITICS
    sentence = next(s for s in body["sentences"] if s["text"] == CRITICS)
    assert annotation["sentences"] == [sentence["id"]]
    claim = user_client.get(f"/api/claims/{annotation['claim']}/").json()
    assert (claim["start"], claim["end"]) == (annotation["start"], annotation["end"])

    orphan = user_client.get(f"/api/annotations/{lost.pk}/").json()
    assert (orphan["anchor_state"], orphan["start"], orphan["end"]) == ("orphaned", None, None)
    assert orphan["quote"] == "The vote was close." and orphan["sentences"] == []
    orphans = user_client.get(f"/api/annotations/?article={article.pk}&anchor_state=orphaned").json()
    assert [item["id"] for item in orphans["results"]] == [lost.pk]


def test_a_revision_may_be_given_as_markdown(user_client, article):
    response = user_client.patch(
        f"/api/articles/{article.pk}/", {"text": "# Budget\n\nA *short* version.", "format": "markdown"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [s["text"] for s in response.json()["sentences"] if s["kind"] == "content"] == ["A short version."]


def test_others_cannot_revise_and_nothing_changes(article):
    for client, statuses in ((client_for(UserFactory()), {403}), (APIClient(), {401, 403})):
        response = client.patch(f"/api/articles/{article.pk}/", {"text": NEW_TEXT}, format="json")
        assert response.status_code in statuses and response.json()["detail"]
    assert Revision.objects.filter(article=article).count() == 1
    article.refresh_from_db()
    assert article.current_revision.text == TEXT


def test_a_moderator_may_revise(article):
    response = client_for(UserFactory(role="moderator")).patch(
        f"/api/articles/{article.pk}/", {"text": NEW_TEXT}, format="json"
    )
    assert response.status_code == 200 and response.json()["revision"] == 2


@pytest.mark.parametrize(
    "payload, field",
    [({}, "text"), ({"text": "  "}, "text"), ({"text": TEXT}, "text"), ({"text": NEW_TEXT, "format": "pdf"}, "format")],
)
def test_bad_revisions_are_a_400_naming_the_field(user_client, article, payload, field):
    response = user_client.patch(f"/api/articles/{article.pk}/", payload, format="json")
    assert response.status_code == 400 and field in response.json()
    assert Revision.objects.filter(article=article).count() == 1


def test_revising_a_missing_article_is_a_404(user_client):
    response = user_client.patch("/api/articles/999999/", {"text": NEW_TEXT}, format="json")
    assert response.status_code == 404 and response.json()["detail"]
