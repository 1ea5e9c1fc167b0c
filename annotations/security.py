"""Response hardening that Django and django-csp do not cover: the Permissions-Policy header,
a clean 503 instead of a traceback while the database is unreachable, and a 400 for a URL with a
NUL character in it."""
from __future__ import annotations

import logging
import sys
from urllib.parse import unquote_plus

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views import defaults

logger = logging.getLogger(__name__)


NUL_IN_URL = "A URL cannot contain a NUL character."


class NulInUrlMiddleware:
    """A request whose path or query string holds a NUL character is a 400 (JSON on the API):
    no text in rednote can hold one (PostgreSQL refuses it), so it would only fail deeper down,
    as a 500, wherever a view reads the value raw (a username in the path, the log's filters)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_IN_URL}, status=400)
            return HttpResponse(NUL_IN_URL, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (settings.REDNOTE_PERMISSIONS_POLICY) to every response:
    rednote uses no camera, microphone, location, payment or USB, so pages may not ask for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.REDNOTE_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


RETRY_AFTER_SECONDS = 30
UNAVAILABLE = "The database is unreachable; try again in a moment."


def _is_database_outage(exception: BaseException | None) -> bool:
    return isinstance(exception, OperationalError | InterfaceError)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    """503 with `Retry-After`: JSON under /api/, else a page that needs no database (no user,
    no messages). Django drops the broken connection when the request ends (and checks it before
    reuse, CONN_HEALTH_CHECKS), so service resumes by itself once the database is back."""
    logger.warning("Database unreachable while serving %s", request.path)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": UNAVAILABLE}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A view that meets an unreachable database answers 503, never a traceback (last in
    MIDDLEWARE, so that it sees the exception before the API's catch-all 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return database_unavailable(request) if _is_database_outage(exception) else None


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: an outage met before the view (sessions, the signed-in user) is a 503 too."""
    if _is_database_outage(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)
