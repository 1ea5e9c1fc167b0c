"""Whole pages for visitors who are not signed in, from the reads cache (annotations/read_cache.py).

Everyone who is not signed in sees the same home page, reader and claim page, so once one of
them has been rendered the next visitor gets its HTML without a template or a query beyond the
page's change stamps. The key holds those stamps (`key_of`, from selectors/read_keys.py), the
path and the query parameters the page reads: a write moves a stamp and the next visitor gets
the page built afresh, exactly as with the cached fragments.

A page is only stored when nothing in it belongs to the visitor: a 200 that sets no cookie and
used no CSRF token (base.html gives signed-in users theirs). It is not served from the cache,
nor stored, for a signed-in user, an htmx request, a visitor with a message waiting (it is shown
on the page), or a query parameter the page does not read (so junk parameters cannot fill the
cache). The response headers (Content-Security-Policy, Vary, ...) are set by the middleware on
every request, hit or not.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse

from annotations.read_cache import MISSING, lookup, read_key, store

KeyOf = Callable[..., tuple | None]
"""The page's stamps, given its view's URL arguments in order; None when the page must not be
cached (it does not exist, say: the view answers it)."""


def _messages_waiting(request: HttpRequest) -> bool:
    """Messages stored for the visitor or added by this request (a suspended member signed out
    by annotations/middleware.py gets one): counted, not consumed."""
    return len(messages.get_messages(request)) > 0


def _read_by_anyone(request: HttpRequest, params: frozenset[str]) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.htmx
        and params.issuperset(request.GET.keys())
        and not request.user.is_authenticated
        and not _messages_waiting(request)
    )


def _same_for_anyone(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cached_for_visitors(key_of: KeyOf, *, params: tuple[str, ...] = (), seconds: int | None = None):
    """Serve the view's page to visitors from the reads cache while `key_of`'s stamps stay put.
    `params`: the query parameters the page reads. `seconds`: how long an entry lives (the
    cache's default when None); pages with relative times ("5 minutes ago") keep it short."""
    known = frozenset(params)

    def decorate(view):
        @wraps(view)
        def page(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not _read_by_anyone(request, known):
                return view(request, *args, **kwargs)
            stamps = key_of(*args, *kwargs.values())
            if stamps is None:
                return view(request, *args, **kwargs)
            query = sorted(request.GET.lists())
            key = read_key("visitor-page", view.__module__, view.__qualname__, request.path, query, stamps)
            hit = lookup(key)
            if hit is not MISSING:
                content, content_type = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if _same_for_anyone(request, response):
                store(key, (response.content, response["Content-Type"]), seconds=seconds)
            return response

        return page

    return decorate
