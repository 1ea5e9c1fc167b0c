"""POST /api/auth/token/: exchange a username and password for an API token."""
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError

from annotations.api.authentication import SuspensionAwareAuthTokenSerializer
from annotations.auth_lockout import lockout_response


class TokenView(ObtainAuthToken):
    """Answers `{"token": "..."}`; send it as `Authorization: Token ...`. Suspended users and demo readers get 403.
    After too many wrong passwords for one username from one address, that username is refused
    from that address with 429 and `Retry-After` until the cool-off ends (annotations/auth_lockout.py)."""

    serializer_class = SuspensionAwareAuthTokenSerializer

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # Axes marks the request (the REST framework's, which authenticate() was given).
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request)
            raise
