"""What the pages say about an article's or a claim's consensus stays current, for the reader who
acts and for another reader beside them (the live polls every 2.5 s in the reader and every 3 s on
the claim page); and the corpus page lists only agreed claims as agreed."""
import pytest
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from annotations.models import ClaimConsensus
from annotations.services.consensus_queue import article_queued_key
from tests.browser.test_annotate import sign_in
from tests.browser.test_vote import claims_of
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Counting Together\n"
    "Prices rose by 12% in a year. Wages did not follow.\n"
    "Critics call the figures misleading. Supporters disagree."
)
POLL = 3_000
"""The longest live poll interval, in ms."""


@pytest.fixture
def second_reader(browser, live_server):
    """Grace, signed in, in a browser of her own."""
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    sign_in(context, live_server, UserFactory(username="grace"))
    yield context.new_page()
    context.close()


def claims_line(page):
    return page.locator("#article-consensus")


def test_tagging_updates_the_article_summary_for_the_tagger_and_another_reader(page, live_server, second_reader):
    article = ArticleFactory(text=TEXT)
    cache.delete(article_queued_key(article.pk))
    sign_in(page.context, live_server, UserFactory(username="ada"))
    page.goto(article.get_absolute_url())
    second_reader.goto(article.get_absolute_url())
    for reader in (page, second_reader):
        expect(claims_line(reader)).to_contain_text("Nobody has tagged a claim in this article yet.")

    page.locator(".sentence").nth(1).click()
    page.keyboard.press("1")
    expect(page.locator("#reader-status")).to_contain_text("Saved as claim")
    expect(claims_line(page)).to_contain_text("1 claim:", timeout=1_000)  # at once, with the answer
    expect(claims_line(page)).not_to_contain_text("Nobody has tagged")
    expect(claims_line(second_reader)).to_contain_text("1 claim:", timeout=POLL + 2_000)

    second_reader.locator(".sentence").nth(3).click()
    second_reader.keyboard.press("1")
    expect(claims_line(second_reader)).to_contain_text("2 claims:", timeout=1_000)
    expect(claims_line(page)).to_contain_text("2 claims:", timeout=POLL + 2_000)


def counts(page):
    return page.locator(".consensus-block .evidence-summary")


def test_attaching_a_source_updates_the_consensus_counts_for_everyone_on_the_claim_page(
    page, live_server, second_reader
):
    article = ArticleFactory(text=TEXT)
    (claim,) = claims_of(article, [1])
    sign_in(page.context, live_server, UserFactory(username="ada"))
    page.goto(claim.get_absolute_url())
    second_reader.goto(claim.get_absolute_url())
    for reader in (page, second_reader):
        expect(counts(reader)).to_contain_text("Sources: 0 supporting, 0 contradicting")

    form = page.locator("#link-source-form")
    form.get_by_label("Web address").fill("https://example.org/wages")
    form.get_by_label("Title").fill("Wage statistics")
    form.get_by_role("button", name="Attach the link").click()
    expect(page.locator("#sources")).to_contain_text("Wage statistics")
    expect(counts(page)).to_contain_text("Sources: 1 supporting, 0 contradicting", timeout=1_000)
    expect(counts(second_reader)).to_contain_text("Sources: 1 supporting, 0 contradicting", timeout=POLL + 2_000)
    expect(second_reader.locator("#sources")).to_contain_text("Wage statistics")


def test_the_corpus_page_lists_no_divided_claim_as_agreed_and_explains_itself(page):
    article = ArticleFactory(text=TEXT)
    divided, agreed = claims_of(article, [1, 2])
    now = timezone.now()
    ClaimConsensus.objects.create(claim=divided, status="divided", votes=20, agree_share=0.6, intercept=0.19, factor=0.8, computed_at=now)
    ClaimConsensus.objects.create(claim=agreed, status="agreed", votes=20, agree_share=0.9, intercept=0.45, factor=0.1, computed_at=now)
    page.goto("/consensus/")
    listed = page.locator("section[aria-labelledby=bridging-title] .consensus-claims > li")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text(agreed.quote)
    expect(listed).to_contain_text("Agreed across viewpoints")

    page.get_by_role("link", name="How is this computed?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How is the consensus computed?")
    expect(page.locator(".no-refit")).to_contain_text("No full refit has run yet.")
