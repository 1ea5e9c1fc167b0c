import pytest
from playwright.sync_api import expect

from annotations.models import Article
from annotations.services.articles import article_import_path, metadata_from_manifest

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
