"""Playwright driving Debian's Chromium against the live test server."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("REDNOTE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-gpu",
    "--no-first-run",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if os.environ.get("REDNOTE_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}, and REDNOTE_REQUIRE_BROWSER is set")
        pytest.skip(f"Chromium not found at {CHROMIUM} (CI installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe(browser):
    """axe-core ready to load into pages (tests/browser/axe.py): installed from the npm registry
    with `npm ci` on a fresh clone. Without Node.js the tests skip, or fail under
    REDNOTE_REQUIRE_BROWSER."""
    from tests.browser import axe as axe_core

    try:
        axe_core.ensure_installed()
    except axe_core.AxeUnavailable as missing:
        if os.environ.get("REDNOTE_REQUIRE_BROWSER"):
            pytest.fail(f"{missing}, and REDNOTE_REQUIRE_BROWSER is set")
        pytest.skip(str(missing))
    return axe_core.axe_violations


@pytest.fixture(autouse=True)
def csp_violations(request, monkeypatch):
    """Anything the Content-Security-Policy blocked fails the test. Chromium reports each
    violation on the console of the page; every context the test opens is listened to."""
    violations: list[str] = []
    if "browser" not in request.fixturenames:
        yield violations
        return
    browser = request.getfixturevalue("browser")
    open_context = browser.new_context

    def new_context(*args, **kwargs):
        context = open_context(*args, **kwargs)
        context.on("console", lambda message: _collect_csp_violation(message.text, violations))
        return context

    monkeypatch.setattr(browser, "new_context", new_context)
    yield violations
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def _collect_csp_violation(text: str, violations: list[str]) -> None:
    if "Content Security Policy" in text:
        violations.append(text)


@pytest.fixture
def page(browser, live_server, csp_violations):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()
