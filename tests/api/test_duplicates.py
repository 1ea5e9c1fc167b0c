"""The same annotation or source posted twice by the same person makes one row: the API
answers 201 the first time and 200 with the existing one after; the pages take it as done."""
import threading

import pytest
from django.db import connection, connections
from django.urls import reverse

from annotations.models import Annotation, Sentence, Source
from tests.conftest import client_for
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def first_sentence(article) -> Sentence:
    return article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index").first()


def annotation_body(article, tag="opinion") -> dict:
    sentence = first_sentence(article)
    return {"article": article.pk, "start": sentence.start, "end": sentence.end, "tag": tag}


def test_the_same_annotation_twice_is_one_annotation():
    article, client = ArticleFactory(), client_for(UserFactory())
    first = client.post("/api/annotations/", annotation_body(article), format="json")
    again = client.post("/api/annotations/", annotation_body(article), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Annotation.objects.filter(article=article).count() == 1


def test_another_tag_another_person_or_another_span_are_not_duplicates():
    article, author = ArticleFactory(), UserFactory()
    assert client_for(author).post("/api/annotations/", annotation_body(article), format="json").status_code == 201
    other_tag = client_for(author).post("/api/annotations/", annotation_body(article, "evidence"), format="json")
    other_person = client_for(UserFactory()).post("/api/annotations/", annotation_body(article), format="json")
    body = annotation_body(article) | {"end": annotation_body(article)["end"] - 1}
    other_span = client_for(author).post("/api/annotations/", body, format="json")
    assert [other_tag.status_code, other_person.status_code, other_span.status_code] == [201, 201, 201]
    assert Annotation.objects.filter(article=article).count() == 4


def test_the_same_link_or_passage_twice_is_one_source():
    claim, client = ClaimFactory(), client_for(UserFactory())
    url = f"/api/claims/{claim.pk}/sources/"
    link = {"url": "https://stats.example.org/wages", "title": "Wages", "stance": "contradicts"}
    sentence = first_sentence(claim.article)
    passage = {"article": claim.article.pk, "start": sentence.start, "end": sentence.end, "stance": "contradicts"}
    for body in (link, passage):
        first = client.post(url, body, format="json")
        again = client.post(url, body | {"note": "Posted twice"}, format="json")
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["id"] == first.json()["id"]
    assert Source.objects.filter(claim=claim).count() == 2


def test_the_pages_take_a_repeated_annotation_or_source_as_done(client):
    claim, person = ClaimFactory(), UserFactory()
    client.force_login(person)
    sentence = first_sentence(claim.article)
    tag = {"start": sentence.start, "end": sentence.end, "tag": "opinion", "revision": 1}
    source = {"kind": "link", "url": "https://stats.example.org/wages", "title": "Wages", "stance": "contradicts"}
    for _ in range(2):
        added = client.post(reverse("annotation-create", args=[claim.article.pk]), tag, **HTMX)
        attached = client.post(reverse("source-create", args=[claim.pk]), source, **HTMX)
        assert added.status_code == 200 and "Saved as opinion" in added.content.decode()
        assert attached.status_code in (200, 302) and "error" not in attached.content.decode().lower()
    assert Annotation.objects.filter(author=person).count() == 1
    assert Source.objects.filter(author=person).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_ten_concurrent_posts_of_one_annotation_make_one_row():
    article, client = ArticleFactory(), client_for(UserFactory())
    barrier = threading.Barrier(10)
    codes: list = []

    def post():
        try:
            barrier.wait(timeout=10)
            codes.append(client.post("/api/annotations/", annotation_body(article), format="json").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(codes) == [200] * 9 + [201]
    assert Annotation.objects.filter(article=article).count() == 1
