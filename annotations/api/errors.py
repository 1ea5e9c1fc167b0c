"""API errors are JSON with a message, never an HTML error page."""
import logging
from http import HTTPStatus

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from annotations.policy import NotAllowed, Refusal
from annotations.services.ratelimits import RateLimited

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"
HTML_EXEMPT = ("/api/docs/",)
TOO_LARGE = "The request body is too large."


def _refusal_response(exc, context) -> Response | None:
    """The answer to a refusal by the policy or the rate limits, or to a body too large to
    read (Django refuses it inside DRF's `request.data`), or None for anything else."""
    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": TOO_LARGE}, status=413)
    if isinstance(exc, RateLimited):
        body = {"detail": str(exc), "scope": exc.scope, "retry_after": exc.retry_after}
        return Response(body, status=429, headers={"Retry-After": str(exc.retry_after)})
    if not isinstance(exc, NotAllowed):
        return None
    if exc.code == Refusal.NOT_FOUND:
        return Response({"detail": str(exc)}, status=404)
    if exc.code == Refusal.ANONYMOUS:
        # As DRF answers NotAuthenticated: 401 with a challenge when the first authentication
        # class offers one (tokens), else 403.
        view, request = context.get("view"), context.get("request")
        challenge = view.get_authenticate_header(request) if view is not None and request is not None else None
        if challenge:
            return Response({"detail": str(exc)}, status=401, headers={"WWW-Authenticate": challenge})
    return Response({"detail": str(exc), "code": str(exc.code)}, status=403)


def exception_handler(exc, context):
    """DRF's handler, plus a top-level ``detail`` message on every error body. A refusal by the
    policy (`NotAllowed`) is a 403 (404 for what the user may not see, 401 or 403 for anonymous
    callers); one by the rate limits (`RateLimited`) is a 429 with `Retry-After`; a body over
    DATA_UPLOAD_MAX_MEMORY_SIZE is a 413."""
    response = _refusal_response(exc, context) or drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        fields = ", ".join(str(key) for key in response.data)
        response.data = {"detail": f"Invalid input: {fields}.", **response.data}
    return response


def error_response(status: int, message: str, *, field: str | None = None, **extra) -> Response:
    """An error answer in the same shape as DRF's validation errors: a message, the field at fault."""
    body: dict = {"detail": message, **extra}
    if field:
        body[field] = [message]
    return Response(body, status=status)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX) and not request.path.startswith(HTML_EXEMPT)


def _json_error(status: int) -> JsonResponse:
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return JsonResponse({"detail": phrase}, status=status)


class JsonApiErrorsMiddleware:
    """Turns Django's own HTML error pages under /api/ (404 for unknown URLs, 500s) into JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            _is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/")
        ):
            return _json_error(response.status_code)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request):
            return None
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        if isinstance(exception, Http404):
            return _json_error(404)
        if isinstance(exception, PermissionDenied):
            return _json_error(403)
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": TOO_LARGE}, status=413)
        if isinstance(exception, SuspiciousOperation):  # too many fields or files, a bad multipart body
            return _json_error(400)
        logger.exception("Unhandled error in %s", request.path)
        return _json_error(500)
