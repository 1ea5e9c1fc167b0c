"""An article's consensus: the summary of its claims by status, its tag agreement, and the
claim marks in the reader, kept current by the live poll in a constant number of queries."""
import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import ClaimConsensus
from annotations.services.consensus import consensus_refit
from annotations.services.consensus_queue import article_queued_key
from annotations.services.votes import vote_cast
from tests.factories import ArticleFactory, UserFactory
from tests.views.consensus_helpers import (
    HTMX,
    TEXT,
    claim_at,
    consensus_row,
    sentences,
    since_of,
    tag,
    voters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def article_section(client, article):
    return client.get(reverse("article-consensus", args=[article.pk]), **HTMX)


def test_the_article_sums_up_its_claims_by_consensus_status(client):
    article = ArticleFactory(
        text="Six Claims\nOne is here. Two is here. Three is here. Four is here. Five is here. Six is here."
    )
    claims = [claim_at(article, i) for i in range(6)]
    for claim, status in zip(claims, ["agreed", "agreed", "rejected", "divided", "divided"], strict=False):
        consensus_row(claim, status)
    html = article_section(client, article).content.decode()
    counts = dict(re.findall(r'<li data-status="(\w+)">.*?</span> (\d+) ', html))
    assert counts == {"agreed": "2", "rejected": "1", "divided": "2", "not_enough_votes": "1"}
    assert "6 claims:" in html and f'href="/articles/{article.pk}/vote/"' in html
    page = client.get(article.get_absolute_url()).content.decode()  # the reader has it in the page
    assert dict(re.findall(r'<li data-status="(\w+)">.*?</span> (\d+) ', page)) == counts

    ClaimConsensus.objects.filter(claim=claims[0]).update(dirty=True)
    response = article_section(client, article)
    counts = dict(re.findall(r'<li data-status="(\w+)">.*?</span> (\d+) ', response.content.decode()))
    assert (counts["agreed"], counts["updating"]) == ("1", "1")
    assert response.status_code == 200 and 'hx-trigger="every 2s"' in response.content.decode()


def test_the_article_shows_its_tag_agreement_and_each_sentences_consensus_tag(client):
    article = ArticleFactory(text="Agreement Article\nFirst sentence here. Second sentence here. Third one.")
    first, second, _ = sentences(article)
    for author, tags in ((UserFactory(), ["claim", "evidence"]), (UserFactory(), ["claim", "opinion"])):
        for index, tag_name in enumerate(tags):
            tag(article, author, index, tag_name)
    cache.delete(article_queued_key(article.pk))

    response = article_section(client, article)
    assert response.status_code == 200 and "updating…" in response.content.decode()
    # The recompute was queued (and, in these tests, ran at once): the next poll has it.
    response = article_section(client, article)
    html = response.content.decode()
    assert response.status_code == 286
    assert "Krippendorff's α = 0.40, <strong class=\"reading\" data-reading=\"unreliable\">unreliable</strong>" in html
    assert "over 2 sentences tagged by two or more of 2 taggers" in html
    data = json.loads(re.search(r'<script id="sentence-tags-data" type="application/json">(.*?)</script>', html).group(1))
    assert data == {str(first.pk): ["claim", 1.0, 2], str(second.pk): ["evidence", 0.5, 2]}
    assert 'id="show-sentence-tags" class="toggle" aria-pressed="false"' in html


def test_an_article_nobody_tagged_twice_says_so(client, article):
    html = article_section(client, article).content.decode()
    assert "no sentence has been tagged by two people yet" in html and "sentence-tags-data" not in html


def layer(html: str) -> dict:
    return json.loads(re.search(r'<script id="annotation-data" type="application/json">(.*?)</script>', html, re.S).group(1))


def _article_with_claims(n: int):
    article = ArticleFactory(text="Many Claims\n" + " ".join(f"Claim number {i} is made here." for i in range(n)))
    cache.delete(article_queued_key(article.pk))
    user = UserFactory()
    claims = [claim_at(article, i, user) for i in range(n)]
    statuses = ["agreed", "rejected", "divided"]
    for i, claim in enumerate(claims[: n // 2]):
        consensus_row(claim, statuses[i % 3], dirty=i == 0)
    return article, claims


def _queries(client, url: str, **extra) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, **extra).status_code in (200, 286)
    return len(queries)


def test_the_readers_live_update_brings_other_peoples_votes_to_the_claim_marks(client, article):
    claim = claim_at(article, 1)
    client.force_login(UserFactory())
    url = reverse("article-live", args=[article.pk])
    since = since_of(client.get(article.get_absolute_url()).content.decode())
    assert client.get(url, {"since": since}, **HTMX).status_code == 204

    for user in voters(5):
        vote_cast(user=user, claim_id=claim.pk, value="agree")
    response = client.get(url, {"since": since}, **HTMX)
    assert response.status_code == 200 and layer(response.content.decode())["claims"] == {str(claim.pk): "updating"}
    since = since_of(response.content.decode())
    assert client.get(url, {"since": since}, **HTMX).status_code == 204

    consensus_refit()
    response = client.get(url, {"since": since}, **HTMX)
    status = ClaimConsensus.objects.get(claim=claim).status
    assert response.status_code == 200 and layer(response.content.decode())["claims"] == {str(claim.pk): status}
    assert client.get(url, {"since": since_of(response.content.decode())}, **HTMX).status_code == 204


def test_the_reader_marks_claims_with_their_status_in_a_constant_number_of_queries(client, settings):
    settings.REDNOTE_RATE_LIMITS = False  # one user tags 100 claims in a loop as set-up
    client.force_login(UserFactory())
    counts = {}
    for n in (10, 100):
        article, claims = _article_with_claims(n)
        html = client.get(article.get_absolute_url()).content.decode()
        statuses = layer(html)["claims"]
        assert statuses[str(claims[0].pk)] == "updating"
        assert [statuses[str(c.pk)] for c in claims[1:4]] == ["rejected", "divided", "agreed"]
        assert statuses[str(claims[-1].pk)] == "not_enough_votes"
        assert '<script id="consensus-marks" type="application/json">' in html
        article_section(client, article)  # queues and (here) runs the tag agreement's recompute
        counts[n] = (
            _queries(client, article.get_absolute_url()),
            _queries(client, reverse("article-consensus", args=[article.pk]), **HTMX),
            _queries(client, reverse("vote-queue", args=[article.pk])),
        )
    assert counts[10] == counts[100]

