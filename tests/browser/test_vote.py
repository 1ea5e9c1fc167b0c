"""Voting in a real browser. Celery runs eagerly here, so the recompute a vote queues runs in
the live server's thread as the vote commits; the consensus elements poll and show it."""
import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from annotations.models import ClaimConsensus, Sentence, Vote
from annotations.services.annotations import annotation_create
from annotations.services.consensus_queue import article_queued_key, claim_queued_key
from annotations.services.votes import vote_cast
from tests.browser.test_annotate import sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "A Vote\n"
    "Prices rose by 12% in a year. Wages did not follow.\n"
    "Critics call the figures misleading."
)


def claims_of(article, indexes):
    author = UserFactory(username="author")
    found = list(article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index"))
    claims = []
    for i in indexes:
        claim = annotation_create(author=author, article=article, start=found[i].start, end=found[i].end, tag="claim").claim
        cache.delete(claim_queued_key(claim.pk))
        claims.append(claim)
    cache.delete(article_queued_key(article.pk))
    return claims


def test_a_vote_on_the_claim_page_shows_in_its_consensus_within_seconds(page, live_server):
    article = ArticleFactory(text=TEXT)
    (claim,) = claims_of(article, [1])
    for i in range(4):
        vote_cast(user=UserFactory(username=f"early{i}"), claim_id=claim.pk, value="agree")
    user = UserFactory(username="grace")
    sign_in(page.context, live_server, user)
    page.goto(claim.get_absolute_url())

    consensus = page.locator(".consensus-block")
    expect(consensus.locator(".vote-counts")).to_have_text("4 votes: 4 agree, 0 disagree, 0 unsure")
    disagree = consensus.get_by_role("button", name="Disagree")
    expect(disagree).to_have_attribute("aria-pressed", "false")
    disagree.focus()
    page.keyboard.press("Enter")

    expect(consensus.locator(".vote-counts")).to_have_text("5 votes: 4 agree, 1 disagree, 0 unsure", timeout=5_000)
    expect(consensus.get_by_role("button", name="Disagree")).to_have_attribute("aria-pressed", "true")
    expect(consensus.get_by_role("button", name="Disagree")).to_be_focused()  # the swap keeps the focus
    expect(page.locator("#vote-status")).to_have_text("Saved: you disagree.")
    expect(consensus.locator(".share")).to_contain_text("80% agree; 95% interval")

    consensus.get_by_role("button", name="Agree", exact=True).click()
    expect(consensus.locator(".vote-counts")).to_have_text("5 votes: 5 agree, 0 disagree, 0 unsure", timeout=5_000)
    expect(consensus.get_by_role("button", name="Agree", exact=True)).to_have_attribute("aria-pressed", "true")
    expect(consensus.get_by_role("button", name="Disagree")).to_have_attribute("aria-pressed", "false")
    assert Vote.objects.get(user=user).value == 1
    assert not ClaimConsensus.objects.get(claim=claim).dirty


def open_queue(page, live_server):
    """Ada, signed in, at the first of an article's three claims in its vote queue."""
    article = ArticleFactory(text=TEXT)
    claims = claims_of(article, [0, 1, 2])
    user = UserFactory(username="ada")
    sign_in(page.context, live_server, user)
    page.goto(f"/articles/{article.pk}/vote/")
    position = page.locator("#queue-position")
    expect(position).to_have_text("Claim 1 of 3")
    return article, claims, user, position


def test_voting_through_an_articles_claims_with_the_keyboard(page, live_server):
    article, (first, second, third), user, position = open_queue(page, live_server)

    page.keyboard.press("a")
    expect(position).to_have_text("Claim 2 of 3")
    expect(position).to_be_focused()
    expect(page.locator("#queue-status")).to_have_text("Saved: you agree.")
    expect(page).to_have_url(re.compile(rf"/articles/{article.pk}/vote/\?claim={second.pk}$"))

    page.keyboard.press("p")
    expect(position).to_have_text("Claim 1 of 3")
    expect(page.get_by_role("button", name="Agree", exact=True)).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("ArrowRight")
    expect(position).to_have_text("Claim 2 of 3")
    page.keyboard.press("d")
    expect(position).to_have_text("Claim 3 of 3")
    expect(page.locator("#queue-status")).to_have_text("Saved: you disagree.")
    page.keyboard.press("u")
    expect(page.locator("#queue-status")).to_have_text("Saved: you are unsure. That was the last claim.")
    expect(page.get_by_role("button", name="Unsure")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("n")  # no next claim: nothing happens
    expect(position).to_have_text("Claim 3 of 3")
    assert dict(Vote.objects.filter(user=user).values_list("claim_id", "value")) == {
        first.pk: 1, second.pk: -1, third.pk: 0
    }


def test_keys_pressed_in_quick_succession_each_act_on_the_claim_then_on_screen(page, live_server):
    _, (first, second, _), user, position = open_queue(page, live_server)
    page.evaluate("window.sameDocument = true")

    for key in "adpu":  # no waiting between keys: each waits for the step before it
        page.keyboard.press(key)
    expect(page.locator("#queue-status")).to_have_text("Saved: you are unsure.")
    expect(position).to_have_text("Claim 3 of 3")
    expect(position).to_be_focused()
    assert dict(Vote.objects.filter(user=user).values_list("claim_id", "value")) == {
        first.pk: 1, second.pk: 0
    }
    assert page.evaluate("window.sameDocument === true")  # every step was an htmx swap, no reload


def test_a_vote_the_server_never_receives_says_so_and_the_next_try_counts(page, live_server):
    article, (first, _, _), user, position = open_queue(page, live_server)
    held = []

    def hold_first_vote(route):
        if route.request.method == "POST" and not held:
            held.append(route)
        else:
            route.continue_()

    page.route(f"**/articles/{article.pk}/vote/**", hold_first_vote)
    page.keyboard.press("a")
    page.keyboard.press("d")  # meant for claim 2, which never comes: dropped
    for _ in range(100):  # let Playwright hand the request to the handler
        if held:
            break
        page.wait_for_timeout(50)
    assert len(held) == 1
    held[0].abort()  # the connection fails
    expect(page.locator("#queue-status")).to_have_text(
        "Your vote was not saved: the server could not be reached. Try again."
    )
    expect(position).to_have_text("Claim 1 of 3")
    assert not Vote.objects.filter(user=user).exists()

    page.keyboard.press("a")
    expect(page.locator("#queue-status")).to_have_text("Saved: you agree.")
    expect(position).to_have_text("Claim 2 of 3")
    assert dict(Vote.objects.filter(user=user).values_list("claim_id", "value")) == {first.pk: 1}


def test_the_reader_marks_claims_with_their_status_and_votes_from_the_panel(page, live_server):
    article = ArticleFactory(text=TEXT)
    agreed, fresh = claims_of(article, [0, 2])
    ClaimConsensus.objects.create(claim=agreed, status="agreed")
    sign_in(page.context, live_server, UserFactory(username="linus"))
    page.goto(article.get_absolute_url())

    summary = page.locator("#article-consensus")
    expect(summary.locator('[data-status="agreed"]')).to_contain_text("1 broad agreement")
    expect(summary.locator('[data-status="not_enough_votes"]')).to_contain_text("1 not enough votes")
    first_status = page.locator(".marker").nth(0).locator(".claim-status")
    expect(first_status).to_have_attribute("data-status", "agreed")
    expect(first_status).to_have_attribute("title", "Claim: agreed across viewpoints")
    third_status = page.locator(".marker").nth(1).locator(".claim-status")
    expect(third_status).to_have_attribute("data-status", "not_enough_votes")

    page.locator(".sentence").nth(2).click()
    line = page.locator("#panel .consensus-line")
    expect(line.locator(".verdict")).to_have_text("… Not enough votes yet")
    line.get_by_role("button", name="Agree", exact=True).click()
    expect(page.locator("#reader-status")).to_have_text("Saved: you agree.")
    expect(line.locator(".verdict")).to_have_text("… Not enough votes yet: 1 vote, 100% agree", timeout=5_000)
    expect(line.get_by_role("button", name="Agree", exact=True)).to_have_attribute("aria-pressed", "true")

    # Other people's votes reach the marks with the next live update, without a reload.
    for i in range(5):
        vote_cast(user=UserFactory(username=f"other{i}"), claim_id=agreed.pk, value="disagree")
    expect(first_status).not_to_have_attribute("data-status", "agreed", timeout=10_000)

    # The tag agreement is recomputed when the page asks for it; its section polls until then.
    toggle = summary.get_by_role("button", name="Show each sentence's consensus tag")
    toggle.click(timeout=10_000)
    expect(toggle).to_have_attribute("aria-pressed", "true")
    first = page.locator(".sentence").nth(0)
    expect(first).to_have_attribute("data-consensus-short", "C 100% (1)")
    expect(first).to_have_attribute("title", "Consensus tag: claim, 100% confident, 1 tagger")
    toggle.click()
    expect(first).not_to_have_attribute("data-consensus-short", re.compile(".*"))
