"""The reader in Chromium with 1,000 annotations by 100 people on the longest sample article.

    .venv/bin/python bench/browser_reader.py [--runs 5]

Prepares a throwaway SQLite database (migrate, the sample corpus, the annotations), serves it
with `manage.py runserver` on a free port, signs a user in and prints the median of:

- time to interactive: from navigation start until the reader's script has drawn every
  highlight and answers to the keyboard (`window.rednoteReady`), in a desktop window
  (1280×800) and on a phone (390×844, touch, mobile);
- tag latency: from pressing `1` on a selected sentence until its highlight is in the page,
  and until the server has confirmed it.

The load average is printed with the figures: the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from django_env import CORPUS_DIR, REPO, free_port, runserver

CHROMIUM = os.environ.get("REDNOTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu"]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 3}

# In the page: note when `1` goes down, when a highlight being saved appears in the sentence,
# and when the saved one replaces it.
WATCH = """(index) => {
    const sentence = document.querySelectorAll('.sentence')[index];
    window.__tag = {};
    document.addEventListener('keydown', (e) => { if (e.key === '1') window.__tag.key = performance.now(); },
                              { capture: true, once: true });
    const observer = new MutationObserver(() => {
        const now = performance.now();
        if (!window.__tag.shown && sentence.querySelector('mark.saving')) window.__tag.shown = now;
        else if (window.__tag.shown && sentence.querySelector('mark') && !sentence.querySelector('mark.saving')) {
            window.__tag.saved = now;
            observer.disconnect();
        }
    });
    observer.observe(sentence, { childList: true, subtree: true });
}"""



def prepare() -> tuple[str, str]:
    """Migrate a fresh database and fill it; return the reader's path and a session key."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "rednote.settings"
    # Benchmarks are local work, like `manage.py up`: development settings unless told otherwise.
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from reader_annotations import import_corpus, populate

    call_command("migrate", verbosity=0)
    longest = import_corpus()
    people = populate(longest)
    client = Client()
    client.force_login(people[0])
    return longest.get_absolute_url(), client.cookies[settings.SESSION_COOKIE_NAME].value



def time_to_interactive(page, path: str, runs: int) -> dict[str, list[float]]:
    """Load the reader `runs` times after one warm-up load; the times of each, in ms."""
    times: dict[str, list[float]] = {"ready": [], "first_byte": [], "parsed": []}
    for run in range(runs + 1):  # the first load warms caches; it is not counted
        page.goto(path)
        page.wait_for_function("() => window.rednoteReady !== undefined")
        timing = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
        if run:
            times["ready"].append(page.evaluate("window.rednoteReady"))
            times["first_byte"].append(timing["responseStart"])
            times["parsed"].append(timing["domInteractive"])
    return times


def report_ready(name: str, times: dict[str, list[float]]) -> None:
    ready = times["ready"]
    print(f"time to interactive, {name} (navigation start → highlights drawn): median {statistics.median(ready):.0f} ms"
          f" (min {min(ready):.0f}, max {max(ready):.0f}); goal ≤ 1000 ms")
    print(f"  of which: first byte {statistics.median(times['first_byte']):.0f} ms,"
          f" page parsed {statistics.median(times['parsed']):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not (CORPUS_DIR / "manifest.json").is_file():
        raise SystemExit(f"sample corpus not found at {CORPUS_DIR}")

    workdir = Path(tempfile.mkdtemp(prefix="rednote-bench-"))
    database = workdir / "bench.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "true"}
    os.environ.update({"DATABASE_URL": env["DATABASE_URL"], "DEBUG": "true"})
    server = None
    try:
        path, session = prepare()
        port = free_port()
        server = runserver(port, env)
        base = f"http://127.0.0.1:{port}"

        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            phone = browser.new_context(base_url=base, **PHONE)
            phone.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            on_phone = time_to_interactive(phone.new_page(), path, args.runs)
            phone.close()

            context = browser.new_context(base_url=base, **DESKTOP)
            context.add_cookies([{"name": "sessionid", "value": session, "url": base}])
            page = context.new_page()
            on_desktop = time_to_interactive(page, path, args.runs)
            marks = page.locator("mark.hl").count()
            sentences = page.locator(".sentence").count()

            shown, saved = [], []
            for run in range(args.runs):
                index = (run * 7 + 3) % sentences
                page.locator(".sentence").nth(index).click()
                page.wait_for_timeout(300)  # let the panel for the selection load
                page.evaluate(WATCH, index)
                page.keyboard.press("1")
                page.wait_for_function("() => window.__tag.saved !== undefined", timeout=10_000)
                times = page.evaluate("window.__tag")
                shown.append(times["shown"] - times["key"])
                saved.append(times["saved"] - times["key"])
                page.keyboard.press("Escape")
            browser.close()

        load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
        print(f"reader {path}: {sentences} sentences, {marks} highlights drawn; Chromium, {args.runs} runs;"
              f" load average {load}")
        report_ready("desktop 1280×800", on_desktop)
        report_ready("phone 390×844", on_phone)
        print(f"press 1 → highlight in the page: median {statistics.median(shown):.1f} ms"
              f" (max {max(shown):.1f}); goal ≤ 300 ms")
        print(f"press 1 → saved highlight (server confirmed): median {statistics.median(saved):.1f} ms"
              f" (max {max(saved):.1f})")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
