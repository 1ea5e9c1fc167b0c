"""The vote queue: stepping through an article's claims one at a time and voting on each."""
import re

import pytest
from django.urls import reverse

from annotations.models import Vote
from tests.factories import ArticleFactory, UserFactory
from tests.views.consensus_helpers import HTMX, TEXT, claim_at, pressed

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def queue_get(client, article, claim=None):
    params = {"claim": claim.pk} if claim else {}
    return client.get(reverse("vote-queue", args=[article.pk]), params, **HTMX).content.decode()


def marked(html: str) -> str:
    return re.search(r'<mark class="claim-mark">([^<]*)</mark>', html).group(1)


def test_the_queue_steps_through_the_articles_claims_and_moves_on_after_each_vote(client, article):
    made = [claim_at(article, i) for i in (3, 1, 2)]
    first, second, third = sorted(made, key=lambda c: c.start)  # queued in text order
    user = UserFactory()
    client.force_login(user)

    page = client.get(reverse("vote-queue", args=[article.pk])).content.decode()
    assert "<h1>Vote on this article's claims</h1>" in page and "Claim 1 of 3" in page
    assert marked(page) == first.quote and "Prices rose by 12% in a year. " in page  # in its paragraph
    assert f'rel="next" href="/articles/{article.pk}/vote/?claim={second.pk}"' in page and 'rel="prev"' not in page

    step = queue_get(client, article, second)
    assert "Claim 2 of 3" in step and marked(step) == second.quote and "<h1>" not in step
    assert f'rel="prev" href="/articles/{article.pk}/vote/?claim={first.pk}"' in step
    assert f'rel="next" href="/articles/{article.pk}/vote/?claim={third.pk}"' in step

    response = client.post(reverse("vote-queue", args=[article.pk]), {"claim": second.pk, "value": "agree"}, **HTMX)
    html = response.content.decode()
    assert Vote.objects.get(user=user, claim=second).value == 1
    assert "Claim 3 of 3" in html and marked(html) == third.quote and "You have voted on 1 of 3" in html
    assert response["HX-Push-Url"] == f"/articles/{article.pk}/vote/?claim={third.pk}"
    assert '<div hx-swap-oob="innerHTML:#queue-status">Saved: you agree.</div>' in html

    assert "Claim 1 of 3" in queue_get(client, article)  # the first one not voted on yet
    assert pressed(queue_get(client, article, second)) == ["agree"]

    html = client.post(reverse("vote-queue", args=[article.pk]), {"claim": third.pk, "value": "disagree"}, **HTMX).content.decode()
    assert "Claim 3 of 3" in html and pressed(html) == ["disagree"] and "That was the last claim." in html


def test_the_queue_works_without_javascript(client, article):
    claim = claim_at(article, 1)
    client.force_login(UserFactory())
    response = client.post(reverse("vote-queue", args=[article.pk]), {"claim": claim.pk, "value": "unsure"})
    assert response.status_code == 302 and response["Location"] == f"/articles/{article.pk}/vote/?claim={claim.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Saved: you are unsure. That was the last claim." in page and pressed(page) == ["unsure"]


def test_an_article_without_claims_has_an_empty_queue(client, article):
    page = client.get(reverse("vote-queue", args=[article.pk])).content.decode()
    assert "Nobody has tagged a claim in this article yet." in page and "data-vote" not in page
