import pytest

from annotations.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_list_is_paginated_with_the_documented_fields(api_client):
    for _ in range(3):
        ArticleFactory()
    body = api_client.get("/api/articles/?page_size=2").json()
    assert body["count"] == 3 and len(body["results"]) == 2 and body["next"]
    item = body["results"][0]
    assert {"id", "title", "author", "source", "published", "sentence_count"} <= set(item)
    assert item["sentence_count"] == 4


def test_detail_gives_text_and_sentences_with_code_point_offsets(api_client):
    article = ArticleFactory(text="Emoji Title\nCafé 😀 costs ¥5. It’s “cheap”.")
    body = api_client.get(f"/api/articles/{article.pk}/").json()
    text = body["text"]
    content = [s for s in body["sentences"] if s["kind"] == "content"]
    assert [s["text"] for s in content] == ["Café 😀 costs ¥5.", "It’s “cheap”."]
    for sentence in body["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]
        assert {"id", "index", "start", "end", "text"} <= set(sentence)


def test_anonymous_users_cannot_add_articles(api_client):
    response = api_client.post("/api/articles/", {"text": "A sentence."}, format="json")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()
    assert not Article.objects.exists()


def test_signed_in_users_add_articles_with_an_optional_title(user_client):
    response = user_client.post(
        "/api/articles/", {"text": "## Heading\n\nOne claim. *Two* claims.", "format": "markdown"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Heading"
    assert [s["text"] for s in body["sentences"] if s["kind"] == "content"] == ["One claim.", "Two claims."]


@pytest.mark.parametrize("payload", [{}, {"text": ""}, {"text": "   "}, {"text": "x", "format": "pdf"}])
def test_bad_input_is_a_400_naming_the_field(user_client, payload):
    response = user_client.post("/api/articles/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert "detail" in body and ("text" in body or "format" in body)
    assert not Article.objects.exists()


def test_the_same_text_twice_is_a_conflict_pointing_at_the_existing_article(user_client):
    first = user_client.post("/api/articles/", {"text": "Only once. Really."}, format="json").json()
    again = user_client.post("/api/articles/", {"text": "Only once. Really."}, format="json")
    assert again.status_code == 409
    assert again.json()["existing"] == first["id"]


def test_unknown_api_urls_answer_json_not_html(api_client):
    response = api_client.get("/api/nothing-here/")
    assert response.status_code == 404
    assert response.json()["detail"]
    missing = api_client.get("/api/articles/999999/")
    assert missing.status_code == 404 and missing.json()["detail"]


def test_openapi_schema_describes_the_article_endpoints(api_client):
    response = api_client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/articles/", "/api/articles/{id}/", "/api/auth/token/"} <= set(schema["paths"])


def test_interactive_docs_are_served_locally(api_client):
    response = api_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger" in html.lower() and "cdn.jsdelivr" not in html and "unpkg" not in html
