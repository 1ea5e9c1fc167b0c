"""Brute force on POST /api/auth/token/: locked per username and address, 429 with Retry-After."""
import datetime as dt
import logging
import uuid

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
ATTACKER = "198.51.100.7"


@pytest.fixture
def victim():
    return UserFactory(username=f"victim-{uuid.uuid4().hex[:10]}")


def token(username: str, password: str, address: str = ATTACKER):
    return APIClient().post("/api/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=address)


def test_fifty_wrong_passwords_lock_the_account_from_that_address_until_the_cool_off_ends(victim):
    start = dt.datetime.now(tz=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        statuses = [token(victim.username, f"guess-{i}").status_code for i in range(50)]
        assert statuses[:9] == [400] * 9
        assert set(statuses[9:]) == {429}

        refused = token(victim.username, PASSWORD)
        assert refused.status_code == 429
        assert "token" not in refused.json()
        assert "Too many failed sign-in attempts" in refused.json()["detail"]
        assert int(refused["Retry-After"]) == 15 * 60

        clock.shift(dt.timedelta(minutes=14))
        assert token(victim.username, PASSWORD).status_code == 429

        clock.shift(dt.timedelta(minutes=16))
        assert token(victim.username, PASSWORD).status_code == 200


def test_a_locked_username_still_gets_a_token_from_another_address(victim):
    for i in range(10):
        token(victim.username, f"guess-{i}")
    assert token(victim.username, PASSWORD).status_code == 429
    assert token(victim.username, PASSWORD, address="203.0.113.20").status_code == 200


def test_switching_rate_limits_off_leaves_the_lockout_on(settings, victim):
    settings.REDNOTE_RATE_LIMITS = False
    statuses = [token(victim.username, f"guess-{i}").status_code for i in range(11)]
    assert statuses[-2:] == [429, 429]
    assert token(victim.username, PASSWORD).status_code == 429


def test_case_variants_of_the_username_share_one_counter(settings, victim):
    settings.AXES_FAILURE_LIMIT = 4
    for name in (victim.username.upper(), victim.username.title(), victim.username):
        assert token(name, "wrong").status_code == 400
    assert token(victim.username.swapcase(), "wrong").status_code == 429


def test_every_failed_token_request_is_one_log_line_with_username_and_address(caplog, victim):
    with caplog.at_level(logging.WARNING, logger="annotations.security"):
        token(victim.username, "wrong")
    lines = [record.getMessage() for record in caplog.records if record.name == "annotations.security"]
    assert len(lines) == 1
    assert victim.username in lines[0] and ATTACKER in lines[0]


def test_a_suspended_user_with_the_right_password_is_still_told_why(personas):
    response = token(personas["suspended"].username, PASSWORD)
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"].lower()
