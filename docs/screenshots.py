"""Retake the README's screenshots (docs/screenshots/*.png) from a throwaway copy of the app.

    .venv/bin/python docs/screenshots.py [--out docs/screenshots]

Builds a temporary SQLite database (migrate, the sample corpus from ../shared/corpus, the demo
readers of `manage.py seed_demo` when that command exists, else a few annotations and votes),
adds one signed-in reader with a note, a comment and a source of their own, serves it with
`manage.py runserver` on a free port and photographs it in Debian's Chromium with Playwright:

- home.png: the home page at 1280×800;
- reader.png: the article with the most claims, highlights drawn, a claim's annotations open
  in the side panel, at 1280×800;
- claim.png: the most-voted claim's page (consensus, sources, debate) at 1280×800;
- phone-reader.png: the same article on a 390×844 phone with the panel open.

Nothing outside the temporary folder is touched: the database, Celery's broker folder and the
tasks (run in this process) all live there. Needs the test extras (`pip install -e '.[test]'`)
for Playwright, and Chromium at /usr/bin/chromium (or REDNOTE_CHROMIUM).
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from django_env import CORPUS_DIR, REPO, free_port, runserver  # noqa: E402 (found through the path above)

CHROMIUM = os.environ.get("REDNOTE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--hide-scrollbars"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
READER = "reader"  # the signed-in account the pictures are taken as


def prepare() -> dict:
    """Fill the temporary database; return the paths to photograph and the reader's session."""
    sys.path.insert(0, str(REPO))
    os.environ["DJANGO_SETTINGS_MODULE"] = "rednote.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command, get_commands
    from django.test import Client

    from rednote.celery import app

    app.conf.task_always_eager = True  # consensus refreshes and refits run here, not in a worker
    call_command("migrate", verbosity=0)
    call_command("import_articles", str(CORPUS_DIR), verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if "seed_demo" in get_commands():
        call_command("seed_demo", stdout=sys.stdout)
    else:
        few_annotations_and_votes()
    reader, article, claim = own_work()
    client = Client()
    client.force_login(reader)
    return {
        "article": article.get_absolute_url(), "claim": claim.get_absolute_url(),
        "session": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }


def member(username: str):
    """A member's account, as sign-up makes it (it is only ever signed in by session here)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from annotations.roles import MEMBER

    person = get_user_model().objects.create_user(username=username, email=f"{username}@example.org")
    person.groups.add(Group.objects.get_or_create(name=MEMBER)[0])
    return person


def few_annotations_and_votes() -> None:
    """Without the demo command: a handful of readers tag the first sentences of each article
    as claims and vote on them, in two camps."""
    from annotations.models import Article, Sentence
    from annotations.services.annotations import annotation_create
    from annotations.services.consensus import consensus_refit
    from annotations.services.votes import vote_cast

    people = [member(f"sample-reader-{i:02}") for i in range(12)]
    for article in Article.objects.all():
        sentences = article.current_revision.sentences.filter(kind=Sentence.Kind.CONTENT).order_by("index")[:6]
        for n, sentence in enumerate(sentences):
            claim = annotation_create(author=people[n], article=article, start=sentence.start, end=sentence.end,
                                      tag="claim" if n % 3 else "evidence").claim
            for i, person in enumerate(people if claim else []):
                camp = i % 2 == 0
                vote_cast(user=person, claim_id=claim.pk, value="agree" if camp or n % 2 else "disagree")
    consensus_refit()


def own_work():
    """The photographed reader's own annotation with a note, a comment and a source on the
    most-voted claim of the article with the most claims."""
    from django.db.models import Count

    from annotations.models import Article, Claim, Sentence
    from annotations.services.annotations import annotation_create
    from annotations.services.claims import source_create
    from annotations.services.comments import comment_create

    reader = member(READER)
    article = Article.objects.annotate(n=Count("claims")).order_by("-n", "pk").first()
    claim = Claim.objects.filter(article=article).annotate(n=Count("votes")).order_by("-n", "pk").first()
    taken = set(article.annotations.values_list("start", flat=True))
    sentence = next(s for s in article.current_revision.sentences.filter(kind=Sentence.Kind.CONTENT).order_by("index")
                    if s.start not in taken)
    annotation_create(author=reader, article=article, start=sentence.start, end=sentence.end, tag="opinion",
                      note="Worth checking against the **survey** in the third article.")
    comment_create(author=reader, claim_id=claim.pk, side="question",
                   body="Which figures is this based on? The article does not say.")
    source_create(author=reader, claim_id=claim.pk, stance="supports", url="https://example.org/report",
                  title="A report on the same subject", note="Example link for the screenshot.")
    return reader, article, claim



def open_panel(page) -> None:
    """Scroll to the first claim highlight and open its annotations in the side panel."""
    mark = page.locator("mark.hl[data-tag=claim]").first
    mark.scroll_into_view_if_needed()
    mark.click()
    page.locator("#panel .annotation").first.wait_for()
    page.wait_for_load_state("networkidle")


def photograph(base: str, paths: dict, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        cookie = [{"name": "sessionid", "value": paths["session"], "url": base}]

        desktop = browser.new_context(base_url=base, viewport=DESKTOP)
        desktop.add_cookies(cookie)
        page = desktop.new_page()
        page.goto("/")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=out / "home.png")
        page.goto(paths["article"])
        open_panel(page)
        page.screenshot(path=out / "reader.png")
        page.goto(paths["claim"])
        page.wait_for_load_state("networkidle")
        page.screenshot(path=out / "claim.png")

        phone = browser.new_context(base_url=base, viewport=PHONE, is_mobile=True, has_touch=True,
                                    device_scale_factor=2)
        phone.add_cookies(cookie)
        page = phone.new_page()
        page.goto(paths["article"])
        open_panel(page)
        page.screenshot(path=out / "phone-reader.png")
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    args = parser.parse_args()
    if not (CORPUS_DIR / "manifest.json").is_file():
        raise SystemExit(f"sample corpus not found at {CORPUS_DIR}")
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)

    workdir = Path(tempfile.mkdtemp(prefix="rednote-screenshots-"))
    overrides = {
        "DATABASE_URL": f"sqlite:///{workdir / 'screenshots.sqlite3'}", "DEBUG": "true", "REDIS_URL": "",
        "CELERY_BROKER_DIR": str(workdir / "celery"), "REDNOTE_RATE_LIMITS": "false",
    }
    os.environ.update(overrides)
    server = None
    try:
        paths = prepare()
        port = free_port()
        server = runserver(port, {**os.environ, **overrides})
        photograph(f"http://127.0.0.1:{port}", paths, args.out)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    for name in ("home.png", "reader.png", "claim.png", "phone-reader.png"):
        print(args.out / name)


if __name__ == "__main__":
    main()
