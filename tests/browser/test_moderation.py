"""Moderation in a real browser: a member posts a comment and a reply on a claim page, another
member flags the comment, a moderator hides it from the queue; members no longer see it, its
author sees it marked "hidden: reason", and the reply keeps its place in the thread."""
import pytest
from playwright.sync_api import expect

from annotations.models import Comment, Flag, ModerationAction
from tests.browser.test_annotate import sign_in
from tests.factories import ClaimFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Anyone who believes this is a fool."
REPLY = "That is not an argument."


@pytest.fixture
def page_as(browser, live_server):
    """A page in a browser context of its own, signed in as the given user."""
    contexts = []

    def open_page(user):
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        sign_in(context, live_server, user)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_a_flagged_comment_hidden_from_the_queue(page_as, settings):
    settings.REDNOTE_RATE_LIMITS = False
    author, reader = UserFactory(username="alice"), UserFactory(username="bob")
    moderator = UserFactory(username="mona", role="moderator")
    claim = ClaimFactory()

    alice = page_as(author)
    alice.goto(claim.get_absolute_url())
    alice.locator("#comment-body").fill(BODY)
    alice.get_by_role("button", name="Post", exact=True).click()
    comment = alice.locator(".comment", has_text=BODY)
    expect(comment).to_be_visible()
    comment.locator(".reply-link").first.click()
    alice.locator(".reply-form textarea").fill(REPLY)
    alice.get_by_role("button", name="Post reply").click()
    expect(alice.locator(".comment", has_text=REPLY)).to_be_visible()
    posted = Comment.objects.get(body=BODY)

    bob = page_as(reader)
    bob.goto(claim.get_absolute_url())
    bob.locator(f"#comment-{posted.pk} .flag-link").click()
    flag = bob.locator(f"#flag-comment-{posted.pk}")
    expect(flag).to_have_attribute("open", "")
    flag.get_by_label("Why should moderators look at this?").select_option("harassment")
    flag.get_by_label("Note").fill("Calls people fools.")
    flag.get_by_role("button", name="Send the flag").click()
    expect(bob.locator(f"#flag-comment-{posted.pk} .flag-result")).to_have_text("Thank you: moderators will look at it.")
    assert Flag.objects.get().flagger == reader

    mona = page_as(moderator)
    mona.goto("/")
    mona.get_by_role("link", name="Moderation").click()
    card = mona.locator(".queue-item", has_text=BODY)
    expect(card).to_contain_text("Calls people fools.")
    card.get_by_label("Reason").fill("Insults other readers.")
    card.get_by_role("button", name="Hide").click()
    expect(mona.locator(".queue-item .queue-notice")).to_have_text("Hidden; the author sees your reason.")
    assert ModerationAction.objects.get().action == "hide"

    bob.reload()
    expect(bob.locator(".comment", has_text=REPLY)).to_be_visible()
    expect(bob.get_by_text(BODY)).to_have_count(0)
    expect(bob.locator(f"#comment-{posted.pk}")).to_contain_text("hidden by moderators")

    alice.reload()
    mine = alice.locator(f"#comment-{posted.pk}")
    expect(mine).to_contain_text(BODY)
    expect(mine.locator(".hidden-mark")).to_have_text("hidden: Insults other readers.")
