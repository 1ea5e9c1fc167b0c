"""Shared fixtures: the sample corpus, users, API clients, and Celery in-process for unit tests."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("REDNOTE_CORPUS_DIR", REPO.parent / "shared" / "corpus"))


@pytest.fixture
def corpus_dir() -> Path:
    if not (CORPUS_DIR / "manifest.json").is_file():
        pytest.skip(f"sample corpus not found at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture
def corpus_manifest(corpus_dir: Path) -> dict[str, dict]:
    data = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
    return {entry["file"]: entry for entry in data["articles"]}


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Tests make hundreds of accounts; a full-strength hash for each is most of their time.
    Production settings keep Django's default hashers."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _celery_in_process(request):
    """Unit tests run tasks in-process; tests marked `worker` use a real worker instead."""
    from rednote.celery import app

    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _throttle_counters_per_test(monkeypatch):
    """API throttle counters in a fresh in-memory store for each test: tests reuse user ids and
    addresses and freeze clocks, so shared counters would add up from one test to the next.
    tests/test_cache_fallback.py puts the real cache back where it tests the throttles on it."""
    import uuid

    from django.core.cache.backends.locmem import LocMemCache

    from annotations.api.throttles import SwitchableThrottle

    monkeypatch.setattr(SwitchableThrottle, "cache", LocMemCache(f"throttles-{uuid.uuid4()}", {}), raising=False)


@pytest.fixture(autouse=True)
def _empty_read_cache():
    """Cached reads (annotations/read_cache.py) start empty in every test: ids come back after a
    rollback, and a test must see what it wrote."""
    from django.core.cache import caches

    caches["reads"].clear()


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def personas(db) -> dict:
    """One user of every standing, for permission matrices: anonymous (None), member, author
    (a member who owns the item under test), silenced, suspended, moderator, admin."""
    import datetime as dt

    from django.utils import timezone

    from annotations.models import Sanction, SanctionKind

    now = timezone.now()
    people = {
        "anonymous": None,
        "member": UserFactory(username="member"),
        "author": UserFactory(username="author"),
        "silenced": UserFactory(username="silenced"),
        "suspended": UserFactory(username="suspended"),
        "moderator": UserFactory(username="moderator", role="moderator"),
        "admin": UserFactory(username="admin", role="admin"),
    }
    for name, kind in (("silenced", SanctionKind.SILENCE), ("suspended", SanctionKind.SUSPENSION)):
        Sanction.objects.create(
            user=people[name], kind=kind, reason="test", starts_at=now - dt.timedelta(minutes=1),
            ends_at=now + dt.timedelta(days=1),
        )
    return people


def client_for(user) -> APIClient:
    """An API client signed in as `user` by token (None: anonymous), so that suspension checks
    in token authentication apply."""
    from rest_framework.authtoken.models import Token

    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
