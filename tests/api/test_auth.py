import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_a_token_from_username_and_password_authenticates_scripts(user):
    anonymous = APIClient()
    response = anonymous.post("/api/auth/token/", {"username": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 200
    token = response.json()["token"]
    script = APIClient()
    script.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    created = script.post("/api/articles/", {"text": "Scripted sentence. Another."}, format="json")
    assert created.status_code == 201


def test_a_wrong_password_gets_a_json_error(user):
    response = APIClient().post("/api/auth/token/", {"username": user.username, "password": "wrong"})
    assert response.status_code == 400
    assert response.json()["detail"]
