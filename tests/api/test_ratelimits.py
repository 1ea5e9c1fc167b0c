"""Posting too fast through the API: 429 with Retry-After and a JSON detail; nothing saved."""
import datetime as dt

import pytest
import time_machine

from annotations.models import Annotation, Sentence
from tests.conftest import client_for
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 3, 2, 12, 0, 15, tzinfo=dt.UTC)  # 45 seconds left in the minute


@pytest.fixture(autouse=True)
def limits_on_in_the_database(settings):
    settings.REDNOTE_RATE_LIMITS, settings.REDIS_URL = True, ""


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


@pytest.fixture
def article():
    return ArticleFactory(text="Many Lines\n" + " ".join(f"Sentence {i} is here." for i in range(20)))


def post(client, article, index: int):
    """A new annotation each time (the same one again would not be a second annotation)."""
    sentence = article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index")[index % 20]
    payload = {"article": article.pk, "start": sentence.start, "end": sentence.end - index // 20, "tag": "opinion"}
    return client.post("/api/annotations/", payload, format="json")


def test_a_new_account_makes_sixty_annotations_a_minute_then_is_told_when_to_retry(clock, article):
    client = client_for(UserFactory())
    for i in range(60):
        assert post(client, article, i).status_code == 201
    refused = post(client, article, 60)
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert refused.json() == {
        "detail": "You are posting too fast; try again in 45 seconds.", "scope": "annotation", "retry_after": 45,
    }
    assert Annotation.objects.count() == 60
    clock.shift(45)
    assert post(client, article, 61).status_code == 201


def test_moderators_are_not_limited(clock, article, settings):
    settings.REDNOTE_RATE_LIMITS_PER_MINUTE = {**settings.REDNOTE_RATE_LIMITS_PER_MINUTE, "annotation": 1}
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "annotation": 1}
    moderator, member = client_for(UserFactory(role="moderator")), client_for(UserFactory())
    assert [post(moderator, article, i).status_code for i in range(5)] == [201] * 5
    assert [post(member, article, i).status_code for i in range(2)] == [201, 429]


def test_switched_off_nobody_is_limited(clock, article, settings):
    settings.REDNOTE_RATE_LIMITS = False
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "annotation": 1}
    client = client_for(UserFactory())
    assert [post(client, article, i).status_code for i in range(3)] == [201] * 3
