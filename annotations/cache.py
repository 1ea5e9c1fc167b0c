"""The default cache when `REDIS_URL` is set: Django's Redis cache, but an unreachable Redis never
turns into a 500.

Sign-in, sign-up and password reset (allauth's rate limits) and the API throttles read and write
the default cache on every request. With Redis down each cache call here answers as if the cache
were empty and every write succeeded (allauth's lock is "acquired", throttles see no history):
the site fails open and keeps working, and a warning is logged at most once a minute.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("annotations.cache")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
LOG_INTERVAL_SECONDS = 60.0

_last_logged = {"at": float("-inf")}


def _log_outage(operation: str, error: Exception) -> None:
    """One warning a minute per process, not one per request, while Redis stays down."""
    now = time.monotonic()
    if now - _last_logged["at"] >= LOG_INTERVAL_SECONDS:
        _last_logged["at"] = now
        logger.warning("Redis cache unreachable (%s: %s); carrying on without the cache.", operation, error)


def _fallback(operation: str, call: Callable[[], Any], default: Any) -> Any:
    try:
        return call()
    except REDIS_DOWN as error:
        _log_outage(operation, error)
        return default


class FallbackRedisCache(RedisCache):
    """RedisCache whose reads miss and whose writes are dropped while Redis is unreachable."""

    def get(self, key, default=None, version=None):
        return _fallback("get", lambda: super(FallbackRedisCache, self).get(key, default, version), default)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True: callers that use add() as a lock (allauth's rate limits) go ahead instead of waiting.
        return _fallback("add", lambda: super(FallbackRedisCache, self).add(key, value, timeout, version), True)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return _fallback("set", lambda: super(FallbackRedisCache, self).set(key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return _fallback("touch", lambda: super(FallbackRedisCache, self).touch(key, timeout, version), False)

    def delete(self, key, version=None):
        return _fallback("delete", lambda: super(FallbackRedisCache, self).delete(key, version), False)

    def get_many(self, keys, version=None):
        return _fallback("get_many", lambda: super(FallbackRedisCache, self).get_many(keys, version), {})

    def has_key(self, key, version=None):
        return _fallback("has_key", lambda: super(FallbackRedisCache, self).has_key(key, version), False)

    def incr(self, key, delta=1, version=None):
        return _fallback("incr", lambda: super(FallbackRedisCache, self).incr(key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return _fallback("set_many", lambda: super(FallbackRedisCache, self).set_many(data, timeout, version), [])

    def delete_many(self, keys, version=None):
        return _fallback("delete_many", lambda: super(FallbackRedisCache, self).delete_many(keys, version), None)

    def clear(self):
        return _fallback("clear", lambda: super(FallbackRedisCache, self).clear(), False)
