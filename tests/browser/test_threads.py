"""The debate thread in a real browser: posting and replying, and other readers seeing it
without a reload while what they are typing stays put."""
import pytest
from playwright.sync_api import expect

from annotations.models import Comment
from tests.browser.test_annotate import sign_in
from tests.factories import ClaimFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_claim(browser, live_server, user, claim):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    sign_in(context, live_server, user)
    page = context.new_page()
    page.goto(claim.get_absolute_url())
    return page


def comment(page, text: str):
    return page.locator("#thread-comments li.comment", has_text=text)


def test_a_comment_and_a_reply_reach_the_other_reader_without_a_reload(browser, live_server):
    claim = ClaimFactory()
    ada = open_claim(browser, live_server, UserFactory(username="ada"), claim)
    bea = open_claim(browser, live_server, UserFactory(username="bea"), claim)
    expect(bea.locator("#thread-comments")).to_contain_text("No comments yet")

    ada.get_by_label("Your comment").fill("The figures are **wrong**, @bea.")
    ada.get_by_label("Your side").select_option("opposes")
    ada.get_by_role("button", name="Post", exact=True).click()
    posted = comment(ada, "The figures are wrong")
    expect(posted).to_be_visible()
    expect(posted.locator("strong")).to_have_text("wrong")
    expect(posted.locator(".comment-side")).to_have_text("Opposes")
    expect(ada.get_by_label("Your comment")).to_have_value("")  # a fresh form

    # Bea sees it arrive, with the mention of her linked to her page.
    arrived = comment(bea, "The figures are wrong")
    expect(arrived).to_be_visible(timeout=10_000)
    expect(arrived.locator("a.mention")).to_have_attribute("href", "/users/bea/")

    # Bea starts a reply; a new comment from Ada arrives meanwhile and her typing stays.
    arrived.get_by_role("link", name="Reply").click()
    reply_box = bea.get_by_label("Reply to ada")
    reply_box.fill("Which figures?")
    ada.get_by_label("Your comment").fill("Also the wages table.")
    ada.get_by_role("button", name="Post", exact=True).click()
    expect(comment(bea, "Also the wages table")).to_be_visible(timeout=10_000)
    expect(reply_box).to_have_value("Which figures?")

    bea.get_by_role("button", name="Post reply").click()
    mine = comment(bea, "Which figures?")
    expect(mine).to_have_attribute("data-depth", "1")
    expect(bea.get_by_label("Reply to ada")).to_have_count(0)  # the reply form is gone once posted

    # Ada sees the reply nested under her comment, without a reload.
    reply = comment(ada, "Which figures?")
    expect(reply).to_be_visible(timeout=10_000)
    expect(reply).to_have_attribute("data-depth", "1")
    top = Comment.objects.get(body__startswith="The figures")
    assert Comment.objects.get(body="Which figures?").parent_id == top.pk
    ids = ada.locator("#thread-comments li.comment").evaluate_all("els => els.map(e => e.id)")
    assert ids.index(f"comment-{top.pk}") + 1 == ids.index(f"comment-{Comment.objects.get(body='Which figures?').pk}")

    # Ada flags Bea's reply: the flag control opens under it, ready to choose a reason.
    reply.get_by_role("link", name="Flag").click()
    expect(reply.locator("select[name=reason]")).to_be_visible()
