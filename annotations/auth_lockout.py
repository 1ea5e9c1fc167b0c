"""Sign-in lockout (django-axes) and the failed sign-in log.

Failed sign-ins are counted per username and address together, in the database (no Redis
needed), for the sign-in form and `POST /api/auth/token/` alike: after `AXES_FAILURE_LIMIT`
failures that username is refused from that address for `AXES_COOLOFF_TIME`, even with the right
password, while the same person can still sign in from elsewhere. `REDNOTE_RATE_LIMITS` does not
touch it. Every failed sign-in is one line on the "annotations.security" logger.
"""
from __future__ import annotations

import logging
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_ip_address, get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string

security_log = logging.getLogger("annotations.security")

CREDENTIAL_NAMES = ("username", "email", "login")


class LockoutBackend(AxesStandaloneBackend):
    """Axes' check, first in AUTHENTICATION_BACKENDS. Without a request there is no address to
    count against (the test client's `login()`, scripts calling `authenticate()`); those calls
    are passed on to the next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The name the lockout counts under: what was typed (username or email, allauth's form
    accepts both), case-folded so that "Alice" and "alice" share one counter."""
    sources = [credentials or {}, getattr(request, "data", None) or request.POST]
    for source in sources:
        for name in CREDENTIAL_NAMES:
            value = source.get(name)
            if isinstance(value, str) and value:
                return value.strip().casefold()
    return None


def cool_off_seconds(request: HttpRequest) -> int:
    cool_off = get_cool_off(request)
    return max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0


def lockout_message(retry_after: int) -> str:
    minutes = max(1, math.ceil(retry_after / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        "Too many failed sign-in attempts for this account from your address. "
        f"Try again in {minutes} {unit}, or reset your password."
    )


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """429 with Retry-After: JSON on the API, a page in the site's layout elsewhere."""
    retry_after = cool_off_seconds(request)
    message = lockout_message(retry_after)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        html = render_to_string("account/lockout.html", {"message": message}, request=request)
        response = HttpResponse(html, status=429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def log_failed_sign_in(sender, credentials: dict, request=None, **kwargs) -> None:
    """`user_login_failed` receiver (connected after axes' own, so it knows about the lockout)."""
    if request is None:
        return
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    security_log.warning(
        "sign-in failed: username=%r ip=%s path=%s locked_out=%s",
        lockout_username(request, credentials),
        address,
        request.path,
        bool(getattr(request, "axes_locked_out", False)),
    )
