"""A NUL character in a URL is a 400 (JSON on the API) before any view reads it raw: PostgreSQL
stores no NUL, so a username in a path or the audit log's filters would otherwise be a 500."""
import pytest

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/moderation/log/?actor=mod%00erator", "/api/users/mem%00ber/moderate/", "/api/annotations/?author=%00",
])
def test_a_nul_in_an_api_url_is_a_json_400(url):
    client = client_for(UserFactory(role="moderator"))
    response = client.post(url, {"action": "warn", "reason": "x"}, format="json") if "moderate" in url else client.get(url)
    assert response.status_code == 400
    assert response.json() == {"detail": "A URL cannot contain a NUL character."}


def test_a_nul_in_a_page_url_is_a_400(client):
    assert client.get("/claims/?q=%00").status_code == 400
