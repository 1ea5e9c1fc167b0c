"""Bodies no endpoint can use: too large answers 413 JSON, nested absurdly deep 400 JSON,
and nothing is written. The pages keep answering 400 to an oversized form."""
import json

import pytest
from django.conf import settings

from annotations.models import Annotation, Comment, ExportJob, Flag
from tests.conftest import client_for
from tests.factories import AnnotationFactory, ClaimFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoints() -> dict:
    """Writable API endpoints of different kinds, and how to count what they write."""
    claim = ClaimFactory()
    annotation = AnnotationFactory()
    return {
        "/api/annotations/": Annotation.objects.count,
        f"/api/annotations/{annotation.pk}/": Annotation.objects.count,
        f"/api/claims/{claim.pk}/comments/": Comment.objects.count,
        "/api/flags/": Flag.objects.count,
        "/api/exports/": ExportJob.objects.count,
    }


def _too_big() -> str:
    return json.dumps({"note": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024)})


def _too_deep() -> str:
    return "[" * 50_000 + "]" * 50_000


@pytest.mark.parametrize("body, status", [(_too_big(), 413), (_too_deep(), 400)], ids=["10MB", "deep"])
def test_unusable_bodies_get_a_json_4xx_and_write_nothing(endpoints, body, status):
    client = client_for(UserFactory())
    for url, count in endpoints.items():
        before = count()
        method = client.patch if url.startswith("/api/annotations/") and url != "/api/annotations/" else client.post
        response = method(url, body, content_type="application/json")
        assert response.status_code == status, (url, response.status_code)
        assert response["Content-Type"].startswith("application/json")
        assert response.json()["detail"], url
        assert count() == before, url


def test_an_ordinary_deep_but_sane_body_still_parses():
    client = client_for(UserFactory())
    response = client.post("/api/flags/", {"target_type": "comment", "target_id": 0, "reason": "spam"}, format="json")
    assert response.status_code in (400, 404)
    assert response.json()["detail"]


def test_the_pages_still_answer_400_to_an_oversized_form(client):
    client.force_login(UserFactory())
    response = client.post(
        "/accounts/login/", data="x=" + "y" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_a_form_with_too_many_fields_is_a_json_400_not_a_500(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = client_for(UserFactory()).post("/api/notifications/read/", {"ids": list(range(1, 20))})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json") and response.json()["detail"]
