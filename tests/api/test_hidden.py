"""Hidden items in the API: gone for members and anonymous callers from every list, detail,
count and W3C answer; there for their author and moderators, marked with the reason."""
import pytest
from django.utils import timezone

from annotations.models import ClaimConsensus, Vote
from tests.conftest import client_for
from tests.enforcement_world import FAST_HASHER, build_world, hide

pytestmark = pytest.mark.django_db

JSONLD = "application/ld+json"
REASON = "Spam, by the moderators"
KEPT_OUT = ["anonymous", "member"]
LET_IN = ["author", "moderator", "admin"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture
def world(personas):
    return build_world(personas["author"])


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def w3c_ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_a_hidden_annotation(personas, world, viewer):
    hide(world.annotation, REASON)
    client = client_for(personas[viewer])
    pk, url = world.annotation.pk, f"/api/annotations/{world.annotation.pk}/"
    listed = ids(client.get("/api/annotations/", {"article": world.article.pk}))
    w3c = w3c_ids(client.get("/api/annotations/", {"article": world.article.pk}, HTTP_ACCEPT=JSONLD))
    claim = client.get(f"/api/claims/{world.claim.pk}/").json()
    if viewer in KEPT_OUT:
        assert pk not in listed and w3c == []
        assert client.get(url).status_code == 404
        assert client.get(url, HTTP_ACCEPT=JSONLD).status_code == 404
        assert (claim["annotation_count"], claim["tagged_by"]) == (0, [])
    else:
        assert pk in listed and w3c == [f"http://testserver{url}"]
        body = client.get(url).json()
        assert (body["hidden"], body["hidden_reason"]) == (True, REASON)
        assert client.get(url, HTTP_ACCEPT=JSONLD).status_code == 200
        assert (claim["annotation_count"], claim["tagged_by"]) == (1, ["author"])


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_a_hidden_claim(personas, world, viewer):
    hide(world.claim, REASON)
    ClaimConsensus.objects.create(
        claim=world.claim, status="agreed", votes=9, agree=8, disagree=1, unsure=0, agree_share=0.9, intercept=0.6,
        factor=0.1, divisiveness=0.3, wilson_low=0.57, wilson_high=0.98, groups=[], computed_at=timezone.now(),
    )
    client = client_for(personas[viewer])
    base = f"/api/claims/{world.claim.pk}/"
    listed = ids(client.get("/api/claims/"))
    corpus = client.get("/api/consensus/").json()
    answers = {
        path: client.get(base + path).status_code for path in ("", "sources/", "evidence/", "consensus/")
    }
    vote = client.post(base + "vote/", {"value": "agree"}, format="json")
    if viewer in KEPT_OUT:
        assert world.claim.pk not in listed
        assert corpus["bridging"] == []
        assert set(answers.values()) == {404}
        assert vote.status_code in ((401, 403) if viewer == "anonymous" else (404,))
        assert not Vote.objects.exists()
    else:
        assert world.claim.pk in listed
        assert [claim["id"] for claim in corpus["bridging"]] == [world.claim.pk]
        assert set(answers.values()) == {200}
        body = client.get(base).json()
        assert (body["hidden"], body["hidden_reason"]) == (True, REASON)
        assert vote.status_code == 200 and Vote.objects.count() == 1


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_a_hidden_source(personas, world, viewer):
    hide(world.source, REASON)
    client = client_for(personas[viewer])
    sources = f"/api/claims/{world.claim.pk}/sources/"
    listed = ids(client.get(sources))
    w3c = w3c_ids(client.get(sources, HTTP_ACCEPT=JSONLD))
    detail = client.get(f"{sources}{world.source.pk}/")
    counted = client.get(f"/api/claims/{world.claim.pk}/").json()["source_count"]
    contradicting = client.get(f"/api/claims/{world.claim.pk}/consensus/").json()["sources_contradicting"]
    if viewer in KEPT_OUT:
        assert listed == [] and w3c == [] and detail.status_code == 404
        assert counted == contradicting == 0
    else:
        assert listed == [world.source.pk] and len(w3c) == 1
        assert (detail.json()["hidden"], detail.json()["hidden_reason"]) == (True, REASON)
        assert counted == contradicting == 1


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_evidence_whose_annotation_is_hidden(personas, world, viewer):
    hide(world.evidence, REASON)
    client = client_for(personas[viewer])
    listed = ids(client.get(f"/api/claims/{world.claim.pk}/evidence/"))
    against = client.get(f"/api/claims/{world.claim.pk}/").json()["evidence_against"]
    consensus = client.get(f"/api/claims/{world.claim.pk}/consensus/").json()["evidence_against"]
    if viewer in KEPT_OUT:
        assert listed == [] and against == consensus == 0
    else:
        assert listed == [world.link.pk] and against == consensus == 1
        evidence = client.get(f"/api/claims/{world.claim.pk}/evidence/").json()["results"][0]["evidence"]
        assert (evidence["hidden"], evidence["hidden_reason"]) == (True, REASON)


def test_a_member_cannot_attach_to_or_link_evidence_to_a_hidden_claim(personas, world):
    hide(world.claim, REASON)
    client = client_for(personas["member"])
    source = client.post(
        f"/api/claims/{world.claim.pk}/sources/", {"stance": "supports", "url": "https://example.org/x", "title": "X"},
        format="json",
    )
    assert source.status_code == 400 and "does not exist" in source.json()["claim"][0]
    assert world.claim.sources.count() == 1
