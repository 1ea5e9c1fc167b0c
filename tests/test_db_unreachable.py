"""With the database unreachable, pages answer a clean 503 page and the API a 503 JSON, with
`Retry-After` and never a traceback; service resumes by itself when the database is back."""
import json
import socket
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client

from tests.factories import ArticleFactory, UserFactory
from tests.test_settings import run_manage

SECRET = "x" * 20 + "a-real-secret-with-enough-entropy-0123456789"


def database_down():
    return mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("connection refused")
    )


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_pages_and_api_answer_503_while_the_database_is_down_and_recover(signed_in):
    article = ArticleFactory()
    client = Client(raise_request_exception=False)
    if signed_in:  # the session and the user are looked up before the view
        client.force_login(UserFactory())
    with database_down():
        page = client.get("/")
        api = client.get("/api/articles/")
        detail = client.get(f"/articles/{article.pk}/")
    for response in (page, api, detail):
        assert response.status_code == 503
        assert int(response["Retry-After"]) > 0
        assert "Traceback" not in response.content.decode()
    assert "back in a moment" in page.content.decode()
    assert api.json() == {"detail": "The database is unreachable; try again in a moment."}
    assert client.get("/").status_code == 200
    assert client.get("/api/articles/").json()["count"] == 1


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_deployment_with_its_database_unreachable_shows_no_traceback():
    """As an operator would run it: DEBUG left at its default, PostgreSQL on a dead port."""
    script = (
        "from django.test import Client\n"
        "import json\n"
        "client = Client(raise_request_exception=False)\n"
        "out = {}\n"
        "for url in ('/', '/api/articles/', '/claims/1/'):\n"
        "    r = client.get(url, secure=True)\n"
        "    out[url] = [r.status_code, r.get('Retry-After'), r['Content-Type'], r.content.decode()]\n"
        "print(json.dumps(out))\n"
    )
    result = run_manage(
        "shell", "-c", script,
        SECRET_KEY=SECRET, ALLOWED_HOSTS="testserver",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{free_port()}/rednote", CONN_MAX_AGE="0",
    )
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.strip().splitlines()[-1])
    for url, (status, retry_after, _content_type, body) in answers.items():
        assert status == 503, (url, body[:300])
        assert retry_after and "Traceback" not in body and "OperationalError" not in body
    assert answers["/api/articles/"][2] == "application/json"
    assert "back in a moment" in answers["/"][3]


