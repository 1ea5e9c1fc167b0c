"""POST /api/auth/token/: exchange a username and password for an API token."""
from rest_framework.authtoken.views import ObtainAuthToken

from annotations.api.authentication import SuspensionAwareAuthTokenSerializer


class TokenView(ObtainAuthToken):
    """Answers `{"token": "..."}`; send it as `Authorization: Token ...`. Suspended users get 403."""

    serializer_class = SuspensionAwareAuthTokenSerializer
