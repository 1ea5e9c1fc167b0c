"""Demo readers (`manage.py seed_demo`) are marked on their profile and cannot sign in: not with
the form, not for an API token, not at the end of a password reset, even with a password someone
gave them."""
import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory
from rest_framework.test import APIClient

from annotations.roles import DEMO
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def demo_reader():
    """A demo reader someone gave a password to (in the admin, say)."""
    user = UserFactory(username="demo-reader-01")
    user.groups.add(Group.objects.get_or_create(name=DEMO)[0])
    return user


def test_a_demo_readers_profile_says_so(client, demo_reader):
    page = client.get(f"/users/{demo_reader.username}/").content.decode()
    assert "A demo reader, made by <code>manage.py seed_demo</code>" in page
    assert "A demo reader" not in client.get(f"/users/{UserFactory().username}/").content.decode()


def test_a_demo_reader_cannot_sign_in_with_the_form(client, demo_reader):
    response = client.post("/accounts/login/", {"login": demo_reader.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "Demo readers cannot sign in" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_demo_reader_gets_no_token(demo_reader):
    response = APIClient().post("/api/auth/token/", {"username": demo_reader.username, "password": PASSWORD})
    assert response.status_code == 403
    assert response.json()["detail"] == "Demo readers cannot sign in."


def test_a_demo_reader_cannot_sign_in_by_password_reset(client, demo_reader):
    """A reset link would sign them in at the end (allauth's pre_login): refused too."""
    request = RequestFactory().get("/")
    request.session = client.session
    request._messages = FallbackStorage(request)
    response = get_adapter(request).pre_login(request, demo_reader)
    assert response.status_code == 302 and response.url.endswith("/accounts/login/")
