"""`GET /healthz`: the liveness check answers from the process alone, for anyone, at any rate."""
import pytest
from django.test import Client, override_settings


def test_it_answers_ok_as_json_without_touching_the_database(client):
    response = client.get("/healthz")  # no django_db mark: a query here would fail the test
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]  # a proxy never answers for the server


def test_head_works_and_writes_are_refused(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_no_rate_limit_ever_applies(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "2/min", "writes": "2/min"},
    }
    probe = Client(REMOTE_ADDR="198.51.100.40")
    assert [probe.get("/healthz").status_code for _ in range(20)] == [200] * 20
    assert probe.get("/api/articles/").status_code == 200  # the throttles are on meanwhile


@override_settings(SECURE_SSL_REDIRECT=True, SECURE_REDIRECT_EXEMPT=[r"^healthz$"])
def test_a_plain_http_probe_is_not_redirected_while_pages_are(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/api/articles/").status_code == 301
