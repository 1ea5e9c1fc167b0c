"""A suspended user's sessions end: the next request they make signs them out."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse

from annotations.policy import standing_of, suspension_message


class SuspendedSessionMiddleware:
    """Signs out a session user who is suspended now, with a message saying until when.

    One indexed query on sanctions per signed-in request (the `sanction_by_user` index); the
    standing it reads is remembered on the user, so the policy checks of the same request ask
    no more. Place it after the authentication and message middleware. Token users are
    refused by annotations.api.authentication instead.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            standing = standing_of(user)
            if standing.suspended:
                logout(request)
                messages.error(request, suspension_message(standing))
        return self.get_response(request)
