"""Redis down: sign-in, sign-up, password reset, throttles and posting limits carry on."""
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches
from rest_framework.test import APIClient

from annotations.api.throttles import SwitchableThrottle
from annotations.cache import FallbackRedisCache
from annotations.models import RateCounter
from annotations.services.ratelimits import ratelimit_consume
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory

REPO = Path(__file__).resolve().parent.parent
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    down = {"BACKEND": "annotations.cache.FallbackRedisCache", "LOCATION": DEAD_REDIS}
    settings.CACHES = {"default": down, "reads": {**down, "KEY_PREFIX": "reads"}}
    settings.REDIS_URL = DEAD_REDIS
    yield
    caches["default"].close()
    caches["reads"].close()


def test_the_settings_use_the_fallback_cache_when_redis_is_configured():
    code = "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "rednote.settings", "DEBUG": "true", "REDIS_URL": DEAD_REDIS}
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {code}"], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "annotations.cache.FallbackRedisCache"


def test_an_unreachable_redis_reads_as_empty_and_is_logged_once(caplog):
    store = FallbackRedisCache(DEAD_REDIS, {})
    with caplog.at_level(logging.WARNING, logger="annotations.cache"):
        assert store.get("k", "default") == "default"
        assert store.add("lock", True) is True
        store.set("k", 1)
        assert store.incr("n", 3) == 3
        assert store.delete("k") is False
        assert store.get_many(["a", "b"]) == {}
    warnings = [r for r in caplog.records if r.name == "annotations.cache"]
    assert len(warnings) <= 1


@pytest.mark.django_db
def test_sign_in_works_with_redis_down(redis_down, client):
    user = UserFactory()
    wrong = client.post("/accounts/login/", {"login": user.username, "password": "not-it"}, REMOTE_ADDR="198.51.100.60")
    assert wrong.status_code == 200
    assert "not correct" in wrong.content.decode()
    right = client.post("/accounts/login/", {"login": user.username, "password": "correct-horse-battery"}, REMOTE_ADDR="198.51.100.60")
    assert right.status_code == 302
    assert f"<strong>{user.username}</strong>" in client.get("/").content.decode()


@pytest.mark.django_db
def test_sign_up_and_password_reset_work_with_redis_down(redis_down, client, mailoutbox):
    signup = client.post(
        "/accounts/signup/",
        {"username": "offline", "email": "offline@example.org", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert signup.status_code == 302
    assert get_user_model().objects.filter(username="offline").exists()
    client.post("/accounts/logout/")
    reset = client.post("/accounts/password/reset/", {"email": "offline@example.org"})
    assert reset.status_code == 302
    assert "/accounts/password/reset/key/" in mailoutbox[-1].body


@pytest.mark.django_db
def test_the_api_throttles_let_requests_through_with_redis_down(redis_down, settings, monkeypatch):
    monkeypatch.setattr(SwitchableThrottle, "cache", cache)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min", "writes": "2/min"}}
    reader = APIClient(REMOTE_ADDR="198.51.100.61")
    assert {reader.get("/api/articles/").status_code for _ in range(4)} == {200}


@pytest.mark.django_db
def test_cached_reads_are_built_afresh_with_redis_down(redis_down, client):
    article = ArticleFactory()
    AnnotationFactory(article=article)
    for _ in range(2):
        assert client.get(article.get_absolute_url()).status_code == 200
        answer = client.get(f"/api/annotations/?article={article.pk}")
        assert answer.status_code == 200 and answer.json()["count"] == 1


@pytest.mark.django_db
def test_posting_limits_count_in_the_database_with_redis_down(redis_down, settings, caplog):
    settings.REDNOTE_RATE_LIMITS = True
    user = UserFactory()
    with caplog.at_level(logging.WARNING, logger="annotations.services.ratelimits"):
        ratelimit_consume(user=user, scope="comment")
    assert RateCounter.objects.filter(key__startswith=f"comment:{user.pk}:", count=1).exists()
    assert any("counting in the database" in r.getMessage() for r in caplog.records)


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs the Redis of REDIS_URL")
def test_entries_stored_without_a_timeout_expire_after_the_caches_default():
    """Cached reads are never invalidated, only left to expire: an entry with no timeout of its
    own must get the configured one, not live in Redis forever."""
    store = FallbackRedisCache(os.environ["REDIS_URL"], {"TIMEOUT": 600, "KEY_PREFIX": "expiry-test"})
    try:
        store.set("entry", 1)
        store.add("added", 1)
        key = store.make_and_validate_key("entry")
        client = store._cache.get_client(key)
        assert 0 < client.ttl(key) <= 600
        assert 0 < client.ttl(store.make_and_validate_key("added")) <= 600
    finally:
        store.delete_many(["entry", "added"])
        store.close()
