"""The Content-Security-Policy is enforced in a real browser, and the pages still work under it
(the autouse `csp_violations` fixture fails any browser test that saw a violation)."""
import pytest
from playwright.sync_api import expect

from tests.browser.test_threads import comment, open_claim
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.browser


def test_the_browser_blocks_inline_script_and_the_fixture_sees_it(page, csp_violations):
    page.goto("/")
    outcome = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", () => resolve("blocked"), {once: true});
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.append(script);
            setTimeout(() => resolve(window.inlineRan ? "ran" : "no violation reported"), 2000);
        })"""
    )
    assert outcome == "blocked"
    page.wait_for_timeout(200)  # the console message follows the event
    assert any("script-src" in text for text in csp_violations)
    csp_violations.clear()  # deliberate: not one of the app's


def test_swagger_ui_renders_under_the_csp(page, db):
    page.goto("/api/docs/")
    page.get_by_text("rednote API").first.wait_for()
    assert page.locator(".opblock").count() > 10


@pytest.mark.django_db(transaction=True)
def test_cancel_closes_the_reply_form_without_inline_handlers(browser, live_server):
    written = CommentFactory(body="Where is the table?")
    page = open_claim(browser, live_server, UserFactory(username="cyd"), written.claim)
    item = comment(page, "Where is the table?")
    item.get_by_role("link", name="Reply").click()
    expect(page.get_by_label(f"Reply to {written.author.username}")).to_be_visible()
    item.get_by_role("link", name="Cancel").click()
    expect(page.get_by_label(f"Reply to {written.author.username}")).to_have_count(0)
    assert "#comment-" not in page.url  # the link's default (jumping to the comment) was prevented
