"""Posting rate limits: how many comments, annotations and flags one person may post a minute.

Fixed one-minute windows, one counter per scope, user and window. The counter is atomic across
processes: in Redis when `REDIS_URL` is set (SET NX with an expiry, then INCR, in one MULTI),
otherwise in the database (`RateCounter`, one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`
upsert; PostgreSQL, or SQLite 3.35 and later). Accounts younger than
`REDNOTE_RATE_LIMIT_NEW_ACCOUNT_HOURS` get the stricter limits; moderators are exempt;
`REDNOTE_RATE_LIMITS = False` switches everything off. Settings are read at call time.

The limits are for floods, not for honest fast work: see the settings block "Posting rate
limits" for the defaults and why.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
from functools import lru_cache

import redis
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.utils import timezone

from annotations.models import RateCounter
from annotations.roles import is_moderator

logger = logging.getLogger(__name__)

SCOPES = ("annotation", "comment", "flag")
WINDOW_SECONDS = 60


class RateLimited(Exception):
    """Over the limit for `scope`; try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int, scope: str) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.scope = scope


def too_fast_message(retry_after: int) -> str:
    unit = "second" if retry_after == 1 else "seconds"
    return f"You are posting too fast; try again in {retry_after} {unit}."


def limit_for(user: AbstractBaseUser, scope: str, *, now: dt.datetime) -> int:
    """The per-minute limit that applies to `user` for `scope` now."""
    new_account_age = dt.timedelta(hours=settings.REDNOTE_RATE_LIMIT_NEW_ACCOUNT_HOURS)
    joined = getattr(user, "date_joined", None)
    if joined is not None and now - joined < new_account_age:
        return settings.REDNOTE_NEW_ACCOUNT_RATE_LIMITS[scope]
    return settings.REDNOTE_RATE_LIMITS_PER_MINUTE[scope]


@transaction.atomic
def ratelimit_consume(*, user: AbstractBaseUser | AnonymousUser, scope: str) -> None:
    """Count one post by `user` in `scope` ("comment", "annotation" or "flag"); raise
    RateLimited when it goes over the limit. Call it after `policy.require`, inside the write's
    transaction (on the database backend a refused or failed write then does not count)."""
    if scope not in SCOPES:
        raise ValueError(f"Unknown rate limit scope {scope!r}; expected one of {', '.join(SCOPES)}.")
    if not settings.REDNOTE_RATE_LIMITS or not user.is_authenticated or is_moderator(user):
        return
    now = timezone.now()
    limit = limit_for(user, scope, now=now)
    window = math.floor(now.timestamp()) // WINDOW_SECONDS
    window_end = (window + 1) * WINDOW_SECONDS
    key = f"{scope}:{user.pk}:{window}"
    count = _redis_or_database_increment(key, window_end, now) if settings.REDIS_URL else _database_increment(key, window_end, now)
    if count > limit:
        retry_after = max(1, math.ceil(window_end - now.timestamp()))
        raise RateLimited(too_fast_message(retry_after), retry_after=retry_after, scope=scope)


@lru_cache(maxsize=4)
def _redis_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)


def _redis_or_database_increment(key: str, window_end: int, now: dt.datetime) -> int:
    """Redis, or the database while Redis is unreachable: posting never fails for want of it."""
    try:
        return _redis_increment(key, window_end, now)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        logger.warning("Redis unreachable for the posting rate limits (%s); counting in the database.", error)
        return _database_increment(key, window_end, now)


def _redis_increment(key: str, window_end: int, now: dt.datetime) -> int:
    # Named after the database too: user ids are per database, a Redis may serve several.
    name = f"rednote:ratelimit:{connection.settings_dict['NAME']}:{key}"
    # The key expires a little after its window so that a slow clock elsewhere still finds it.
    ttl = max(1, math.ceil(window_end - now.timestamp())) + WINDOW_SECONDS
    pipeline = _redis_client(settings.REDIS_URL).pipeline(transaction=True)
    pipeline.set(name, 0, ex=ttl, nx=True)
    pipeline.incr(name)
    _, count = pipeline.execute()
    return int(count)


def _database_increment(key: str, window_end: int, now: dt.datetime) -> int:
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    key_column, count_column, expires_column = (
        connection.ops.quote_name(RateCounter._meta.get_field(name).column) for name in ("key", "count", "expires_at")
    )
    expires_at = dt.datetime.fromtimestamp(window_end, tz=dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_column}, {count_column}, {expires_column}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({key_column}) DO UPDATE SET {count_column} = {table}.{count_column} + 1 "
            f"RETURNING {count_column}",
            [key, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        (count,) = cursor.fetchone()
    if count == 1:
        # A new window for this user and scope: drop their counters whose windows are over.
        scope, user_id, _ = key.split(":")
        RateCounter.objects.filter(key__startswith=f"{scope}:{user_id}:", expires_at__lte=now).delete()
    return count
