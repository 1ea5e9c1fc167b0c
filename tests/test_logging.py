"""Logs: a refused (4xx) request is one line naming status, method, path and user id, without a
traceback; a server error (5xx) keeps its traceback; every failed sign-in and every moderator
action is one line naming who, what and from which address. This module doubles as the URL
configuration of its tests, adding to the site's pages two that fail on purpose."""
import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import include, path
from rest_framework.test import APIClient

from annotations.models import ModerationAction, QueueItem
from annotations.services.flags import flag_create
from tests.conftest import client_for
from tests.factories import AnnotationFactory, ThreadCommentFactory, UserFactory

ADDRESS = "203.0.113.9"


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


def lines_of(caplog, logger: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == logger]


@pytest.fixture
def flagged_comment():
    comment = ThreadCommentFactory(author=UserFactory(username="writer"))
    flag_create(flagger=UserFactory(), target_type="comment", target_id=comment.pk, reason="spam")
    return comment, QueueItem.objects.get(target_id=comment.pk)


def hide_on_the_page(moderator, item):
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(moderator)
    data = {"action": "hide", "reason": "Insults.", "version": item.version}
    return client.post(f"/moderation/items/{item.pk}/resolve/", data)


def hide_through_the_api(moderator, item):
    data = {"action": "hide", "reason": "Insults.", "version": item.version}
    return client_for(moderator).post(f"/api/moderation/queue/{item.pk}/resolve/", data, format="json",
                                      REMOTE_ADDR=ADDRESS)


@pytest.mark.parametrize("hide", [hide_on_the_page, hide_through_the_api])
def test_a_moderator_hiding_a_comment_is_one_line_with_who_what_and_from_where(caplog, flagged_comment, hide):
    comment, item = flagged_comment
    moderator = UserFactory(username="mod", role="moderator")
    caplog.set_level(logging.INFO)
    assert hide(moderator, item).status_code in (200, 302)
    [line] = lines_of(caplog, "annotations.moderation")
    assert line.getMessage() == f"mod hide comment {comment.pk} (user writer) from {ADDRESS}: Insults."
    assert line.exc_info is None
    assert ModerationAction.objects.get().ip == ADDRESS


def test_a_moderator_deleting_someone_elses_annotation_is_one_line_too(caplog):
    annotation = AnnotationFactory(author=UserFactory(username="writer"))
    moderator = UserFactory(username="mod", role="moderator")
    caplog.set_level(logging.INFO)
    assert client_for(moderator).delete(f"/api/annotations/{annotation.pk}/", REMOTE_ADDR=ADDRESS).status_code == 204
    [line] = lines_of(caplog, "annotations.moderation")
    assert line.getMessage() == f"mod delete annotation {annotation.pk} (user writer) from {ADDRESS}: no reason"


def test_deleting_ones_own_annotation_is_no_moderator_action(caplog):
    annotation = AnnotationFactory()
    caplog.set_level(logging.INFO)
    assert client_for(annotation.author).delete(f"/api/annotations/{annotation.pk}/").status_code == 204
    assert not lines_of(caplog, "annotations.moderation") and not ModerationAction.objects.exists()


def sign_in_on_the_page(username):
    return Client(REMOTE_ADDR=ADDRESS).post("/accounts/login/", {"login": username, "password": "wrong"})


def sign_in_for_a_token(username):
    return APIClient(REMOTE_ADDR=ADDRESS).post("/api/auth/token/", {"username": username, "password": "wrong"})


@pytest.mark.parametrize("sign_in", [sign_in_on_the_page, sign_in_for_a_token])
def test_a_failed_sign_in_is_one_line_with_the_username_and_address(caplog, sign_in):
    UserFactory(username="grace")
    caplog.set_level(logging.INFO)
    assert sign_in("grace").status_code in (200, 400)
    [line] = lines_of(caplog, "annotations.security")
    assert "username='grace'" in line.getMessage() and f"ip={ADDRESS}" in line.getMessage()
    assert not any(record.exc_info for record in caplog.records)
