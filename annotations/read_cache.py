"""Hot reads from the cache, keyed on what they depend on.

A cached read's key holds the change stamps its content depends on (an article's
`annotations_changed_at`, its revision, its consensus stamps, the list's stamp) and, where
hidden items make the content differ between viewers, the viewer's class
(`selectors/read_keys.py`). A write moves a stamp, so the next request asks for a key nobody has
stored and builds afresh: nothing is ever invalidated, stale entries are simply never read
again and expire. This is Django's cache framework on its own alias, `reads`: Redis when
`REDIS_URL` is set (through annotations.cache.FallbackRedisCache, so an unreachable Redis is a
miss, never an error), otherwise each process' memory.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import caches
from django.db import connection

READS = "reads"
"""The cache alias (settings.CACHES)."""

T = TypeVar("T")
MISSING = object()
"""What `lookup` answers for a key nobody stored (a stored value may be None)."""


def read_key(kind: str, *parts) -> str:
    """A short key for `parts`, named after the database too: sites and test runs that share one
    Redis never read each other's entries."""
    digest = hashlib.blake2b(repr((connection.settings_dict["NAME"], *parts)).encode(), digest_size=16)
    return f"{kind}:{digest.hexdigest()}"


def lookup(key: str):
    """The value stored under `key`, or `MISSING`."""
    return caches[READS].get(key, MISSING)


def store(key: str, value, *, seconds: int | None = None) -> None:
    """Store `value` under `key` for `seconds` (the cache's default timeout when None)."""
    if seconds is None:
        caches[READS].set(key, value)
    else:
        caches[READS].set(key, value, seconds)


def cached(key: str, build: Callable[[], T]) -> T:
    """The value stored under `key`, or `build()`'s, stored for the next request."""
    value = lookup(key)
    if value is MISSING:
        value = build()
        store(key, value)
    return value
