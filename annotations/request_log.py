"""Request logging: a refused request (4xx) is the client's business, not a bug, so it is one
line; a server error (5xx) keeps everything Django logs with it, traceback included."""
import logging

from django.db import DatabaseError


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
