"""REST framework throttles: per address for anonymous callers, per user once signed in, and a
stricter "writes" scope for POST, PUT, PATCH and DELETE.

The rates come from `REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]` (environment variables
`REDNOTE_THROTTLE_ANON`, `REDNOTE_THROTTLE_USER`, `REDNOTE_THROTTLE_WRITES`) and, like the switch
`REDNOTE_RATE_LIMITS`, are read on every request. They are generous for reading: a class of 30
behind one address reading together never meets them. The counters live in the default cache;
with Redis unreachable that cache answers empty (annotations/cache.py), so the throttles let
everything through rather than fail.
"""
from __future__ import annotations

from django.conf import settings
from django.db import connection
from rest_framework import throttling
from rest_framework.settings import api_settings

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class SwitchableThrottle:
    """Off while `REDNOTE_RATE_LIMITS` is false; rates read at call time; counters keyed by
    database too, so that several sites (or test runs) sharing one Redis do not count together."""

    def allow_request(self, request, view):
        if not settings.REDNOTE_RATE_LIMITS:
            return True
        return super().allow_request(request, view)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        key = super().get_cache_key(request, view)
        return None if key is None else f"throttle_{connection.settings_dict['NAME']}_{key}"


class AnonThrottle(SwitchableThrottle, throttling.AnonRateThrottle):
    """Anonymous callers, per client address."""


class UserThrottle(SwitchableThrottle, throttling.UserRateThrottle):
    """Signed-in callers, per user (anonymous ones per address)."""


class WriteThrottle(SwitchableThrottle, throttling.ScopedRateThrottle):
    """Writes (any method but GET, HEAD and OPTIONS), per user or address, in the "writes" scope
    unless the view names its own `throttle_scope`."""

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS or not settings.REDNOTE_RATE_LIMITS:
            return True
        self.scope = getattr(view, self.scope_attr, None) or "writes"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return throttling.SimpleRateThrottle.allow_request(self, request, view)
