import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from annotations.models import Annotation, Tag
from annotations.services.annotations import annotation_create
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "A Shared Reading\n"
    "Prices rose by 12% in a year. Wages did not follow.\n"
    "Critics call the 🙂 figures “misleading” and cite 小红书 data. Supporters disagree."
)


def sign_in(context, live_server, user) -> None:
    """Give the browser context the session cookie of a signed-in Django client."""
    client = Client()
    client.force_login(user)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])


def marks(sentence, tag: str):
    return sentence.locator(f"mark.hl[data-tag={tag}]")


def expect_saved(page, tag: str) -> None:
    expect(page.locator("#reader-status")).to_contain_text(f"Saved as {tag}")


def test_a_sentence_tagged_as_claim_with_a_note_is_there_after_a_reload(page, live_server):
    user = UserFactory(username="ada")
    article = ArticleFactory(text=TEXT)
    sign_in(page.context, live_server, user)
    page.goto(article.get_absolute_url())

    sentence = page.locator(".sentence").first
    sentence.click()
    toolbar = page.get_by_role("toolbar", name="Tag the selection")
    expect(toolbar).to_be_visible()
    toolbar.get_by_role("button", name="Claim").click()
    expect(marks(sentence, "claim")).to_have_count(1)
    expect_saved(page, "claim")

    page.locator("#panel").get_by_label("Note").fill("Checked against **the statistics office**.")
    page.locator("#panel").get_by_role("button", name="Save").click()
    expect(page.locator("#panel .note strong")).to_have_text("the statistics office")

    page.reload()
    expect(marks(sentence, "claim")).to_have_count(1)
    expect(page.locator(".marker").first).to_have_attribute("title", "1 claim")
    sentence.click()
    expect(page.locator("#panel .note strong")).to_have_text("the statistics office")
    annotation = Annotation.objects.get()
    assert (annotation.tag, annotation.author, annotation.claim is not None) == (Tag.CLAIM, user, True)
    assert annotation.exact == "Prices rose by 12% in a year."


def test_a_second_reader_sees_new_highlights_without_reloading(page, browser, live_server):
    article = ArticleFactory(text=TEXT)
    sign_in(page.context, live_server, UserFactory(username="ada"))
    other = browser.new_context(base_url=live_server.url)
    try:
        sign_in(other, live_server, UserFactory(username="grace"))
        watcher = other.new_page()
        watcher.goto(article.get_absolute_url())
        watched = watcher.locator(".sentence").nth(1)
        expect(watched.locator("mark")).to_have_count(0)

        page.goto(article.get_absolute_url())
        page.locator(".sentence").nth(1).click()
        page.keyboard.press("2")
        expect(marks(page.locator(".sentence").nth(1), "evidence")).to_have_count(1)

        expect(marks(watched, "evidence")).to_have_count(1, timeout=5_000)
        expect(watcher.locator(".marker").first).to_have_attribute("title", "1 evidence")
    finally:
        other.close()


def test_tagging_with_the_keyboard_alone(page, live_server):
    article = ArticleFactory(text=TEXT)
    sign_in(page.context, live_server, UserFactory())
    page.goto(article.get_absolute_url())

    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('sentence')"):
            break
    else:
        pytest.fail("Tab never reached a sentence")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("2")
    second, third = page.locator(".sentence").nth(1), page.locator(".sentence").nth(2)
    expect(marks(second, "evidence")).to_have_count(1)
    expect(marks(third, "evidence")).to_have_count(1)
    expect_saved(page, "evidence")

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("toolbar", name="Tag the selection")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("toolbar", name="Tag the selection")).to_be_hidden()
    page.keyboard.press("3")  # nothing selected any more: nothing happens
    expect(page.locator("mark.hl[data-tag=opinion]")).to_have_count(0)
    annotation = Annotation.objects.get()
    assert annotation.tag == Tag.EVIDENCE
    assert annotation.exact == "Wages did not follow.\nCritics call the 🙂 figures “misleading” and cite 小红书 data."


def test_a_passage_selected_inside_a_sentence_is_saved_with_code_point_offsets(page, live_server):
    article = ArticleFactory(text=TEXT)
    sign_in(page.context, live_server, UserFactory())
    page.goto(article.get_absolute_url())
    # Select “misleading” and cite 小红书 — after an emoji, which is two UTF-16 units but one code point.
    page.evaluate(
        """() => {
            const node = document.querySelectorAll('.sentence')[2].firstChild;
            const from = node.data.indexOf('“'), to = node.data.indexOf(' data');
            const range = document.createRange();
            range.setStart(node, from);
            range.setEnd(node, to);
            getSelection().removeAllRanges();
            getSelection().addRange(range);
        }"""
    )
    expect(page.get_by_role("toolbar", name="Tag the selection")).to_be_visible()
    page.keyboard.press("3")
    expect(marks(page.locator(".sentence").nth(2), "opinion")).to_have_text("“misleading” and cite 小红书")
    expect_saved(page, "opinion")
    annotation = Annotation.objects.get()
    text = article.current_revision.text
    assert annotation.exact == text[annotation.start : annotation.end] == "“misleading” and cite 小红书"


def test_a_note_with_a_script_and_a_javascript_link_is_inert(page, live_server):
    article = ArticleFactory(text=TEXT)
    sign_in(page.context, live_server, UserFactory())
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(article.get_absolute_url())
    page.locator(".sentence").first.click()
    page.keyboard.press("3")
    note = page.locator("#panel").get_by_label("Note")
    note.fill('<script>alert("x")</script> <img src=x onerror=alert("y")> [click me](javascript:alert("z"))')
    page.locator("#panel").get_by_role("button", name="Save").click()
    expect(page.locator("#panel .note")).to_contain_text("click me")

    page.reload()
    page.locator(".sentence").first.click()
    expect(page.locator("#panel .note")).to_contain_text("click me")
    page.locator("#panel .note").get_by_text("click me").click()
    assert page.locator("#panel .note script, #panel .note img").count() == 0
    assert all("javascript" not in (a.get_attribute("href") or "") for a in page.locator("#panel .note a").all())
    assert dialogs == []


def test_evidence_is_linked_to_a_claim_found_by_search_and_shows_on_the_claim_page(page, live_server):
    article = ArticleFactory(text=TEXT)
    first = article.current_revision.sentences.get(index=1)
    claim = annotation_create(
        author=UserFactory(), article=article, start=first.start, end=first.end, tag=Tag.CLAIM
    ).claim
    sign_in(page.context, live_server, UserFactory())
    page.goto(article.get_absolute_url())
    page.locator(".sentence").nth(1).click()
    page.keyboard.press("2")
    expect_saved(page, "evidence")

    mine = page.locator("#panel li.annotation.mine")
    mine.get_by_text("Link to a claim").click()
    mine.get_by_label("Find a claim anywhere in the corpus").fill("prices rose")
    mine.get_by_label("“Prices rose by 12% in a year.”").check()
    mine.get_by_label("refutes it").check()
    mine.get_by_role("button", name="Link").click()
    expect(page.locator("#reader-status")).to_contain_text("Linked to the claim")
    expect(mine.locator(".evidence-links")).to_contain_text("Refutes")

    page.goto(claim.get_absolute_url())
    expect(page.locator(".column[data-stance=refutes]")).to_contain_text("Wages did not follow.")


def test_sources_are_attached_on_the_claim_page_from_a_link_or_a_corpus_search(page, live_server):
    article = ArticleFactory(text=TEXT)
    ArticleFactory(text="Other Paper\nOfficial wages rose by 2% in the same year. Nothing else moved.")
    first = article.current_revision.sentences.get(index=1)
    claim = annotation_create(
        author=UserFactory(), article=article, start=first.start, end=first.end, tag=Tag.CLAIM
    ).claim
    sign_in(page.context, live_server, UserFactory(username="linus"))
    page.goto(claim.get_absolute_url())

    link_form = page.locator("#link-source-form")
    link_form.get_by_label("Web address").fill("javascript:alert(1)")
    link_form.get_by_label("Title").fill("Tricky")
    link_form.get_by_role("button", name="Attach the link").click()
    expect(page.locator("#link-source-form")).to_contain_text("Links must start with http:// or https://")
    page.locator("#link-source-form").get_by_label("Web address").fill("https://stats.example.org/wages")
    page.locator("#link-source-form").get_by_label("Stance").select_option("contradicts")
    page.locator("#link-source-form").get_by_role("button", name="Attach the link").click()
    contradicting = page.locator("#sources .column[data-stance=contradicts]")
    expect(contradicting.get_by_role("link", name="Tricky")).to_have_attribute("href", "https://stats.example.org/wages")
    expect(page.locator("#link-source-form").get_by_label("Web address")).to_have_value("")

    passage_form = page.locator("#passage-source-form")
    passage_form.get_by_label("Search the other articles").fill("wages rose")
    passage_form.get_by_label("“Official wages rose by 2% in the same year.”", exact=False).check()
    passage_form.get_by_role("button", name="Attach the passage").click()
    supporting = page.locator("#sources .column[data-stance=supports]")
    expect(supporting).to_contain_text("Official wages rose by 2% in the same year.")
    expect(supporting).to_contain_text("linus")


LONG_PARAGRAPH = (
    "Council Notes\n"
    "The council met on Tuesday to discuss the budget for the coming year in some detail. "
    "Members heard from the treasurer, who described the state of the accounts at length. "
    "Several residents asked why the road repairs had been postponed yet again this spring. "
    "The mayor answered that the money had gone to the school roof, which could not wait. "
    "A vote on the final budget is planned for the next meeting, early in the autumn."
)


def rects(locator) -> list[dict]:
    return locator.evaluate("(el) => Array.from(el.getClientRects(), (r) => r.toJSON())")


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] and b["top"] < a["bottom"]


def test_the_tag_toolbar_hides_no_text_near_the_selection_and_closes_once_saved(page, live_server):
    article = ArticleFactory(text=LONG_PARAGRAPH)
    sign_in(page.context, live_server, UserFactory())
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(article.get_absolute_url())

    sentences = page.locator(".sentence")
    selected = sentences.nth(3)
    selected.click()
    toolbar = page.get_by_role("toolbar", name="Tag the selection")
    expect(toolbar).to_be_visible()
    box = toolbar.bounding_box()
    box = {"left": box["x"], "top": box["y"], "right": box["x"] + box["width"], "bottom": box["y"] + box["height"]}
    # The selected sentence, the line above it (the end of the sentence before) and every other
    # line of the paragraph stay readable.
    for k in range(sentences.count()):
        for line in rects(sentences.nth(k)):
            assert not overlaps(box, line), f"the toolbar covers sentence {k}: {box} over {line}"

    toolbar.get_by_role("button", name="Claim").click()
    expect(marks(selected, "claim")).to_have_count(1)
    expect_saved(page, "claim")
    expect(toolbar).to_be_hidden()


def test_clicking_a_highlight_shows_its_annotations_without_offering_to_tag(page, live_server):
    article = ArticleFactory(text=TEXT)
    first = article.current_revision.sentences.get(index=1)
    annotation = annotation_create(
        author=UserFactory(username="grace"), article=article, start=first.start, end=first.end, tag=Tag.CLAIM
    )
    annotation.note = "Official figures say 11%."
    annotation.note_html = "<p>Official figures say 11%.</p>"
    annotation.save(update_fields=["note", "note_html"])
    sign_in(page.context, live_server, UserFactory(username="ada"))
    page.goto(article.get_absolute_url())

    highlight = marks(page.locator(".sentence").first, "claim")
    highlight.click()
    expect(page.locator("#panel .note")).to_have_text("Official figures say 11%.")
    toolbar = page.get_by_role("toolbar", name="Tag the selection")
    expect(toolbar).to_be_hidden()

    highlight.click()  # clicked again: the reader wants to tag it too
    expect(toolbar).to_be_visible()
    toolbar.get_by_role("button", name="Evidence").click()
    expect_saved(page, "evidence")
    expect(toolbar).to_be_hidden()
