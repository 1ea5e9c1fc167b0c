"""The reader page for the longest sample article: median server time and SQL query count.

    .venv/bin/python bench/reader.py [--repeat 50]

Also times the article list page as a baseline measured in the same run.
"""
from __future__ import annotations

import argparse
import json

from django_env import CORPUS_DIR, django_test_database, median_ms, timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    if not (CORPUS_DIR / "manifest.json").is_file():
        raise SystemExit(f"sample corpus not found at {CORPUS_DIR}")

    with django_test_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from annotations.services.articles import article_import_path, metadata_from_manifest

        manifest = json.loads((CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))["articles"]
        articles = [
            article_import_path(path=CORPUS_DIR / e["file"], metadata=metadata_from_manifest(e)) for e in manifest
        ]
        longest = max(articles, key=lambda a: len(a.current_revision.text))
        client = Client()
        reader_url, list_url = longest.get_absolute_url(), "/"
        for url in (reader_url, list_url):
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(reader_url)
        reader_times = timed(lambda: client.get(reader_url), repeat=args.repeat)
        list_times = timed(lambda: client.get(list_url), repeat=args.repeat)
        sentences = longest.current_revision.sentences.count()

        print(f"backend: {connection.vendor}; article: “{longest.title}” "
              f"({len(longest.current_revision.text):,} characters, {sentences} sentences)")
        print(f"{'page':<14}{'median ms':>10}{'min ms':>9}{'queries':>9}")
        print(f"{'reader':<14}{median_ms(reader_times):>10.1f}{min(reader_times) * 1000:>9.1f}{len(queries):>9}")
        print(f"{'list (base)':<14}{median_ms(list_times):>10.1f}{min(list_times) * 1000:>9.1f}")
        print(f"reader / list: {median_ms(reader_times) / median_ms(list_times):.2f}x")


if __name__ == "__main__":
    main()
