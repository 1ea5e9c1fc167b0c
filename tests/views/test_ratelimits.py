"""Posting too fast from the reader: the status line says when to try again; nothing saved."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from annotations.models import Annotation, Sentence
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOON = dt.datetime(2026, 3, 2, 12, 0, 50, tzinfo=dt.UTC)  # 10 seconds left in the minute


@pytest.fixture(autouse=True)
def two_a_minute(settings):
    settings.REDNOTE_RATE_LIMITS, settings.REDIS_URL = True, ""
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "annotation": 2}


def post_tag(client, article, shorter: int = 0):
    """Tag the first sentence, `shorter` characters short of its end: a new span each time."""
    sentence = article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index").first()
    data = {"start": sentence.start, "end": sentence.end - shorter, "tag": "claim", "revision": 1}
    return client.post(reverse("annotation-create", args=[article.pk]), data, **HTMX)


def test_the_reader_says_when_to_try_again(client):
    article = ArticleFactory()
    client.force_login(UserFactory())
    with time_machine.travel(NOON, tick=False) as clock:
        assert [post_tag(client, article, n).status_code for n in range(2)] == [200, 200]
        refused = post_tag(client, article, 2)
        assert refused.status_code == 429 and refused["Retry-After"] == "10"
        assert refused["HX-Retarget"] == "#reader-status"
        assert "You are posting too fast; try again in 10 seconds." in refused.content.decode()
        assert Annotation.objects.count() == 2
        clock.shift(10)
        assert post_tag(client, article, 3).status_code == 200


def test_moderators_tag_as_fast_as_they_like(client):
    article = ArticleFactory()
    client.force_login(UserFactory(role="moderator"))
    with time_machine.travel(NOON, tick=False):
        assert {post_tag(client, article).status_code for _ in range(5)} == {200}
