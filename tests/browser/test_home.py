"""The first visit in a browser: the home page's cards, search and sorting on a desktop; on a phone
the cards fit the screen and the navigation folds into a menu that works by keyboard; the site
icon is there, no request of a page is a 404, and keyboard focus is always visible."""
import pytest
from playwright.sync_api import expect

from tests.browser.test_annotate import sign_in
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
LONG_TITLE = "An Unusually Long Headline About Harbour Wages, Rents, Prices And The Statistics Office Figures Nobody Reads"


def articles():
    ArticleFactory(
        title=LONG_TITLE, author="A. Writer With A Rather Long Name",
        text="Harbour Wages\nThe harbour wages rose by a fifth. Unions cheered the news.",
    )
    weather = ArticleFactory(title="Weather Report", text="Weather Report\nIt rained all week. The sun came back.")
    AnnotationFactory(article=weather, tag="claim", quote="It rained all week.")


def open_home(browser, live_server, viewport, user=None):
    context = browser.new_context(base_url=live_server.url, viewport=viewport, has_touch=viewport is PHONE)
    context.set_default_timeout(15_000)
    if user is not None:
        sign_in(context, live_server, user)
    page = context.new_page()
    page.goto("/")
    return page


def test_on_a_phone_the_cards_fit_and_the_navigation_folds_into_a_menu(browser, live_server):
    articles()
    page = open_home(browser, live_server, PHONE, UserFactory(username="phoneuser"))
    expect(page.locator(".article-card")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    for card in page.locator(".article-card").all():
        box = card.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]

    menu = page.get_by_role("button", name="Menu")
    consensus = page.get_by_role("navigation", name="Main").get_by_role("link", name="Consensus")
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(consensus).to_be_hidden()
    header = page.locator(".site-header").bounding_box()
    assert header["height"] < 64, f"the navigation takes {header['height']} px: more than one row"

    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(consensus).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    menu.click()
    expect(consensus).to_be_hidden()


def test_on_a_phone_the_menu_works_from_the_keyboard(browser, live_server):
    articles()
    page = open_home(browser, live_server, PHONE)
    menu = page.get_by_role("button", name="Menu")
    consensus = page.get_by_role("navigation", name="Main").get_by_role("link", name="Consensus")
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-controls')") == "nav-menu":
            break
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(consensus).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Articles")).to_be_focused()
    page.keyboard.press("Escape")
    expect(consensus).to_be_hidden()
    expect(menu).to_be_focused()
    expect(menu).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Space")
    expect(consensus).to_be_visible()


def test_on_a_desktop_the_cards_search_and_sort(browser, live_server):
    articles()
    page = open_home(browser, live_server, DESKTOP)
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Consensus")).to_be_visible()
    cards = page.locator(".article-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Weather Report")  # tagged last: the most recent activity
    expect(cards.filter(has_text="Weather Report").locator("[data-number=claims] dd")).to_have_text("1")

    page.get_by_label("Search articles").fill("unions")
    page.get_by_label("Search articles").press("Enter")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text(LONG_TITLE)
    assert "q=unions" in page.url

    page.get_by_label("Search articles").fill("")
    page.get_by_label("Sort by").select_option("newest")
    page.get_by_role("button", name="Show").click()
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("Weather Report")
    expect(page.get_by_label("Sort by")).to_have_value("newest")


def test_the_site_icon_answers_and_no_request_of_a_page_is_a_404(browser, live_server):
    articles()
    claim = AnnotationFactory(tag="claim").claim
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP)
    sign_in(context, live_server, UserFactory(username="looker"))
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda response: failed.append(f"{response.status} {response.url}") if response.status >= 400 else None)
    for path in ("/", claim.article.get_absolute_url(), claim.get_absolute_url(), "/consensus/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
    icon = page.goto("/favicon.ico")
    assert icon.status == 200 and "svg" in icon.headers["content-type"]
    linked = page.request.get(live_server.url + "/").text()
    assert 'rel="icon"' in linked
    assert failed == []
    context.close()


CONTRAST = """(element) => {
  const rgb = (colour) => colour.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  let ground = element.parentElement;
  while (ground && getComputedStyle(ground).backgroundColor.endsWith(", 0)")) ground = ground.parentElement;
  const back = ground ? getComputedStyle(ground).backgroundColor : "rgb(255, 255, 255)";
  const style = getComputedStyle(element);
  const [a, b] = [luminance(rgb(style.outlineColor)), luminance(rgb(back))].sort((x, y) => y - x);
  return {tag: element.tagName + " " + (element.textContent || element.name || "").trim().slice(0, 30),
          style: style.outlineStyle, width: parseFloat(style.outlineWidth), contrast: (a + 0.05) / (b + 0.05)};
}"""


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_keyboard_focus_is_always_visible(browser, live_server, viewport):
    articles()
    page = open_home(browser, live_server, viewport, UserFactory(username="keys"))
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate_handle("document.activeElement")
        if page.evaluate("(e) => e === document.body", focused):
            break
        ring = page.evaluate(CONTRAST, focused)
        seen.append(ring)
        assert ring["style"] not in ("none", "auto") and ring["width"] >= 2, ring
        assert ring["contrast"] >= 3, ring
    assert len(seen) >= 8
