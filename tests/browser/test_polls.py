"""The live polls (the reader's, the thread's, the bell's): they run without errors under the
Content-Security-Policy, and they pause while the tab is hidden."""
import pytest

from tests.browser.test_annotate import TEXT, sign_in
from tests.factories import ArticleFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def live_requests(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if "/live/" in request.url else None)
    return seen


def test_the_readers_live_poll_runs_without_console_errors_and_pauses_while_the_tab_is_hidden(page, live_server):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page.context, live_server, UserFactory())
    article = ArticleFactory(text=TEXT)
    polls = live_requests(page)
    page.goto(article.get_absolute_url())

    page.wait_for_timeout(4_000)
    assert polls, "the reader did not poll for other readers' changes"
    assert not errors, f"errors on the console: {errors}"

    page.evaluate("Object.defineProperty(document, 'hidden', {value: true, configurable: true})")
    page.wait_for_timeout(300)
    polls.clear()
    page.wait_for_timeout(3_500)
    assert polls == [], "the reader kept polling while its tab was hidden"

    page.evaluate("Object.defineProperty(document, 'hidden', {value: false, configurable: true})")
    page.wait_for_timeout(3_000)
    assert polls, "the reader did not poll again once its tab was shown"
