"""The permission matrix of the pages' write endpoints: every persona against every endpoint,
with the status each gets, the message a silenced member reads, and proof that nothing
changed where it was refused. A suspended member's session ends at once, so they are refused
as anonymous visitors are."""
import pytest
from django.urls import reverse

from tests.enforcement_world import FAST_HASHER, World, build_world, own_evidence, snapshot
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PERSONAS = ["anonymous", "member", "author", "silenced", "suspended", "moderator", "admin"]
TO_SIGN_IN = "sign in"
"""A redirect to the sign-in page (login_required)."""


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


def _annotate(client, world: World):
    start = TEXT.index(CRITICS)
    data = {"start": start, "end": start + len(CRITICS), "tag": "opinion", "revision": 1}
    return client.post(reverse("annotation-create", args=[world.article.pk]), data, **HTMX)


def _edit_annotation(client, world: World):
    data = {"tag": "claim", "note": "Changed"}
    return client.post(reverse("annotation-edit", args=[world.annotation.pk]), data, **HTMX)


def _delete_annotation(client, world: World):
    return client.post(reverse("annotation-delete", args=[world.annotation.pk]), **HTMX)


def _link_evidence(client, world: World):
    evidence = world.mine or world.evidence
    data = {"claim": world.claim.pk, "stance": "supports"}
    return client.post(reverse("evidence-link-create", args=[evidence.pk]), data, **HTMX)


def _add_source(client, world: World):
    data = {"kind": "link", "stance": "supports", "url": "https://example.org/b", "title": "Another report"}
    return client.post(reverse("source-create", args=[world.claim.pk]), data, **HTMX)


def _vote(client, world: World):
    data = {"value": "agree", "view": "block", "slot": f"c{world.claim.pk}"}
    return client.post(reverse("claim-vote", args=[world.claim.pk]), data, **HTMX)


def _vote_in_queue(client, world: World):
    data = {"claim": world.claim.pk, "value": "disagree"}
    return client.post(reverse("vote-queue", args=[world.article.pk]), data, **HTMX)


def _add_article(client, world: World):
    return client.post(reverse("article-new"), {"text": "A fresh article. It says little.", "format": "text"})


def _revise_article(client, world: World):
    return client.post(reverse("article-revise", args=[world.article.pk]), {"text": TEXT + "\nOne more line."})


# endpoint: (call, status when allowed, anonymous visitors' answer, only authors and moderators)
ENDPOINTS = {
    "annotate": (_annotate, 200, 403, False),
    "edit annotation": (_edit_annotation, 200, 403, True),
    "delete annotation": (_delete_annotation, 200, 403, True),
    "link evidence": (_link_evidence, 200, 403, False),
    "add source": (_add_source, 200, TO_SIGN_IN, False),
    "vote": (_vote, 200, 403, False),
    "vote in the queue": (_vote_in_queue, 200, 403, False),
    "add article": (_add_article, 302, TO_SIGN_IN, False),
    "revise article": (_revise_article, 302, TO_SIGN_IN, True),
}


def expected(persona: str, allowed, anonymous, owners_only: bool):
    if persona in ("anonymous", "suspended"):
        return anonymous
    if persona == "silenced" or (owners_only and persona == "member"):
        return 403
    return allowed


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, personas, persona, endpoint):
    world = build_world(personas["author"])
    call, allowed, anonymous, owners_only = ENDPOINTS[endpoint]
    user = personas[persona]
    if user is not None:
        world.mine = own_evidence(user, world)
        client.force_login(user)
    before = snapshot()
    response = call(client, world)
    want = expected(persona, allowed, anonymous, owners_only)
    if want == TO_SIGN_IN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == want, (persona, endpoint, response.status_code)
    if want == allowed:
        assert snapshot() != before
        return
    assert snapshot() == before
    if persona == "silenced":
        assert "You are silenced until" in response.content.decode()


@pytest.mark.parametrize(
    "url_name",
    ["article-detail", "claim-detail", "article-new", "vote-queue"],
)
def test_silenced_members_read_the_message_instead_of_the_write_forms(client, personas, url_name):
    world = build_world(personas["author"])
    args = [] if url_name == "article-new" else [world.claim.pk if url_name == "claim-detail" else world.article.pk]
    client.force_login(personas["silenced"])
    html = client.get(reverse(url_name, args=args)).content.decode()
    assert "You are silenced until" in html and "you can read but not write" in html
    for form in ('data-tag="claim"', 'id="link-source-form"', 'name="value"', 'name="text"'):
        assert form not in html
    client.force_login(personas["member"])
    assert "You are silenced" not in client.get(reverse(url_name, args=args)).content.decode()


def test_the_silenced_author_keeps_reading_but_loses_the_edit_forms(client, personas):
    author = personas["author"]
    world = build_world(author)
    client.force_login(author)
    panel_url = reverse("annotation-panel", args=[world.article.pk])
    span = {"start": world.annotation.start, "end": world.annotation.end}
    assert f'id="edit-{world.annotation.pk}"' in client.get(panel_url, span, **HTMX).content.decode()
    world.annotation.author.sanctions.create(
        kind="silence", reason="test", starts_at=world.annotation.created_at, ends_at=None
    )
    html = client.get(panel_url, span, **HTMX).content.decode()
    assert "Too vague" in html and "You are silenced permanently" in html
    assert f'id="edit-{world.annotation.pk}"' not in html
    revise = client.get(reverse("article-revise", args=[world.article.pk]))
    assert revise.status_code == 403 and "You are silenced permanently" in revise.content.decode()
