"""API reads from the reads cache (annotations/read_cache.py).

A GET's JSON, as sent, is stored under the stamps it depends on, the URL it was asked at (its
links are absolute, and the query string holds the page and the filters) and the media type
asked for; only 200 answers are stored. A hit costs the query that reads the stamps, and
neither serializes nor renders anything. The browsable API (HTML, for people exploring it) is
rendered afresh each time: it shows the signed-in user and forms.
"""
from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from rest_framework import status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from annotations.read_cache import MISSING, lookup, read_key, store
from annotations.selectors.read_keys import (
    EVERYONE,
    annotations_key,
    claim_consensus_key,
    viewer_class,
)

MAX_ID = 2**63 - 1
"""The largest id a row can have: a larger `?article=` names nothing (and the filter refuses it)."""


def cached_response(
    request: Request, stamps: tuple, respond: Callable[[], Response]
) -> Response | HttpResponse:
    """`respond()`'s answer, or its JSON from the cache while `stamps` stay put."""
    renderer = request.accepted_renderer
    if not isinstance(renderer, JSONRenderer):
        return respond()
    key = read_key("api", request.build_absolute_uri(), request.accepted_media_type, *stamps)
    content = lookup(key)
    if content is MISSING:
        response = respond()
        if response.status_code != status.HTTP_200_OK:
            return response
        content = renderer.render(response.data, request.accepted_media_type, {"request": request})
        store(key, content)
    return HttpResponse(content, content_type=renderer.media_type)


def annotation_list_stamps(request: Request) -> tuple | None:
    """What the annotation list of one article (`?article=`) depends on: the article's stamps,
    the viewer's class (hidden items differ), and with `mine` the viewer. None when the list
    is not of one existing article: it is then not cached."""
    article = request.query_params.get("article", "")
    if not (article.isdigit() and 0 < int(article) <= MAX_ID):
        return None
    stamps = annotations_key(int(article))
    if stamps is None:
        return None
    viewer = viewer_class(request.user, article_id=int(article))
    return *stamps, viewer, request.user.pk if "mine" in request.query_params else None


def claim_consensus_stamps(request: Request, claim_id: int) -> tuple | None:
    """What a claim's consensus answer depends on: the claim's stamps and, for a signed-in
    viewer, the viewer (their vote is in it, and their hidden evidence or sources are counted
    for them). Anonymous readers share one answer. None when there is no such claim."""
    stamps = claim_consensus_key(claim_id) if 0 < claim_id <= MAX_ID else None
    if stamps is None:
        return None
    return *stamps, request.user.pk if request.user.is_authenticated else EVERYONE
