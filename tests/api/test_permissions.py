"""The permission matrix of the API's write endpoints: every persona against every endpoint,
with the status each gets and, where refused, proof that nothing changed."""
import pytest

from tests.conftest import client_for
from tests.enforcement_world import FAST_HASHER, World, build_world, own_evidence, snapshot
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER

PERSONAS = ["anonymous", "member", "author", "silenced", "suspended", "moderator", "admin"]
REFUSED = "refused"
# Anonymous callers are refused as DRF refuses them (401 or 403); suspended ones never get past
# token authentication.
ANONYMOUS = (401, 403)


def _annotate(client, world: World, user):
    start = TEXT.index(CRITICS)
    payload = {"article": world.article.pk, "start": start, "end": start + len(CRITICS), "tag": "opinion"}
    return client.post("/api/annotations/", payload, format="json")


def _edit_annotation(client, world: World, user):
    return client.patch(f"/api/annotations/{world.annotation.pk}/", {"note": "Changed"}, format="json")


def _delete_annotation(client, world: World, user):
    return client.delete(f"/api/annotations/{world.annotation.pk}/")


def _vote(client, world: World, user):
    return client.post(f"/api/claims/{world.claim.pk}/vote/", {"value": "agree"}, format="json")


def _link_evidence(client, world: World, user):
    payload = {"evidence": (world.mine or world.evidence).pk, "stance": "supports"}
    return client.post(f"/api/claims/{world.claim.pk}/evidence/", payload, format="json")


def _unlink_evidence(client, world: World, user):
    return client.delete(f"/api/claims/{world.claim.pk}/evidence/{world.link.pk}/")


def _add_source(client, world: World, user):
    payload = {"stance": "supports", "url": "https://example.org/b", "title": "Another report"}
    return client.post(f"/api/claims/{world.claim.pk}/sources/", payload, format="json")


def _remove_source(client, world: World, user):
    return client.delete(f"/api/claims/{world.claim.pk}/sources/{world.source.pk}/")


def _add_article(client, world: World, user):
    return client.post("/api/articles/", {"text": "A fresh article. It says little."}, format="json")


def _revise_article(client, world: World, user):
    return client.patch(f"/api/articles/{world.article.pk}/", {"text": TEXT + "\nOne more line."}, format="json")


# endpoint: (call, status when allowed, whether only the item's author and moderators may)
ENDPOINTS = {
    "annotate": (_annotate, 201, False),
    "edit annotation": (_edit_annotation, 200, True),
    "delete annotation": (_delete_annotation, 204, True),
    "vote": (_vote, 200, False),
    "link evidence": (_link_evidence, 201, False),
    "unlink evidence": (_unlink_evidence, 204, True),
    "add source": (_add_source, 201, False),
    "remove source": (_remove_source, 204, True),
    "add article": (_add_article, 201, False),
    "revise article": (_revise_article, 200, True),
}


def expected(persona: str, allowed_status: int, owners_only: bool):
    if persona == "anonymous":
        return ANONYMOUS
    if persona in ("silenced", "suspended"):
        return (403,)
    if owners_only and persona == "member":
        return (403,)
    return (allowed_status,)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(personas, persona, endpoint):
    world = build_world(personas["author"])
    call, allowed_status, owners_only = ENDPOINTS[endpoint]
    user = personas[persona]
    world.mine = own_evidence(user, world) if user is not None else None
    statuses = expected(persona, allowed_status, owners_only)
    client = client_for(user)
    before = snapshot()
    response = call(client, world, user)
    assert response.status_code in statuses, (persona, endpoint, response.status_code, response.content)
    if response.status_code == allowed_status:
        assert snapshot() != before
        return
    assert snapshot() == before
    detail = response.json()["detail"]
    if persona == "silenced":
        assert detail.startswith("You are silenced until") and "you can read but not write" in detail
    if persona == "suspended":
        assert detail.startswith("Your account is suspended until")
