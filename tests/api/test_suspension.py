"""A suspended member's API token stops working, and no new one is handed out."""
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from annotations.models import Article, Sanction, SanctionKind
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def suspend(user, *, hours: int = 24) -> Sanction:
    now = timezone.now()
    return Sanction.objects.create(
        user=user, kind=SanctionKind.SUSPENSION, reason="test", starts_at=now - dt.timedelta(minutes=1),
        ends_at=now + dt.timedelta(hours=hours),
    )


def test_a_token_stops_working_while_its_user_is_suspended():
    user = UserFactory()
    client = client_for(user)
    assert client.get("/api/articles/").status_code == 200
    sanction = suspend(user)
    for response in (client.get("/api/articles/"), client.post("/api/articles/", {"text": "A. B."}, format="json")):
        assert response.status_code in (401, 403)
        assert response.json()["detail"].startswith("Your account is suspended until")
    assert not Article.objects.exists()
    sanction.lifted_at = timezone.now()
    sanction.save()
    assert client.get("/api/articles/").status_code == 200


def test_a_suspended_user_gets_no_new_token():
    user = UserFactory()
    suspend(user)
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Your account is suspended until")
