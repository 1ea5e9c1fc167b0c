"""The corpus page, /consensus/: claims agreed across viewpoints, the most divisive ones, claims
repeated across articles, tag agreement, and the last refit."""
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from annotations.models import Claim, ClaimConsensus, ConsensusRun
from annotations.selectors.consensus import corpus_consensus
from annotations.services.consensus import consensus_refit
from tests.factories import ArticleFactory, UserFactory
from tests.views.consensus_helpers import TEXT, consensus_row, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def _scored(article, n: int) -> list[Claim]:
    claims = [Claim.objects.create(article=article, quote=f"Scored claim {i}.") for i in range(n)]
    for i, c in enumerate(claims[:-1]):
        consensus_row(
            c, ["divided", "rejected", "agreed", "agreed"][i], votes=10 + i, agree_share=[0.5, 0.1, 0.9, 0.7][i],
            intercept=[0.1, -0.2, 0.45, 0.41][i], divisiveness=[0.6, 0.1, 0.3, 0.9][i],
        )
    return claims


def test_the_corpus_view_ranks_claims_as_the_selector_does(client, article):
    claims = _scored(article, 5)
    ClaimConsensus.objects.filter(claim=claims[3]).update(dirty=True)
    other = ArticleFactory()
    Claim.objects.create(article=other, quote="  scored CLAIM 0. ")
    html = client.get(reverse("consensus")).content.decode()

    def ids(section: str) -> list[int]:
        return [int(pk) for pk in re.findall(r'<a href="/claims/(\d+)/">', section)]

    bridging = html.split('id="bridging-title"', 1)[1].split('id="divisive-title"', 1)[0]
    divisive = html.split('id="divisive-title"', 1)[1].split('id="repeated-title"', 1)[0]
    repeated = html.split('id="repeated-title"', 1)[1]
    corpus = corpus_consensus(user=AnonymousUser())
    assert ids(bridging) == [c.id for c in corpus.bridging] == [claims[2].pk, claims[3].pk]
    assert "bridging score 0.45" in bridging
    updating = re.search(rf'<a href="/claims/{claims[3].pk}/">.*?</p>\s*<p class="meta">([^<]*)', bridging, re.S).group(1)
    assert updating.startswith("Updating") and "score" not in updating  # no stale number
    assert "No opinion groups yet" in divisive and ids(divisive) == []
    assert "in 2 articles" in repeated and set(ids(repeated)) == {claims[0].pk, Claim.objects.get(article=other).pk}
    assert "No full refit has run yet" in html

    refit(group_sizes=[7, 5])
    html = client.get(reverse("consensus")).content.decode()
    divisive = html.split('id="divisive-title"', 1)[1].split('id="repeated-title"', 1)[0]
    assert ids(divisive) == [c.id for c in corpus.divisive] and "divisiveness 0.60" in divisive
    assert "2 opinion groups of 7, 5 people" in html


def refit(**fields) -> ConsensusRun:
    """A finished refit as the worker records one (its numbers given, not fitted)."""
    values = {
        "mu": 0.5, "n_votes": 60, "n_ratings": 55, "n_users": 12, "n_claims": 6, "group_sizes": [],
        "thresholds": {"min_votes": 5, "agree_intercept": 0.4, "max_abs_factor": 0.5, "reject_base": -0.05,
                       "reject_slope": 0.8},
        **fields,
    }
    now = timezone.now()
    return ConsensusRun.objects.create(
        started_at=now, finished_at=now, n_groups=len(values["group_sizes"]), **values
    )


def test_the_corpus_view_reports_tag_agreement_after_a_refit(client, article):
    for author, tag_name in ((UserFactory(), "claim"), (UserFactory(), "claim"), (UserFactory(), "opinion")):
        tag(article, author, 0, tag_name)
    consensus_refit()
    html = client.get(reverse("consensus")).content.decode()
    agreement = html.split('id="agreement-title"', 1)[1]
    assert "over 1 sentence tagged by two or more of 3 taggers" in agreement
    assert re.search(r"Krippendorff's α = -?\d\.\d\d, <strong class=\"reading\" data-reading=\"unreliable\">", agreement)


def test_the_main_navigation_links_the_corpus_view(client):
    html = client.get("/").content.decode()
    assert '<a href="/consensus/">Consensus</a>' in html


def _section(html: str, title_id: str, next_id: str) -> str:
    return html.split(f'id="{title_id}"', 1)[1].split(f'id="{next_id}"', 1)[0]


def test_only_claims_agreed_across_viewpoints_are_listed_as_agreed(client, article):
    divided = Claim.objects.create(article=article, quote="A divided claim.")
    agreed = Claim.objects.create(article=article, quote="An agreed claim.")
    rejected = Claim.objects.create(article=article, quote="A rejected claim.")
    consensus_row(divided, "divided", votes=20, agree_share=0.6, intercept=0.19, factor=0.8)
    consensus_row(rejected, "rejected", votes=20, agree_share=0.1, intercept=-0.4, factor=0.0)
    html = client.get(reverse("consensus")).content.decode()
    assert "No claim is agreed across viewpoints yet" in _section(html, "bridging-title", "divisive-title")
    assert "A divided claim." not in _section(html, "bridging-title", "divisive-title")

    consensus_row(agreed, "agreed", votes=20, agree_share=0.9, intercept=0.45, factor=0.1)
    html = client.get(reverse("consensus")).content.decode()
    listed = _section(html, "bridging-title", "divisive-title")
    assert re.findall(r'<a href="/claims/(\d+)/">', listed) == [str(agreed.pk)]
    assert "Agreed across viewpoints · in" in listed and "Divided" not in listed
    assert [c.id for c in corpus_consensus(user=AnonymousUser()).bridging] == [agreed.pk]
