"""Races on one object, on PostgreSQL, each request in its own thread with its own connection:
one winner, and a clear 4xx (never a 500) for everyone else."""
import pytest
from django.db import connection

from annotations.models import Annotation, Revision
from tests.concurrency import run_together
from tests.conftest import client_for
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def statuses(outcomes) -> list:
    return sorted(getattr(o, "status_code", o) for o in outcomes)


def test_five_concurrent_revisions_of_one_article_all_apply_in_turn():
    editor = UserFactory(role="moderator")
    article = ArticleFactory(created_by=editor)
    AnnotationFactory(article=article)
    url = f"/api/articles/{article.pk}/"
    client = client_for(editor)
    calls = [
        lambda n=n: client.patch(url, {"text": f"Revision {n} of the text. It has two sentences."}, format="json")
        for n in range(5)
    ]
    outcomes = run_together(*calls)
    assert all(getattr(o, "status_code", None) == 200 for o in outcomes), statuses(outcomes)
    numbers = sorted(Revision.objects.filter(article=article).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]
    article.refresh_from_db()
    assert article.current_revision.number == 6


def test_ten_concurrent_deletes_of_one_annotation_one_wins_the_rest_404():
    annotation = AnnotationFactory()
    client = client_for(annotation.author)
    url = f"/api/annotations/{annotation.pk}/"
    outcomes = run_together(*(lambda: client.delete(url) for _ in range(10)))
    assert statuses(outcomes) == [204] + [404] * 9
    assert not Annotation.objects.filter(pk=annotation.pk).exists()


def test_concurrent_edit_and_delete_of_one_annotation_never_500():
    annotation = AnnotationFactory()
    client = client_for(annotation.author)
    url = f"/api/annotations/{annotation.pk}/"
    calls = [lambda: client.delete(url)] + [
        lambda n=n: client.patch(url, {"note": f"Edit {n}"}, format="json") for n in range(5)
    ]
    outcomes = run_together(*calls)
    codes = [getattr(o, "status_code", o) for o in outcomes]
    assert codes[0] == 204, codes
    assert all(code in (200, 404) for code in codes[1:]), codes
