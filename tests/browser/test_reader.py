import pytest
from playwright.sync_api import expect

from annotations.models import Article, Sentence
from annotations.services.articles import article_import_path, metadata_from_manifest
from tests.browser.test_annotate import marks, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_sign_in_and_read_a_sample_article(page, corpus_dir, corpus_manifest):
    name, entry = next((n, e) for n, e in corpus_manifest.items() if e["title"])
    article_import_path(path=corpus_dir / name, metadata=metadata_from_manifest(entry))
    article = Article.objects.get()

    page.goto("/accounts/signup/")
    page.fill("input[name=username]", "browserreader")
    page.fill("input[name=email]", "browser@example.org")
    page.fill("input[name=password1]", "a-long-pass-phrase")
    page.fill("input[name=password2]", "a-long-pass-phrase")
    page.click("form button[type=submit]")
    expect(page.get_by_test_id("signed-in-user")).to_contain_text("browserreader")

    page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/")
    page.fill("input[name=login]", "browserreader")
    page.fill("input[name=password]", "a-long-pass-phrase")
    page.click("form button[type=submit]")
    expect(page.get_by_test_id("signed-in-user")).to_contain_text("browserreader")

    page.goto("/")
    page.get_by_role("link", name=entry["title"]).click()
    expect(page.locator("h1.article-title")).to_have_text(entry["title"])
    sentences = page.locator("[data-sentence-id]")
    expected = article.current_revision.sentences.filter(kind__in=["content", "heading"]).count()
    expect(sentences).to_have_count(expected)
    first = sentences.first
    start, end = int(first.get_attribute("data-start")), int(first.get_attribute("data-end"))
    assert first.inner_text() == article.current_revision.text[start:end]


@pytest.fixture
def longest_article(corpus_dir, corpus_manifest):
    """The sample article with the most sentences (the issue's "111-sentence article")."""
    for name, entry in corpus_manifest.items():
        article_import_path(path=corpus_dir / name, metadata=metadata_from_manifest(entry))
    return max(
        Article.objects.select_related("current_revision"),
        key=lambda a: a.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).count(),
    )


def box(page, selector: str) -> dict:
    """Where the element is in the window, measured in one step: the live poll replaces the
    panel now and then, and an element replaced meanwhile would measure nothing."""
    return page.evaluate("(selector) => document.querySelector(selector).getBoundingClientRect().toJSON()", selector)


def viewport(page) -> dict:
    return page.evaluate("({width: innerWidth, height: innerHeight})")


def assert_in_view(page, selector: str, what: str) -> dict:
    rect, view = box(page, selector), viewport(page)
    assert rect["height"] > 0, f"{what} is not shown"
    assert rect["top"] >= 0 and rect["bottom"] <= view["height"], f"{what} is off screen: {rect} in {view}"
    assert rect["left"] >= 0 and rect["right"] <= view["width"], f"{what} is off screen: {rect} in {view}"
    return rect


def test_on_a_long_article_the_panel_and_the_confirmation_stay_beside_the_text(page, live_server, longest_article):
    sign_in(page.context, live_server, UserFactory())
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(longest_article.get_absolute_url())

    sentences = page.locator(".sentence")
    target = sentences.nth(sentences.count() - 5)
    target.click()
    page.keyboard.press("1")
    expect(marks(target, "claim")).to_have_count(1)
    status = page.locator("#reader-status")
    expect(status).to_contain_text("Saved as claim")
    expect(page.locator("#panel li.annotation.mine")).to_have_count(1)  # with its note form open
    assert_in_view(page, "#reader-status", "the confirmation")

    for scroll in ("document.scrollingElement.scrollHeight", "0", "document.scrollingElement.scrollHeight / 2"):
        page.evaluate(f"window.scrollTo(0, {scroll})")
        rect = assert_in_view(page, "aside.side", f"the side panel (scrolled to {scroll})")
        assert rect["left"] >= box(page, "article.reader")["right"], "the panel is not beside the text"
        assert_in_view(page, "#panel-title", "the panel's heading")
    expect(page.locator("#reader-help .help-keys")).to_be_visible()
    expect(page.locator("#reader-help .help-touch")).to_be_hidden()


def test_on_a_phone_the_panel_is_a_bottom_sheet_and_the_help_speaks_of_taps(browser, live_server, longest_article):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        sign_in(context, live_server, UserFactory())
        page = context.new_page()
        page.goto(longest_article.get_absolute_url())
        expect(page.locator("#reader-help .help-touch")).to_be_visible()
        expect(page.locator("#reader-help .help-touch")).to_contain_text("Tap a sentence to select it")
        expect(page.locator("#reader-help .help-keys")).to_be_hidden()
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"
        side = page.locator("aside.side")
        expect(side).to_be_hidden()  # nothing selected: the sheet is away

        sentences = page.locator(".sentence")
        target = sentences.nth(sentences.count() - 5)
        target.tap()
        toolbar = page.get_by_role("toolbar", name="Tag the selection")
        expect(toolbar).to_be_visible()
        page.wait_for_function(  # the sheet has slid all the way up
            "() => { const sheet = document.querySelector('aside.side');"
            " return !sheet.getAnimations().length && Math.abs(sheet.getBoundingClientRect().bottom - innerHeight) < 1; }"
        )
        assert_in_view(page, "#tag-toolbar", "the tag buttons")
        expect(page.locator("#reader-status")).to_contain_text("Tap Claim, Evidence or Opinion")
        expect(page.locator("#panel-title")).to_contain_text("Annotations here")
        sheet = assert_in_view(page, "aside.side", "the bottom sheet")
        assert sheet["bottom"] == viewport(page)["height"], "the sheet is not at the bottom of the screen"
        selected = f'.sentence[data-index="{target.get_attribute("data-index")}"]'
        assert box(page, selected)["bottom"] <= sheet["top"], "the sheet covers the selected sentence"

        toolbar.get_by_role("button", name="Claim").tap()
        expect(marks(target, "claim")).to_have_count(1)
        status = page.locator("#reader-status")
        expect(status).to_contain_text("Saved as claim")
        expect(page.locator("#panel li.annotation.mine")).to_have_count(1)
        assert_in_view(page, "#reader-status", "the confirmation")
        assert_in_view(page, "#panel-title", "the panel's heading")
        expect(toolbar).to_be_hidden()
        assert page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), "the page scrolls sideways"

        side.get_by_role("button", name="Close").tap()
        expect(side).to_be_hidden()
    finally:
        context.close()
