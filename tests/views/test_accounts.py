import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from annotations.roles import ADMIN, MEMBER, MODERATOR, is_moderator, role_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_signing_up_makes_a_member_who_is_signed_in(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "newreader", "email": "new@example.org", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(username="newreader")
    assert role_of(user) == MEMBER
    assert "newreader" in client.get("/").content.decode()


def test_sign_in_and_sign_out(client, user):
    response = client.post("/accounts/login/", {"login": user.username, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert f"<strong>{user.username}</strong>" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert "Sign in" in client.get("/").content.decode()


def test_password_reset_sends_a_mail(client, user):
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_roles_are_groups_with_permissions():
    member, moderator, admin = UserFactory(), UserFactory(role=MODERATOR), UserFactory(role=ADMIN)
    assert (role_of(member), role_of(moderator), role_of(admin)) == (MEMBER, MODERATOR, ADMIN)
    assert not is_moderator(member) and is_moderator(moderator) and is_moderator(admin)


def test_createsuperuser_works_and_is_an_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "root-pass-phrase")
    call_command("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    assert role_of(get_user_model().objects.get(username="root")) == ADMIN
