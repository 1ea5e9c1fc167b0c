"""Posting rate limits, with a frozen clock, on both counters: the database and Redis."""
import datetime as dt
import threading

import pytest
import redis
import time_machine
from django.db import connection
from django.utils import timezone

from annotations.models import Annotation, RateCounter
from annotations.services.annotations import annotation_create
from annotations.services.ratelimits import RateLimited, ratelimit_consume
from tests.factories import ArticleFactory, UserFactory

# A Redis database of these tests' own, so that they never meet other counters.
TEST_REDIS_URL = "redis://127.0.0.1:6379/11"
# 12:00:15 UTC: 45 seconds are left in the minute's window.
NOON = dt.datetime(2026, 3, 2, 12, 0, 15, tzinfo=dt.UTC)


def _redis_or_skip() -> redis.Redis:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    return client


def _forget_counters(client: redis.Redis) -> None:
    """Drop this test database's counters only: parallel test processes share the Redis."""
    from django.db import connection

    for key in client.scan_iter(f"rednote:ratelimit:{connection.settings_dict['NAME']}:*"):
        client.delete(key)


@pytest.fixture(params=["database", "redis"])
def backend(request, settings):
    """Rate limits on, counted in the database (no REDIS_URL) or in a Redis of our own."""
    settings.REDNOTE_RATE_LIMITS = True
    if request.param == "redis":
        client = _redis_or_skip()
        _forget_counters(client)
        settings.REDIS_URL = TEST_REDIS_URL
        yield request.param
        _forget_counters(client)
    else:
        settings.REDIS_URL = ""
        yield request.param


@pytest.fixture
def clock():
    with time_machine.travel(NOON, tick=False) as traveller:
        yield traveller


def newcomer():
    return UserFactory()  # joined just now, on the frozen clock


def regular():
    user = UserFactory()
    user.date_joined = timezone.now() - dt.timedelta(days=30)
    user.save(update_fields=["date_joined"])
    return user


def consume(user, scope: str, times: int) -> None:
    for _ in range(times):
        ratelimit_consume(user=user, scope=scope)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scope", "new_limit", "regular_limit"), [("annotation", 60, 120), ("comment", 10, 30), ("flag", 10, 20)]
)
def test_the_defaults_let_new_accounts_work_fast_and_stop_floods(backend, clock, scope, new_limit, regular_limit):
    fresh, settled = newcomer(), regular()
    consume(fresh, scope, new_limit)
    consume(settled, scope, regular_limit)
    for user in (fresh, settled):
        with pytest.raises(RateLimited) as refused:
            ratelimit_consume(user=user, scope=scope)
        assert refused.value.scope == scope
        assert refused.value.retry_after == 45
        assert str(refused.value) == "You are posting too fast; try again in 45 seconds."


@pytest.mark.django_db
def test_the_next_minute_starts_afresh_and_scopes_count_apart(backend, clock):
    user = newcomer()
    consume(user, "comment", 10)
    consume(user, "flag", 10)  # flags have their own counter
    with pytest.raises(RateLimited):
        ratelimit_consume(user=user, scope="comment")
    clock.shift(44)
    with pytest.raises(RateLimited) as refused:
        ratelimit_consume(user=user, scope="comment")
    assert refused.value.retry_after == 1
    assert str(refused.value) == "You are posting too fast; try again in 1 second."
    clock.shift(1)
    consume(user, "comment", 10)


@pytest.mark.django_db
def test_an_account_older_than_a_day_gets_the_established_limits(backend, clock, settings):
    settings.REDNOTE_RATE_LIMITS_PER_MINUTE = {"annotation": 3, "comment": 3, "flag": 3}
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {"annotation": 1, "comment": 1, "flag": 1}
    user = newcomer()
    ratelimit_consume(user=user, scope="comment")
    with pytest.raises(RateLimited):
        ratelimit_consume(user=user, scope="comment")
    clock.shift(dt.timedelta(hours=24))
    consume(user, "comment", 3)
    with pytest.raises(RateLimited):
        ratelimit_consume(user=user, scope="comment")


@pytest.mark.django_db
def test_moderators_and_admins_are_exempt(backend, clock):
    for role in ("moderator", "admin"):
        consume(UserFactory(role=role), "comment", 200)


@pytest.mark.django_db
def test_the_switch_turns_the_limits_off(backend, clock, settings):
    settings.REDNOTE_RATE_LIMITS = False
    consume(newcomer(), "annotation", 500)
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_an_unknown_scope_is_a_programming_error(backend):
    with pytest.raises(ValueError, match="Unknown rate limit scope"):
        ratelimit_consume(user=newcomer(), scope="vote")


@pytest.mark.django_db
def test_the_database_keeps_one_row_per_window_and_drops_finished_ones(settings, clock):
    settings.REDNOTE_RATE_LIMITS, settings.REDIS_URL = True, ""
    user = newcomer()
    consume(user, "annotation", 3)
    assert list(RateCounter.objects.values_list("count", flat=True)) == [3]
    clock.shift(60)
    ratelimit_consume(user=user, scope="annotation")
    assert list(RateCounter.objects.values_list("count", flat=True)) == [1]


@pytest.mark.django_db
def test_a_refused_annotation_saves_nothing(settings, clock):
    settings.REDNOTE_RATE_LIMITS, settings.REDIS_URL = True, ""
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "annotation": 2}
    author, article = newcomer(), ArticleFactory()
    sentence = article.current_revision.sentences.order_by("index")[1]

    def tag(shorter: int):
        end = sentence.end - shorter
        return annotation_create(author=author, article=article, start=sentence.start, end=end, tag="claim")

    tag(0), tag(1)
    with pytest.raises(RateLimited):
        tag(2)
    assert Annotation.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_never_go_over_the_limit(backend, clock, settings):
    """Eight connections post 80 comments at once: exactly the limit gets through."""
    settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS = {**settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS, "comment": 25}
    user = newcomer()
    outcomes: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def post_ten():
        start.wait()
        try:
            for _ in range(10):
                try:
                    ratelimit_consume(user=user, scope="comment")
                    accepted = True
                except RateLimited:
                    accepted = False
                with lock:
                    outcomes.append(accepted)
        finally:
            connection.close()

    threads = [threading.Thread(target=post_ten) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(outcomes) == 80 and outcomes.count(True) == 25
