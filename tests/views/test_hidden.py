"""Hidden items in the pages: gone for members and anonymous readers from the reader, its
live updates and panel, the claim page, the claim search, the corpus page, the vote queue
and the article's claim summary; there for their author and moderators, marked "hidden:"
with the reason. Moderators also see how many people flagged what."""
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import ClaimConsensus, QueueItem, Vote
from tests.enforcement_world import FAST_HASHER, build_world, hide
from tests.samples import CRITICS

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
REASON = "Spam, by the moderators"
MARK = f"<strong>hidden:</strong> {REASON}"
KEPT_OUT = ["anonymous", "member"]
LET_IN = ["author", "moderator"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHER


@pytest.fixture
def world(personas):
    return build_world(personas["author"])


def signed_in(client, personas, viewer):
    if personas[viewer] is not None:
        client.force_login(personas[viewer])
    return client


def layer(html: str) -> dict:
    found = re.search(r'<script id="annotation-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def panel(client, world) -> str:
    span = {"start": world.annotation.start, "end": world.annotation.end}
    return client.get(reverse("annotation-panel", args=[world.article.pk]), span, **HTMX).content.decode()


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_a_hidden_annotation_in_the_reader(client, personas, world, viewer):
    hide(world.annotation, REASON)
    signed_in(client, personas, viewer)
    page = layer(client.get(world.article.get_absolute_url()).content.decode())
    live = client.get(reverse("article-live", args=[world.article.pk]), {"since": "0"}, **HTMX)
    live_layer = layer(live.content.decode())
    side = panel(client, world)
    if viewer in KEPT_OUT:
        assert page["annotations"] == live_layer["annotations"] == [] and page["markers"] == {}
        assert "Too vague" not in side and "Nobody has annotated this yet." in side
    else:
        assert [a["id"] for a in page["annotations"]] == [world.annotation.pk]
        assert [a["id"] for a in live_layer["annotations"]] == [world.annotation.pk]
        assert list(page["markers"].values()) == [["C1", "1 claim"]]
        assert "Too vague" in side and MARK in side


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_a_hidden_claim_is_gone_from_the_pages(client, personas, world, viewer):
    hide(world.claim, REASON)
    ClaimConsensus.objects.create(
        claim=world.claim, status="agreed", votes=9, agree=8, disagree=1, unsure=0, agree_share=0.9, intercept=0.6,
        factor=0.1, divisiveness=0.3, wilson_low=0.57, wilson_high=0.98, groups=[], computed_at=timezone.now(),
    )
    signed_in(client, personas, viewer)
    claim_page = client.get(world.claim.get_absolute_url())
    search = client.get(reverse("claim-search"), {"q": "Critics"}).content.decode()
    corpus = client.get(reverse("consensus")).content.decode()
    queue = client.get(reverse("vote-queue", args=[world.article.pk])).content.decode()
    summary = client.get(reverse("article-consensus", args=[world.article.pk]), **HTMX).content.decode()
    reader = layer(client.get(world.article.get_absolute_url()).content.decode())
    link = f'href="/claims/{world.claim.pk}/"'
    if viewer in KEPT_OUT:
        assert claim_page.status_code == 404
        assert CRITICS[:40] not in search and link not in corpus
        assert "Nobody has tagged a claim in this article yet." in queue
        assert "<strong>1 claim:</strong>" not in summary
        assert [a["claim"] for a in reader["annotations"]] == [None] and reader["claims"] == {}
        assert link not in panel(client, world)
    else:
        assert claim_page.status_code == 200 and MARK in claim_page.content.decode()
        assert CRITICS[:40] in search and link in corpus
        assert "Claim 1 of 1" in queue and "<strong>1 claim:</strong>" in summary
        assert [a["claim"] for a in reader["annotations"]] == [world.claim.pk]
        assert link in panel(client, world)


def test_voting_on_a_hidden_claim_from_the_page_is_a_404(client, personas, world):
    hide(world.claim, REASON)
    client.force_login(personas["member"])
    data = {"value": "agree", "view": "block", "slot": f"c{world.claim.pk}"}
    assert client.post(reverse("claim-vote", args=[world.claim.pk]), data, **HTMX).status_code == 404
    source = {"kind": "link", "stance": "supports", "url": "https://example.org/b", "title": "B"}
    assert client.post(reverse("source-create", args=[world.claim.pk]), source, **HTMX).status_code == 404
    assert not Vote.objects.exists() and world.claim.sources.count() == 1


@pytest.mark.parametrize("viewer", KEPT_OUT + LET_IN)
def test_hidden_sources_taggings_and_evidence_on_the_claim_page(client, personas, world, viewer):
    for item in (world.source, world.evidence, world.annotation):
        hide(item, REASON)
    signed_in(client, personas, viewer)
    html = client.get(world.claim.get_absolute_url()).content.decode()
    if viewer in KEPT_OUT:
        assert "A report" not in html and "Roads cost little here." not in html and "Too vague" not in html
        assert MARK not in html
    else:
        assert "A report" in html and "Roads cost little here." in html and "Too vague" in html
        assert html.count(MARK) == 3


def flagged(target_type: str, target_id: int, people: int) -> QueueItem:
    return QueueItem.objects.create(target_type=target_type, target_id=target_id, flaggers=people, score=people)


def test_moderators_see_flag_counts_in_the_reader_and_on_the_claim_page(client, personas, world):
    flagged("annotation", world.annotation.pk, 3)
    flagged("claim", world.claim.pk, 2)
    flagged("source", world.source.pk, 1)
    client.force_login(personas["moderator"])
    assert "⚑ 3 flags" in panel(client, world)
    claim_page = client.get(world.claim.get_absolute_url()).content.decode()
    assert "⚑ 2 flags" in claim_page and "⚑ 1 flag<" in claim_page
    for viewer in ("member", "author"):
        client.force_login(personas[viewer])
        assert "⚑" not in panel(client, world)
        assert "⚑" not in client.get(world.claim.get_absolute_url()).content.decode()


def test_resolved_flags_are_not_counted(client, personas, world):
    flagged("annotation", world.annotation.pk, 3)
    QueueItem.objects.update(state="dismissed")
    client.force_login(personas["moderator"])
    assert "⚑" not in panel(client, world)
