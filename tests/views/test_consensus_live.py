"""What the reader and the claim page show about an article or a claim follows the live poll:
the article's summary, a claim's consensus box with its evidence and source counts."""
import re

import pytest
from django.urls import reverse

from annotations.services.claims import evidence_link_create, source_create
from annotations.services.votes import vote_cast
from tests.factories import ArticleFactory, UserFactory
from tests.views.consensus_helpers import HTMX, TEXT, claim_at, sentences, since_of, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def summary(html: str) -> str:
    """The reader's article summary in an answer, swapped in out of band."""
    found = re.search(r'<section id="article-consensus"[^>]*hx-swap-oob="true"[^>]*>(.*?)</section>', html, re.S)
    return found.group(1) if found else ""


def test_tagging_and_the_readers_live_poll_bring_the_articles_summary(client, article):
    reader = UserFactory()
    client.force_login(reader)
    since = since_of(client.get(article.get_absolute_url()).content.decode())
    s = sentences(article)[1]
    answer = client.post(
        reverse("annotation-create", args=[article.pk]),
        {"start": s.start, "end": s.end, "tag": "claim", "revision": 1}, **HTMX,
    ).content.decode()
    assert "<strong>1 claim:</strong>" in summary(answer)

    tag(article, UserFactory(), 2)  # another reader's claim
    html = client.get(reverse("article-live", args=[article.pk]), {"since": since}, **HTMX).content.decode()
    assert "<strong>2 claims:</strong>" in summary(html) and "Nobody has tagged a claim" not in html
    since = since_of(html)
    assert client.get(reverse("article-live", args=[article.pk]), {"since": since}, **HTMX).status_code == 204


def about_stamp(html: str) -> str:
    return re.search(r'<input type="hidden" id="claim-stamp" name="about" value="([\d-]+)"', html).group(1)


def claim_live(client, claim, thread_stamp: str, about: str):
    return client.get(reverse("thread-live", args=[claim.pk]), {"stamp": thread_stamp, "about": about}, **HTMX)


def test_the_claim_pages_live_poll_brings_new_sources_evidence_and_votes(client, article):
    claim = claim_at(article, 1)
    page = client.get(claim.get_absolute_url()).content.decode()
    thread_stamp, about = re.search(r'data-stamp="(\d+)"', page).group(1), about_stamp(page)
    assert 'hx-include="#claim-stamp"' in page
    assert claim_live(client, claim, thread_stamp, about).status_code == 204

    source_create(author=UserFactory(), claim_id=claim.pk, stance="supports", url="https://example.org/s", title="S")
    response = claim_live(client, claim, thread_stamp, about)
    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Reswap"] == "none"  # the thread did not change
    assert f'<section id="consensus-c{claim.pk}" class="consensus-block"' in html and 'hx-swap-oob="true"' in html
    assert "Sources: <a href=\"#sources-title\">1 supporting, 0 contradicting</a>" in html
    assert '<section id="sources" class="sources"' in html and "https://example.org/s" in html
    assert 'id="thread-comments"' not in html
    about = about_stamp(html)
    assert claim_live(client, claim, thread_stamp, about).status_code == 204

    author = UserFactory()
    evidence = tag(ArticleFactory(), author, 0, "evidence")
    evidence_link_create(author=author, evidence=evidence, claim_id=claim.pk, stance="refutes")
    html = claim_live(client, claim, thread_stamp, about).content.decode()
    assert "Evidence: <a href=\"#evidence-title\">0 for, 1 against</a>" in html
    assert '<section id="evidence" class="evidence"' in html and "Against</span> (1)" in html
    about = about_stamp(html)

    vote_cast(user=UserFactory(), claim_id=claim.pk, value="agree")  # someone else votes
    html = claim_live(client, claim, thread_stamp, about).content.decode()
    assert "<strong>Updating</strong>" in html and 'hx-trigger="every 1s"' in html


def test_linking_evidence_moves_the_stamps_of_both_articles(client, article):
    claim = claim_at(article, 1)
    other = ArticleFactory()
    author = UserFactory()
    evidence = tag(other, author, 0, "evidence")
    for a in (article, other):
        a.refresh_from_db()
    before = {a.pk: a.annotations_changed_at for a in (article, other)}
    evidence_link_create(author=author, evidence=evidence, claim_id=claim.pk, stance="supports")
    for a in (article, other):
        a.refresh_from_db()
        assert a.annotations_changed_at > before[a.pk]  # both readers' live polls show the link


def test_attaching_a_source_updates_the_consensus_blocks_counts_at_once(client, article):
    claim = claim_at(article, 1)
    client.force_login(UserFactory())
    data = {"kind": "link", "stance": "contradicts", "url": "https://example.org/c", "title": "C"}
    html = client.post(reverse("source-create", args=[claim.pk]), data, **HTMX).content.decode()
    assert 'id="link-source-form"' in html
    block_html = re.search(rf'<section id="consensus-c{claim.pk}"[^>]*hx-swap-oob="true".*?</section>', html, re.S)
    assert "Sources: <a href=\"#sources-title\">0 supporting, 1 contradicting</a>" in block_html.group(0)
    assert about_stamp(html) == about_stamp(client.get(claim.get_absolute_url()).content.decode())
