"""Request logs: a refused (4xx) request is one line naming status, method, path and user id,
without a traceback; a server error (5xx) keeps its traceback. This module doubles as the URL
configuration of its tests, adding to the site's pages two that fail on purpose."""
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import include, path

from tests.conftest import client_for
from tests.factories import UserFactory


def _refuse(request):
    raise PermissionDenied("Members only.")


def _break(request):
    raise RuntimeError("Something broke.")


urlpatterns = [
    path("test-logging/refuse/", _refuse),
    path("test-logging/break/", _break),
    path("", include("rednote.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.test_logging")]


def request_lines(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "django.request"]


def test_a_refused_page_is_one_line_without_a_traceback(client, caplog):
    member = UserFactory()
    client.force_login(member)
    caplog.set_level(logging.INFO)
    assert client.get("/test-logging/refuse/").status_code == 403
    [line] = request_lines(caplog)
    assert line.exc_info is None
    assert line.getMessage() == f"403 GET /test-logging/refuse/ (user {member.pk})"
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize(
    "method, url, status",
    [("get", "/moderation/", 403), ("get", "/claims/999999/", 404), ("get", "/api/moderation/queue/", 403),
     ("delete", "/api/annotations/999999/", 404)],
)
def test_refusals_on_pages_and_the_api_are_one_line_each(client, caplog, method, url, status):
    member = UserFactory()
    if url.startswith("/api/"):
        client = client_for(member)
    else:
        client.force_login(member)
    caplog.set_level(logging.INFO)
    response = getattr(client, method)(url)
    assert response.status_code == status
    [line] = request_lines(caplog)
    assert line.exc_info is None
    assert line.getMessage() == f"{status} {method.upper()} {url} (user {member.pk})"


def test_an_anonymous_refusal_names_no_user(client, caplog):
    caplog.set_level(logging.INFO)
    assert client.get("/test-logging/refuse/").status_code == 403
    [line] = request_lines(caplog)
    assert line.getMessage() == "403 GET /test-logging/refuse/ (user -)"


def test_a_server_error_keeps_its_traceback(client, caplog):
    client.raise_request_exception = False
    caplog.set_level(logging.INFO)
    assert client.get("/test-logging/break/").status_code == 500
    [line] = request_lines(caplog)
    assert line.levelno == logging.ERROR and line.exc_info is not None
    assert "RuntimeError: Something broke." in caplog.text
