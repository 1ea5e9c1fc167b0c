"""Consensus in plain words: what each number on a claim's consensus block means, why there are
no opinion groups yet and how many more votes they need, and /consensus/about/ with the corpus'
own numbers."""
import re

import pytest
from django.urls import reverse

from annotations.models import Claim, ClaimConsensus
from annotations.services.consensus import consensus_refit
from annotations.services.votes import vote_cast
from tests.factories import ArticleFactory, UserFactory
from tests.views.consensus_helpers import TEXT, block, claim_at, voters

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def two_camps(article, n_claims: int = 8, n_voters: int = 12) -> list[Claim]:
    """Everyone agrees with the first claim; on the others the even and odd voters disagree."""
    claims = [Claim.objects.create(article=article, quote=f"Camp claim {i}.") for i in range(n_claims)]
    for i, person in enumerate(voters(n_voters, prefix="camper")):
        for j, c in enumerate(claims):
            vote_cast(user=person, claim_id=c.pk, value="agree" if j == 0 or j % 2 == i % 2 else "disagree")
    return claims


def test_every_number_in_the_claims_consensus_block_says_what_it_means(client, article):
    claims = two_camps(article)
    consensus_refit()
    html = block(client, claims[0]).content.decode()
    assert ClaimConsensus.objects.get(claim=claims[0]).status == "agreed"
    meanings = dict(re.findall(r'<p class="meaning" data-meaning="(\w+)">([^<]+)</p>', html))
    assert set(meanings) == {"verdict", "votes", "share", "bridging", "leaning", "groups", "evidence"}
    assert meanings["verdict"] == "People who usually disagree with each other both agree with this."
    assert meanings["bridging"].startswith("How much people agree with it once you set aside which side they are on.")
    assert "From 0.40 it counts as agreed across viewpoints" in meanings["bridging"]
    assert meanings["leaning"].startswith("Whether it appeals to one side: near 0")
    assert "Opinion groups are people who tend to vote alike" in meanings["groups"]
    assert '<a href="/consensus/about/">How is this computed?</a>' in html
    words = re.sub(r"<[^>]+>", " ", html).lower()  # the text a reader sees
    assert "intercept" not in words and "factor" not in words and "μ" not in words

    divided = block(client, claims[1]).content.decode()
    assert "Whether people agree depends on which side they are on" in divided


def test_a_claim_short_of_a_verdict_says_how_many_more_votes_it_needs(client, article):
    claim = claim_at(article, 1)
    for person, value in zip(voters(3), ["agree", "disagree", "unsure"], strict=True):
        vote_cast(user=person, claim_id=claim.pk, value=value)
    consensus_refit()
    html = block(client, claim).content.decode()
    assert "A verdict needs at least 5 agree or disagree votes: 3 more." in html  # unsure ones do not count
    assert "Too few people have agreed or disagreed yet to tell." in html


def needed(html: str) -> str:
    return re.search(r'<strong class="votes-needed">([^<]+)</strong>', html).group(1)


def test_without_opinion_groups_the_pages_say_why_and_how_many_more_votes_they_need(client, article):
    claims = [Claim.objects.create(article=article, quote=f"Group claim {i}.") for i in range(8)]
    ada, bob, cy = voters(3, prefix="grouper")
    for c in claims[:5]:
        vote_cast(user=ada, claim_id=c.pk, value="agree")
    for c in claims[:2]:
        vote_cast(user=bob, claim_id=c.pk, value="agree")
    assert consensus_refit().group_sizes == []
    # Groups need three people with seven votes each: Ada 2 more, Bob 5 more, someone new 7.
    claim_page = client.get(claims[0].get_absolute_url()).content.decode()
    assert "No opinion groups yet: they form once at least 3 people have each voted on 7 claims" in claim_page
    assert needed(claim_page) == "14 more votes"
    corpus = client.get(reverse("consensus")).content.decode()
    assert needed(corpus.split('id="divisive-title"', 1)[1]) == "14 more votes"
    assert needed(client.get(reverse("consensus-about")).content.decode()) == "14 more votes"

    vote_cast(user=cy, claim_id=claims[7].pk, value="disagree")
    assert needed(client.get(reverse("consensus")).content.decode()) == "13 more votes"

    for c in claims[5:7]:
        vote_cast(user=ada, claim_id=c.pk, value="agree")
    for c in claims[2:7]:
        vote_cast(user=bob, claim_id=c.pk, value="agree")
    for c in claims[:6]:
        vote_cast(user=cy, claim_id=c.pk, value="disagree")
    html = client.get(reverse("consensus")).content.decode()
    assert "There are enough votes now: the next full refit (every 5 minutes) looks for groups" in html

    assert consensus_refit().n_groups == 2  # exactly the votes said to be needed were enough
    claim_page = client.get(claims[0].get_absolute_url()).content.decode()
    assert "No opinion groups yet" not in claim_page and "How each opinion group voted" in claim_page
    assert "No opinion groups yet" not in client.get(reverse("consensus")).content.decode()


def test_with_too_few_claims_for_groups_the_pages_say_so(client, article):
    claim = claim_at(article, 1)
    html = client.get(reverse("consensus")).content.decode()
    assert "First the corpus needs 6 more claims to vote on." in html
    vote_cast(user=UserFactory(), claim_id=claim.pk, value="agree")
    consensus_refit()
    assert "First the corpus needs 6 more claims to vote on." in client.get(claim.get_absolute_url()).content.decode()


def test_the_about_page_explains_the_model_with_the_corpus_own_numbers(client, article):
    claims = two_camps(article)
    run = consensus_refit()
    run.thresholds = {**run.thresholds, "agree_intercept": 0.33}  # as the refit applied them, not the settings
    run.save()
    html = client.get(reverse("consensus-about")).content.decode()
    assert "<h1>How is the consensus computed?</h1>" in html
    assert "vote ≈ μ + voter intercept + claim intercept + voter factor × claim factor" in html
    assert f'<strong class="mu">μ = {run.mu:.2f}</strong>' in html
    assert f"read <strong>{run.n_votes} votes</strong> by <strong>{run.n_users} people</strong> on <strong>8 claims</strong>" in html
    assert "claim intercept ≥ 0.33" in html and "between −0.50 and 0.50" in html
    sizes = re.findall(r'<tr><th scope="row">Group ([AB])</th><td>(\d+)</td>', html)
    assert sizes == [("A", "6"), ("B", "6")] and run.group_sizes == [6, 6]

    example = html.split('id="example-title"', 1)[1]
    row = ClaimConsensus.objects.get(claim=claims[0])  # everyone agrees with it: agreed, the most votes
    assert f'<a href="/claims/{claims[0].pk}/">“Camp claim 0.”</a>' in example
    assert f"claim intercept of {row.intercept:.2f}</strong> and a <strong>claim factor of {row.factor:.2f}" in example
    assert f"= <strong>{run.mu + row.intercept:.2f}</strong>" in example
    assert example.count("<td>100%</td>") == 2  # both groups' actual agree share
    assert 'So it is <strong data-status="agreed">Agreed across viewpoints</strong>' in example
    counts = re.search(r'<p class="claim-numbers">([^<]+)</p>', html).group(1)
    assert counts.startswith("Right now the corpus has 8 claims: 1 agreed across viewpoints")

    assert '<a href="/consensus/about/">How is this computed?</a>' in client.get(reverse("consensus")).content.decode()


def test_the_about_page_before_any_refit_says_so(client, article):
    html = client.get(reverse("consensus-about")).content.decode()
    assert "No full refit has run yet." in html and "μ =" not in html
    assert "claim intercept ≥ 0.40" in html  # the settings' thresholds until a refit applies them
    assert "The example appears after the first full refit." in html
