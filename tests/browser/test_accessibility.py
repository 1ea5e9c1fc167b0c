"""Accessibility in a real browser: axe-core (tests/browser/axe.py) finds no serious or critical
violation on any page a reader, a moderator or a newcomer opens, with the pages full of what
they show in use (highlights, the open panel, threads, sources, queues, jobs); and keyboard
focus is always visible while tabbing through the home page and the reader."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from annotations.services.claims import source_create
from annotations.services.comments import QuoteRef, comment_create
from annotations.services.exports import export_start
from annotations.services.flags import flag_create
from annotations.services.moderation import queue_item_resolve
from annotations.services.sanctions import user_moderate
from annotations.services.votes import vote_cast
from tests.browser.test_annotate import sign_in
from tests.export_corpus import SmallCorpus, build_small_corpus
from tests.factories import AnnotationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@dataclass
class World:
    corpus: SmallCorpus
    moderator: object
    admin: object


@pytest.fixture
def world(settings, tmp_path) -> World:
    """The small export corpus, and on top of it what the other pages list: a second claim with
    votes, a passage source, a reply that mentions its parent's author, flags in the moderation
    queue, decisions in the log, a warned user and a finished export."""
    settings.REDNOTE_RATE_LIMITS = False
    settings.REDNOTE_EXPORT_DIR = tmp_path / "exports"
    corpus = build_small_corpus()
    moderator = UserFactory(username="mona", role="moderator")
    admin = UserFactory(username="root", role="admin")
    second_claim = AnnotationFactory(
        author=corpus.bo, article=corpus.first, tag="claim", quote="Wages did not follow.", note="Check *this*."
    ).claim
    for i in range(4):
        voter = UserFactory(username=f"voter{i}")
        vote_cast(user=voter, claim_id=corpus.claim.pk, value="agree" if i % 2 else "disagree")
        vote_cast(user=voter, claim_id=second_claim.pk, value="unsure" if i == 3 else "agree")
    second_text = corpus.second.current_revision.text
    start = second_text.index("Few shops raised wages.")
    source_create(author=corpus.ada, claim_id=corpus.claim.pk, stance="supports", passage_article=corpus.second,
                  passage_start=start, passage_end=start + len("Few shops raised wages."), note="Same survey.")
    reply = comment_create(author=corpus.bo, claim_id=corpus.claim.pk, parent_id=corpus.comment.pk,
                           body="@ada which table? See the survey.",
                           quote=QuoteRef(article_id=corpus.second.pk, start=start, end=start + 10))
    comment_create(author=corpus.cy, claim_id=corpus.claim.pk, side="opposes", body="The sample is *small*.")
    flag_create(flagger=corpus.cy, target_type="comment", target_id=reply.pk, reason="off_topic", note="Not about it.")
    flag_create(flagger=corpus.ada, target_type="source", target_id=corpus.source.pk, reason="misleading")
    dismissed = flag_create(flagger=corpus.bo, target_type="annotation", target_id=corpus.opinion.pk, reason="spam")
    queue_item_resolve(moderator=moderator, item_id=dismissed.item_id, action="dismiss", reason="Fine.",
                       version=dismissed.item.version)
    user_moderate(moderator=moderator, username="cy", action="warn", reason="Keep it civil.")
    export_start(owner=corpus.ada, format="jsonl")
    return World(corpus=corpus, moderator=moderator, admin=admin)


@pytest.fixture
def open_page(browser, live_server):
    """A page in a browser context of its own, signed in as `user` (None: a visitor)."""
    contexts = []

    def open_one(user=None, viewport=DESKTOP, **options):
        context = browser.new_context(base_url=live_server.url, viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        if user is not None:
            sign_in(context, live_server, user)
        return context.new_page()

    yield open_one
    for context in contexts:
        context.close()


def open_reader_with_panel(page, corpus: SmallCorpus) -> None:
    """The reader with its highlights drawn and the side panel showing the claim's annotations."""
    page.goto(corpus.first.get_absolute_url())
    expect(page.locator("mark.hl").first).to_be_visible()
    page.locator("mark.hl[data-tag=claim]").first.click()
    expect(page.locator("#panel .annotation").first).to_be_visible()


class Findings:
    """Violations by page, so that one run reports every page at fault."""

    def __init__(self, axe):
        self.axe = axe
        self.by_page: dict[str, list[str]] = {}

    def check(self, name: str, page) -> None:
        page.wait_for_load_state("networkidle")
        violations = self.axe(page)
        if violations:
            self.by_page[name] = violations

    def report(self) -> str:
        return "\n\n".join(f"{name}:\n" + "\n".join(found) for name, found in self.by_page.items())


def test_every_page_has_no_serious_or_critical_violation_at_desktop_size(world, open_page, axe):
    corpus, findings = world.corpus, Findings(axe)

    visitor = open_page()
    for name, url in (("home (visitor)", "/"), ("sign-in", reverse("account_login")),
                      ("sign-up", reverse("account_signup"))):
        visitor.goto(url)
        findings.check(name, visitor)

    ada = open_page(corpus.ada)
    ada.goto("/")
    findings.check("home", ada)
    open_reader_with_panel(ada, corpus)
    findings.check("reader with the panel open", ada)
    ada.locator(".sentence", has_text="Café owners").click()
    expect(ada.get_by_role("toolbar", name="Tag the selection")).to_be_visible()
    findings.check("reader with the tag toolbar open", ada)
    ada.goto(corpus.claim.get_absolute_url())
    expect(ada.locator(".comment").first).to_be_visible()
    findings.check("claim page", ada)
    ada.goto(reverse("vote-queue", args=[corpus.first.pk]))
    findings.check("vote queue", ada)
    ada.goto(reverse("consensus"))
    findings.check("consensus", ada)
    ada.goto(reverse("consensus-about"))
    findings.check("how consensus is computed", ada)
    ada.goto(reverse("exports"))
    expect(ada.locator(".export-job").first).to_be_visible()
    findings.check("exports", ada)
    ada.goto(reverse("notifications"))
    expect(ada.locator(".notification").first).to_be_visible()
    findings.check("notifications", ada)
    ada.goto(reverse("article-new"))
    findings.check("add an article", ada)

    admin = open_page(world.admin)
    for name, url in (("moderation queue", reverse("moderation-queue")), ("moderation log", reverse("moderation-log")),
                      ("moderation users", reverse("moderation-users"))):
        admin.goto(url)
        findings.check(name, admin)

    assert not findings.by_page, "axe-core found serious or critical violations:\n\n" + findings.report()


def test_the_home_page_and_the_reader_have_no_serious_or_critical_violation_on_a_phone(world, open_page, axe):
    findings = Findings(axe)
    phone = open_page(world.corpus.ada, viewport=PHONE, is_mobile=True, has_touch=True)
    phone.goto("/")
    findings.check("home on a phone", phone)
    open_reader_with_panel(phone, world.corpus)
    findings.check("reader on a phone with the panel open", phone)
    assert not findings.by_page, "axe-core found serious or critical violations:\n\n" + findings.report()


FOCUS_RING = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    window.focusSeen ??= new WeakSet();
    const again = window.focusSeen.has(el);
    window.focusSeen.add(el);
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        again,
        element: el.outerHTML.slice(0, 120),
        where: el.matches(".sentence") ? "sentence" : el.closest("#panel") ? "panel" : el.closest("nav") ? "nav" : "",
        visible: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== "none",
        size: box.width > 0 && box.height > 0,
    };
}"""


def tab_round(page, limit: int = 200) -> list[dict]:
    """Press Tab until the focus comes back to an element it has been on (or `limit` presses):
    each element that took the focus, with where it is and whether it showed an outline or a
    box shadow. The focus passing through the browser's own controls is skipped."""
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None:
            continue
        if ring["again"]:
            break
        stops.append(ring)
    return stops


def unseen(stops: list[dict]) -> list[str]:
    return [stop["element"] for stop in stops if not (stop["visible"] and stop["size"])]


def test_keyboard_focus_is_always_visible_on_the_home_page_and_in_the_reader(world, open_page):
    page = open_page(world.corpus.ada)
    page.goto("/")
    page.wait_for_load_state("networkidle")
    stops = tab_round(page)
    assert {"nav", ""} <= {stop["where"] for stop in stops}
    assert unseen(stops) == []

    open_reader_with_panel(page, world.corpus)
    stops = tab_round(page)
    assert {"nav", "sentence", "panel"} <= {stop["where"] for stop in stops}
    assert unseen(stops) == []
