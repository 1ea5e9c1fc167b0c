"""Hot reads: the article list reads stored sentence counts, and the article list and detail
answer conditional GETs (ETag / Last-Modified, 304) from what their payload depends on."""
import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from annotations.models import Article, Revision, Sentence
from annotations.services.article_imports import ImportFile, articles_import
from tests.factories import AnnotationFactory, ArticleFactory

pytestmark = pytest.mark.django_db


def annotatable(article: Article) -> int:
    revision = Article.objects.get(pk=article.pk).current_revision
    return Sentence.objects.filter(revision=revision, kind__in=Sentence.ANNOTATABLE).count()


def listed_counts(client) -> dict[int, int]:
    body = client.get("/api/articles/?page_size=200").json()
    return {item["id"]: item["sentence_count"] for item in body["results"]}


def list_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/api/articles/?page_size=200").status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_list_shows_right_counts_after_create_revise_and_import(
    user, user_client, settings, django_capture_on_commit_callbacks
):
    created = ArticleFactory(created_by=user)
    revised = ArticleFactory(created_by=user)
    patch = user_client.patch(
        f"/api/articles/{revised.pk}/", {"text": "Only one sentence now."},
        format="json",
    )
    assert patch.status_code == 200, patch.content
    settings.REDNOTE_SYNC_SEGMENT_CHARS = 100
    long_text = "Long Title\n" + " ".join(f"Sentence number {i} is here." for i in range(20))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        long, short = articles_import(
            files=[ImportFile("long.txt", long_text.encode()), ImportFile("short.txt", b"Short. Text.")]
        )
    assert listed_counts(user_client)[long.pk] == 0  # not segmented yet: nothing to annotate
    for callback in callbacks:
        callback()
    counts = listed_counts(user_client)
    expected = {article.pk: annotatable(article) for article in (created, revised, long, short)}
    assert counts == expected
    assert expected[long.pk] == 20 and expected[short.pk] == 2 and expected[revised.pk] == 1


def test_the_list_never_counts_sentences_and_costs_the_same_for_any_corpus(api_client):
    ArticleFactory()
    few = list_queries(api_client)
    for _ in range(5):
        ArticleFactory()
    many = list_queries(api_client)
    assert len(many) == len(few) <= 3
    assert not any("annotations_sentence" in sql for sql in many), many


def test_the_article_list_page_shows_the_stored_counts(client):
    article = ArticleFactory()
    Revision.objects.filter(pk=article.current_revision_id).update(sentence_count=41)
    response = client.get("/")
    assert response.status_code == 200
    assert "<span>41 sentences</span>" in response.content.decode()


def test_the_migration_stores_the_counts_of_existing_revisions():
    articles = [ArticleFactory() for _ in range(3)]
    Revision.objects.update(sentence_count=0)
    importlib.import_module("annotations.migrations.0005_hot_reads").count_sentences(apps, None)
    assert {a.pk: a.current_revision.sentence_count for a in Article.objects.select_related("current_revision")} == {
        a.pk: annotatable(a) for a in articles
    }


def test_the_detail_answers_304_until_the_article_is_revised(user, user_client, api_client):
    article = ArticleFactory(created_by=user)
    url = f"/api/articles/{article.pk}/"
    first = api_client.get(url)
    assert first.status_code == 200 and first["ETag"] and first["Last-Modified"]
    with CaptureQueriesContext(connection) as captured:
        unchanged = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert unchanged.status_code == 304 and not unchanged.content
    assert len(captured.captured_queries) == 1
    assert api_client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304

    AnnotationFactory(article=article)  # annotations are not part of the detail
    assert api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    user_client.patch(url, {"text": "A new text.\nWith other sentences in it."}, format="json")
    after = api_client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200 and after["ETag"] != first["ETag"]
    assert after.json()["revision"] == 2 and "other sentences" in after.json()["text"]
    assert api_client.get(url, HTTP_IF_NONE_MATCH=after["ETag"]).status_code == 304


def test_the_detail_changes_when_its_fields_are_edited_or_its_sentences_arrive(
    api_client, settings, django_capture_on_commit_callbacks
):
    settings.REDNOTE_SYNC_SEGMENT_CHARS = 50
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        article = ArticleFactory(text="Long Title\n" + " ".join(f"Sentence {i} is here." for i in range(10)))
    url = f"/api/articles/{article.pk}/"
    unsegmented = api_client.get(url)
    assert unsegmented.json()["sentences"] == []
    for callback in callbacks:
        callback()
    segmented = api_client.get(url, HTTP_IF_NONE_MATCH=unsegmented["ETag"])
    assert segmented.status_code == 200 and len(segmented.json()["sentences"]) > 10

    article = Article.objects.get(pk=article.pk)
    article.title = "Edited in the admin"
    article.save()
    edited = api_client.get(url, HTTP_IF_NONE_MATCH=segmented["ETag"])
    assert edited.status_code == 200 and edited.json()["title"] == "Edited in the admin"


def test_a_missing_article_is_still_a_404(api_client):
    assert api_client.get("/api/articles/999999/", HTTP_IF_NONE_MATCH='"x"').status_code == 404
    assert api_client.get("/api/articles/abc/").status_code == 404


def test_the_list_answers_304_until_an_article_is_added_or_edited(api_client):
    article = ArticleFactory()
    first = api_client.get("/api/articles/")
    assert first.status_code == 200 and first["ETag"]
    assert api_client.get("/api/articles/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    article = Article.objects.get(pk=article.pk)
    article.title = "Renamed"  # as the admin saves it
    article.save()
    edited = api_client.get("/api/articles/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert edited.status_code == 200 and edited.json()["results"][0]["title"] == "Renamed"

    ArticleFactory()
    added = api_client.get("/api/articles/", HTTP_IF_NONE_MATCH=edited["ETag"])
    assert added.status_code == 200 and added.json()["count"] == 2
    assert api_client.get("/api/articles/", HTTP_IF_MODIFIED_SINCE=http_date()).status_code == 200


def test_an_id_beyond_any_integer_is_a_404_not_a_500(api_client):
    assert api_client.get(f"/api/articles/{'9' * 30}/").status_code == 404
