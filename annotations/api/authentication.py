"""API authentication that knows about suspensions: a suspended user's token stops working and
no new token is handed out to them, nor to demo readers (`manage.py seed_demo`). Session users
are covered by annotations.middleware.SuspendedSessionMiddleware, which signs them out."""
from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer

from annotations.policy import standing_of, suspension_message
from annotations.roles import is_demo

DEMO_REFUSED = "Demo readers cannot sign in."


class SuspensionAwareTokenAuthentication(TokenAuthentication):
    """`Authorization: Token ...`, refused (401) while the token's user is suspended."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        standing = standing_of(user)
        if standing.suspended:
            raise exceptions.AuthenticationFailed(suspension_message(standing))
        return user, token


class SuspensionAwareAuthTokenSerializer(AuthTokenSerializer):
    """Username and password for a token; a suspended user is refused (403) with the reason."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if is_demo(attrs["user"]):
            raise exceptions.PermissionDenied(DEMO_REFUSED)
        standing = standing_of(attrs["user"])
        if standing.suspended:
            raise exceptions.PermissionDenied(suspension_message(standing))
        return attrs
