"""A claim's consensus: its block on the claim page and its line in the reader's panel, and
casting a vote from either, with or without JavaScript."""
import re

import pytest
from django.urls import reverse

from annotations.consensus.wilson import wilson_interval
from annotations.models import Claim, ClaimConsensus, Vote
from annotations.services.claims import evidence_link_create, source_create
from annotations.services.consensus import consensus_refit
from annotations.services.votes import vote_cast
from tests.factories import ArticleFactory, UserFactory
from tests.views.consensus_helpers import (
    HTMX,
    TEXT,
    block,
    claim_at,
    pressed,
    sentences,
    tag,
    voters,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def vote(client, claim, value, view="block", slot=None):
    data = {"value": value, "view": view, "slot": slot or f"c{claim.pk}"}
    return client.post(reverse("claim-vote", args=[claim.pk]), data, **HTMX)


def test_voting_on_the_claim_page_saves_the_vote_and_voting_again_replaces_it(client, article):
    claim = claim_at(article, 1)
    user = UserFactory(username="ada")
    client.force_login(user)
    assert pressed(block(client, claim).content.decode()) == []

    response = vote(client, claim, "agree")
    html = response.content.decode()
    assert response.status_code == 200
    assert Vote.objects.get(user=user, claim=claim).value == 1
    assert pressed(html) == ["agree"]
    assert '<div hx-swap-oob="innerHTML:#vote-status">Saved: you agree.</div>' in html
    # The vote made the consensus out of date: the block says so and polls until it is not.
    assert "Updating" in html and 'hx-trigger="every 1s"' in html and "vote-counts" not in html

    html = vote(client, claim, "unsure").content.decode()
    assert [(v.user, v.value) for v in Vote.objects.filter(claim=claim)] == [(user, 0)]
    assert pressed(html) == ["unsure"] and "Saved: you are unsure." in html
    assert pressed(block(client, claim).content.decode()) == ["unsure"]


def test_the_consensus_block_shows_updating_while_out_of_date_and_the_numbers_once_computed(client, article):
    claim = claim_at(article, 1)
    people = voters(6)
    for person in people[:5]:
        vote_cast(user=person, claim_id=claim.pk, value="agree")
    vote_cast(user=people[5], claim_id=claim.pk, value="disagree")

    response = block(client, claim)
    html = response.content.decode()
    assert response.status_code == 200 and 'hx-trigger="every 1s"' in html
    assert "<strong>Updating</strong>" in html and "Counting the latest votes" in html
    assert not re.search(r"\d+ votes?:", html) and "%" not in html  # never a stale or made-up number

    consensus_refit()
    response = block(client, claim)
    html = response.content.decode()
    row = ClaimConsensus.objects.get(claim=claim)
    assert response.status_code == 286  # up to date: stops htmx polling
    assert "every 1s" not in html and "aria-busy" not in html
    assert f"<strong>{row.get_status_display()}</strong>" in html
    assert "6 votes: 5 agree, 1 disagree, 0 unsure" in html
    low, high = wilson_interval(5, 6)
    assert f"83% agree; 95% interval {low:.0%} to {high:.0%}" in html
    assert html.count('<svg class="chart share-bar"') == 1 and '<g class="whisker">' in html
    assert f"Bridging score</dt><dd>{row.intercept:.2f}" in html and f"Leaning</dt><dd>{row.factor:.2f}" in html


def test_votes_without_a_consensus_row_yet_show_as_updating(client, article):
    claim = claim_at(article, 1)
    Vote.objects.create(user=UserFactory(), claim=claim, value=1)  # as a bulk load leaves them
    html = block(client, claim).content.decode()
    assert "<strong>Updating</strong>" in html and "vote-counts" not in html


def test_the_block_shows_how_each_opinion_group_voted(client, article):
    claims = [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(8)]
    for i, person in enumerate(voters(12)):
        for j, c in enumerate(claims):
            vote_cast(user=person, claim_id=c.pk, value="agree" if j == 0 or j % 2 == i % 2 else "disagree")
    assert consensus_refit().n_groups == 2
    html = block(client, claims[1]).content.decode()
    groups = re.findall(r'<span class="group-label">Group ([A-Z]): (\d+ of \d+) agree</span>', html)
    assert sorted(letter for letter, _ in groups) == ["A", "B"]
    assert sorted(share for _, share in groups) == ["0 of 6", "6 of 6"]
    assert html.count('<svg class="chart vote-bar"') == 3  # all votes, then one bar per group
    assert len(set(re.findall(r'<pattern id="([^"]+)"', html))) == 6  # every bar's patterns have their own ids


def test_the_block_counts_evidence_and_sources(client, article):
    claim = claim_at(article, 1)
    user = UserFactory()
    for index, stance in [(0, "supports"), (2, "refutes"), (3, "refutes")]:
        evidence_link_create(author=user, evidence=tag(article, user, index, "evidence"), claim_id=claim.pk, stance=stance)
    source_create(author=user, claim_id=claim.pk, stance="contradicts", url="https://example.org/a", title="A")
    html = block(client, claim).content.decode()
    assert "Evidence: <a href=\"#evidence-title\">1 for, 2 against</a>" in html
    assert "Sources: <a href=\"#sources-title\">0 supporting, 1 contradicting</a>" in html


def test_the_claim_page_shows_its_consensus_in_the_page_and_links_the_queue(client, article):
    claim = claim_at(article, 1)
    for user in voters(3):
        vote_cast(user=user, claim_id=claim.pk, value="agree")
    html = client.get(claim.get_absolute_url()).content.decode()
    # Out of date: the block says so and polls itself.
    assert "Counting the latest votes" in html and "3 votes" not in html
    assert f'hx-get="/claims/{claim.pk}/consensus/?view=block&amp;slot=c{claim.pk}" hx-trigger="every 1s"' in html
    assert 'id="vote-status"' in html and f'href="/articles/{article.pk}/vote/?claim={claim.pk}"' in html

    consensus_refit()
    html = client.get(claim.get_absolute_url()).content.decode()
    # Up to date: the block stops polling (the debate thread below polls on its own).
    assert "3 votes: 3 agree, 0 disagree, 0 unsure" in html
    assert f"/claims/{claim.pk}/consensus/?view=block" not in html


def test_voting_without_javascript_returns_to_the_claim_page_with_a_message(client, article):
    claim = claim_at(article, 1)
    url = reverse("claim-vote", args=[claim.pk])
    response = client.post(url, {"value": "agree"})
    assert response.status_code == 302 and response["Location"] == f"/accounts/login/?next=/claims/{claim.pk}/"

    user = UserFactory(username="ada")
    client.force_login(user)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert f'method="post" action="{url}"' in html and 'name="csrfmiddlewaretoken"' in html
    response = client.post(url, {"value": "disagree"}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain == [(claim.get_absolute_url(), 302)]
    assert "Saved: you disagree." in html and pressed(html) == ["disagree"]
    assert Vote.objects.get(user=user).value == -1

    response = client.post(url, {"value": "maybe"}, follow=True)
    assert "Choose agree, disagree or unsure." in response.content.decode()
    gone = claim.pk
    claim.delete()
    response = client.post(url, {"value": "agree"}, follow=True)
    assert response.redirect_chain == [("/", 302)]
    assert "This claim was deleted meanwhile; your vote was not saved." in response.content.decode()
    assert not Vote.objects.filter(claim_id=gone).exists()


def test_voting_from_the_readers_panel(client, article):
    annotation = tag(article, UserFactory(), 1)
    user = UserFactory(username="grace")
    client.force_login(user)
    s = sentences(article)[1]
    panel = client.get(reverse("annotation-panel", args=[article.pk]), {"start": s.start, "end": s.end}, **HTMX)
    line_url = f"/claims/{annotation.claim_id}/consensus/?view=line&amp;slot=a{annotation.pk}"
    assert f'hx-get="{line_url}" hx-trigger="load"' in panel.content.decode()

    line = client.get(line_url.replace("&amp;", "&"), **HTMX).content.decode()
    assert 'class="consensus-line"' in line and "Not enough votes yet" in line and pressed(line) == []
    assert f'id="vote-a{annotation.pk}-agree"' in line

    response = vote(client, annotation.claim, "disagree", view="line", slot=f"a{annotation.pk}")
    html = response.content.decode()
    assert Vote.objects.get(user=user).value == -1
    assert pressed(html) == ["disagree"] and f'hx-target="#consensus-a{annotation.pk}"' in html
    assert '<div hx-swap-oob="innerHTML:#reader-status">Saved: you disagree.</div>' in html


def test_anonymous_visitors_see_a_sign_in_link_and_cannot_vote(client, article):
    claim = claim_at(article, 1)
    line = client.get(
        reverse("claim-consensus", args=[claim.pk]), {"view": "line", "slot": "a1"},
        HTTP_HX_CURRENT_URL=f"http://testserver{article.get_absolute_url()}", **HTMX,
    ).content.decode()
    assert f'href="/accounts/login/?next=/articles/{article.pk}/">Sign in</a> to vote' in line
    assert "data-vote" not in line

    response = vote(client, claim, "agree")
    assert response.status_code == 403 and "Sign in to vote." in response.content.decode()
    queue = reverse("vote-queue", args=[article.pk])
    assert client.post(queue, {"claim": claim.pk, "value": "agree"}, **HTMX).status_code == 403
    response = client.post(queue, {"claim": claim.pk, "value": "agree"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")
    assert not Vote.objects.exists()


def test_a_vote_on_a_claim_deleted_meanwhile_says_so_and_saves_nothing(client, article):
    claims = [claim_at(article, i) for i in range(3)]
    client.force_login(UserFactory())
    gone = claims[1].pk
    claims[1].delete()

    response = client.post(reverse("claim-vote", args=[gone]), {"value": "agree", "view": "block", "slot": f"c{gone}"}, **HTMX)
    assert response.status_code == 404
    assert "This claim was deleted meanwhile; your vote was not saved." in response.content.decode()
    assert f'id="consensus-c{gone}"' in response.content.decode() and 'role="alert"' in response.content.decode()

    response = client.post(reverse("vote-queue", args=[article.pk]), {"claim": gone, "value": "agree"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 404 and "This claim was deleted meanwhile; your vote was not saved." in html
    assert "Claim 1 of 2" in html  # back to the first claim still to vote on
    assert not Vote.objects.exists()


def test_a_bad_vote_is_refused_with_a_message(client, article):
    claim = claim_at(article, 1)
    client.force_login(UserFactory())
    response = vote(client, claim, "maybe")
    assert response.status_code == 400 and "Choose agree, disagree or unsure." in response.content.decode()
    assert not Vote.objects.exists()

