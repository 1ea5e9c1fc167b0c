"""The sign-in form under brute force: a friendly 429 page, shared with the token endpoint, per
username and address. Each test uses its own username and addresses, so that allauth's own
counters (in the shared cache) never reach into other tests."""
import logging
import uuid

import pytest
from django.test import Client
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


@pytest.fixture
def victim():
    return UserFactory(username=f"victim-{uuid.uuid4().hex[:10]}")


@pytest.fixture
def address() -> str:
    """An address of its own (IPv6 documentation range), so that allauth's per-address counters in
    the shared cache never add up across tests or runs."""
    suffix = uuid.uuid4().hex
    return f"2001:db8:{suffix[:4]}:{suffix[4:8]}::1"  # allauth counts IPv6 per /64 network


def sign_in(login: str, password: str, address: str):
    return Client(REMOTE_ADDR=address).post("/accounts/login/", {"login": login, "password": password})


def test_the_form_locks_a_username_out_with_a_page_that_says_what_to_do(settings, victim, address):
    settings.AXES_FAILURE_LIMIT = 3
    assert sign_in(victim.username, "wrong-1", address).status_code == 200
    assert sign_in(victim.username, "wrong-2", address).status_code == 200
    locked = sign_in(victim.username, "wrong-3", address)
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) > 0
    page = locked.content.decode()
    assert "Too many failed sign-in attempts" in page and "Reset your password" in page
    assert sign_in(victim.username, PASSWORD, address).status_code == 429


def test_a_locked_username_still_signs_in_from_another_address(settings, victim, address):
    settings.AXES_FAILURE_LIMIT = 3
    for i in range(3):
        sign_in(victim.username, f"wrong-{i}", address)
    assert sign_in(victim.username, PASSWORD, address).status_code == 429
    assert sign_in(victim.username, PASSWORD, "203.0.113.99").status_code == 302


def test_the_form_and_the_token_endpoint_share_one_lockout(settings, victim, address):
    settings.AXES_FAILURE_LIMIT = 4
    for i in range(2):
        assert sign_in(victim.username, f"wrong-{i}", address).status_code == 200
    api = APIClient()
    assert api.post("/api/auth/token/", {"username": victim.username, "password": "x"}, REMOTE_ADDR=address).status_code == 400
    assert api.post("/api/auth/token/", {"username": victim.username, "password": "y"}, REMOTE_ADDR=address).status_code == 429
    assert sign_in(victim.username, PASSWORD, address).status_code == 429


def test_signing_in_by_email_counts_too(settings, victim, address):
    settings.AXES_FAILURE_LIMIT = 2
    assert sign_in(victim.email, "wrong", address).status_code == 200
    assert sign_in(victim.email, "wrong", address).status_code == 429


def test_switching_rate_limits_off_leaves_the_form_lockout_on(settings, victim, address):
    settings.REDNOTE_RATE_LIMITS = False
    settings.AXES_FAILURE_LIMIT = 2
    sign_in(victim.username, "wrong", address)
    assert sign_in(victim.username, "wrong", address).status_code == 429


def test_every_failed_sign_in_is_one_log_line_with_username_and_address(caplog, victim, address):
    with caplog.at_level(logging.WARNING, logger="annotations.security"):
        sign_in(victim.username, "wrong", address)
    lines = [record.getMessage() for record in caplog.records if record.name == "annotations.security"]
    assert len(lines) == 1
    assert victim.username in lines[0] and address in lines[0]


def test_a_suspended_user_with_the_right_password_still_sees_why(personas, address):
    response = sign_in("suspended", PASSWORD, address)
    assert response.status_code == 200
    assert "Your account is suspended" in response.content.decode()
