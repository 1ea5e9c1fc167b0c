"""How pages answer when the policy or the rate limits refuse a write: one status per kind of
refusal, the refusal's own message, and `Retry-After` when it is about posting too fast.

Each page puts the message where its user looks (the reader's status line, a form, the vote
element); this module only decides what is said and with which status. The API's equivalent
is annotations.api.errors.exception_handler.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse

from annotations.policy import NotAllowed, Refusal
from annotations.services.ratelimits import RateLimited

REFUSALS = (NotAllowed, RateLimited)
"""What to catch around a service call in a page view."""


@dataclass(frozen=True)
class PageRefusal:
    status: int
    message: str
    retry_after: int | None = None

    def apply(self, response: HttpResponse) -> HttpResponse:
        """Set the refusal's status and `Retry-After` on `response`."""
        response.status_code = self.status
        if self.retry_after is not None:
            response["Retry-After"] = str(self.retry_after)
        return response


def page_refusal(error: NotAllowed | RateLimited) -> PageRefusal:
    """429 for posting too fast, 404 for what the user may not see, else 403."""
    if isinstance(error, RateLimited):
        return PageRefusal(429, str(error), error.retry_after)
    return PageRefusal(404 if error.code == Refusal.NOT_FOUND else 403, str(error))
