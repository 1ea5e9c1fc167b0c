"""The REST framework throttles really apply: anonymous, per user, and writes; one switch off."""
import pytest
from rest_framework.test import APIClient

from tests.conftest import client_for
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tiny_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min", "writes": "2/min"},
    }


def test_anonymous_readers_over_the_rate_get_429_with_retry_after(tiny_rates):
    reader = APIClient(REMOTE_ADDR="198.51.100.30")
    assert [reader.get("/api/articles/").status_code for _ in range(3)] == [200, 200, 200]
    refused = reader.get("/api/articles/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["detail"]
    assert APIClient(REMOTE_ADDR="198.51.100.31").get("/api/articles/").status_code == 200


def test_signed_in_users_are_counted_each_on_their_own(tiny_rates):
    first, second = client_for(UserFactory()), client_for(UserFactory())
    assert [first.get("/api/articles/").status_code for _ in range(5)] == [200] * 5
    assert first.get("/api/articles/").status_code == 429
    assert second.get("/api/articles/").status_code == 200


def test_writes_have_their_own_stricter_rate(tiny_rates):
    author = client_for(UserFactory())
    created = [author.post("/api/articles/", {"text": f"Write {i}. Two."}, format="json").status_code for i in range(3)]
    assert created == [201, 201, 429]
    assert author.get("/api/articles/").status_code == 200


def test_the_default_rates_let_a_class_of_thirty_behind_one_address_read_together(db):
    ArticleFactory()
    classroom = APIClient(REMOTE_ADDR="198.51.100.40")
    statuses = {classroom.get("/api/articles/").status_code for _ in range(30 * 5)}
    assert statuses == {200}


def test_switching_rate_limits_off_turns_every_throttle_off(tiny_rates, settings):
    settings.REDNOTE_RATE_LIMITS = False
    reader, author = APIClient(REMOTE_ADDR="198.51.100.50"), client_for(UserFactory())
    assert {reader.get("/api/articles/").status_code for _ in range(6)} == {200}
    created = {author.post("/api/articles/", {"text": f"Write {i}. Two."}, format="json").status_code for i in range(4)}
    assert created == {201}
