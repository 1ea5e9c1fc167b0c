"""POST /api/auth/token/: exchange a username and password for an API token."""
from rest_framework.authtoken.views import ObtainAuthToken


class TokenView(ObtainAuthToken):
    """Answers `{"token": "..."}`; send it as `Authorization: Token ...`."""
