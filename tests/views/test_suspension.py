"""A suspended member cannot sign in, and a session they already had ends."""
import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from annotations.models import Sanction, SanctionKind
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def sanction(user, kind: str, *, hours: int | None = 24, lifted: bool = False) -> Sanction:
    now = timezone.now()
    return Sanction.objects.create(
        user=user, kind=kind, reason="test", starts_at=now - dt.timedelta(minutes=1),
        ends_at=None if hours is None else now + dt.timedelta(hours=hours), lifted_at=now if lifted else None,
    )


def sign_in(client, user):
    return client.post("/accounts/login/", {"login": user.username, "password": PASSWORD})


def test_a_suspended_member_is_refused_at_sign_in_with_the_end_of_the_suspension(client):
    user = UserFactory()
    ends = sanction(user, SanctionKind.SUSPENSION, hours=72).ends_at
    response = sign_in(client, user)
    assert response.status_code == 200
    assert f"Your account is suspended until {ends:%d %b %Y %H:%M} UTC." in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_permanent_suspension_says_so(client):
    user = UserFactory()
    sanction(user, SanctionKind.SUSPENSION, hours=None)
    assert "Your account is suspended permanently." in sign_in(client, user).content.decode()


def test_a_wrong_password_does_not_reveal_the_suspension(client):
    user = UserFactory()
    sanction(user, SanctionKind.SUSPENSION)
    response = client.post("/accounts/login/", {"login": user.username, "password": "wrong"})
    assert "suspended" not in response.content.decode()


@pytest.mark.parametrize(
    "kind, lifted", [(SanctionKind.SILENCE, False), (SanctionKind.SUSPENSION, True), (SanctionKind.WARNING, False)]
)
def test_silenced_warned_and_lifted_members_sign_in(client, kind, lifted):
    user = UserFactory()
    sanction(user, kind, lifted=lifted)
    assert sign_in(client, user).status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_a_session_ends_at_the_next_request_once_suspended(client):
    user = UserFactory()
    assert sign_in(client, user).status_code == 302
    assert f"<strong>{user.username}</strong>" in client.get("/").content.decode()
    sanction(user, SanctionKind.SUSPENSION)
    page = client.get("/").content.decode()
    assert "Your account is suspended until" in page
    assert f"<strong>{user.username}</strong>" not in page and "Sign in" in page
    assert SESSION_KEY not in client.session
    assert client.post("/articles/new/", {"text": "Written while suspended."}).status_code == 302  # to sign in


def test_checking_the_session_costs_one_query_per_request(client):
    user = UserFactory()
    client.force_login(user)
    client.get("/")  # warm up: content types, permissions
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    sanction_queries = [q["sql"] for q in queries.captured_queries if "annotations_sanction" in q["sql"]]
    assert len(sanction_queries) == 1
