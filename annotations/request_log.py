"""Request logging: a refused request (4xx) is the client's business, not a bug, so it is one
line; a server error (5xx) keeps everything Django logs with it, traceback included.

The client's address is request-scoped context (`client_address()`), set for each request by
`ClientAddressMiddleware`, so that the audit log (services/audit.py) records where every
moderator action came from without each view handing it down through each service: it is the
address the sign-in lockout counts under (django-axes' reading of the request), and None
outside a request (commands, tasks)."""
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import DatabaseError

_client_address: ContextVar[str | None] = ContextVar("client_address", default=None)


def client_address() -> str | None:
    """The address of the client whose request is being served; None outside a request."""
    return _client_address.get()


@contextmanager
def serving(address: str | None) -> Iterator[None]:
    """Act for a client at `address` (the middleware does this for each request)."""
    token = _client_address.set(address or None)
    try:
        yield
    finally:
        _client_address.reset(token)


class ClientAddressMiddleware:
    """First in MIDDLEWARE: the client's address is known for the whole request."""

    def __init__(self, get_response):
        # Imported here: LOGGING imports this module before the apps axes needs are loaded.
        from axes.helpers import get_client_ip_address

        self.get_response = get_response
        self.address_of = get_client_ip_address

    def __call__(self, request):
        with serving(self.address_of(request)):
            return self.get_response(request)


def _user_id(request) -> str:
    """The signed-in user's id, or "-"; never an error (the log line must not fail)."""
    try:
        user = getattr(request, "user", None)
        return str(user.pk) if user is not None and user.is_authenticated else "-"
    except DatabaseError:
        return "-"


class ClientErrorsOnOneLine(logging.Filter):
    """Rewrites Django's record of a 4xx response ("Forbidden (Permission denied): /path" with
    the PermissionDenied's traceback) as "403 GET /path (user 12)", without the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status, request = getattr(record, "status_code", None), getattr(record, "request", None)
        if status is None or request is None or not 400 <= status < 500:
            return True
        record.msg = "%s %s %s (user %s)"
        record.args = (status, request.method, request.path, _user_id(request))
        record.exc_info = record.exc_text = None
        return True


class ClientErrorsDropped(logging.Filter):
    """Drops the record of a 4xx response, for a server that logs every request itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        return status is None or not 400 <= status < 500
