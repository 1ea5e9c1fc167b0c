import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations.consensus.wilson import wilson_interval
from annotations.models import Claim, ClaimConsensus, ConsensusRun, Sentence, Vote
from annotations.selectors.consensus import corpus_consensus
from annotations.services.annotations import annotation_create
from annotations.services.claims import evidence_link_create, source_create
from annotations.services.consensus import consensus_refit
from annotations.services.consensus_queue import article_queued_key
from annotations.services.votes import vote_cast
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "Prices And Wages\n"
    "Prices rose by 12% in a year. Wages did not follow. Rents doubled.\n"
    "Critics call the figures misleading."
)


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def sentences(article) -> list[Sentence]:
    return list(article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index"))


def tag(article, user, index: int, tag_name: str = "claim"):
    s = sentences(article)[index]
    return annotation_create(author=user, article=article, start=s.start, end=s.end, tag=tag_name)


def claim_at(article, index: int, user=None) -> Claim:
    return tag(article, user or UserFactory(), index).claim


def voters(n: int, prefix: str = "voter") -> list:
    return [get_user_model().objects.create(username=f"{prefix}{i}") for i in range(n)]


def block(client, claim, **extra):
    url = reverse("claim-consensus", args=[claim.pk])
    return client.get(url, {"view": "block", "slot": f"c{claim.pk}"}, **HTMX, **extra)


def vote(client, claim, value, view="block", slot=None):
    data = {"value": value, "view": view, "slot": slot or f"c{claim.pk}"}
    return client.post(reverse("claim-vote", args=[claim.pk]), data, **HTMX)


def pressed(html: str) -> list[str]:
    return re.findall(r'data-vote="(\w+)" aria-pressed="true"', html)


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


def consensus_row(claim, status, **fields):
    return ClaimConsensus.objects.create(claim=claim, status=status, computed_at=timezone.now(), **fields)


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


def since_of(html: str) -> str:
    """The change stamp the reader sends back with its live poll."""
    return re.search(r'id="live-since" name="since" value="([\d-]+)"', html).group(1)


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
