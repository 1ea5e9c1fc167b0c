"""The reader with 1,000 annotations by 100 people on the longest sample article.

    .venv/bin/python bench/reader_annotations.py [--repeat 30]

Prints the reader's median server time and SQL query count, the median server time of
creating one annotation through the page endpoint (and of the side panel the page loads right
after), and these against the article list page measured in the same run.
"""
from __future__ import annotations

import argparse
import json
import random

from django_env import CORPUS_DIR, django_test_database, median_ms, timed

USERS = 100
ANNOTATIONS = 1000


def import_corpus():
    """Import the sample corpus; return its longest article."""
    from annotations.services.articles import article_import_path, metadata_from_manifest

    manifest = json.loads((CORPUS_DIR / "manifest.json").read_text(encoding="utf-8"))["articles"]
    articles = [article_import_path(path=CORPUS_DIR / e["file"], metadata=metadata_from_manifest(e)) for e in manifest]
    return max(articles, key=lambda a: len(a.current_revision.text))


def populate(article, *, users: int = USERS, annotations: int = ANNOTATIONS, seed: int = 1) -> list:
    """`users` people and `annotations` annotations on `article`, stored as the services store
    them (claims shared per span, covered sentences linked) but in bulk, for a quick setup.
    Spans are whole sentences, runs of two or three, and passages inside one."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annotations.models import Annotation, Claim, Sentence, Tag
    from annotations.text.anchor import describe

    rng = random.Random(seed)
    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench{i}", email=f"bench{i}@example.org", password="!") for i in range(users)
    )
    revision = article.current_revision
    sentences = list(revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index"))
    spans = []
    for _ in range(annotations // 4):  # about four annotations a span: overlapping work
        i = rng.randrange(len(sentences))
        shape = rng.random()
        if shape < 0.5:
            spans.append((sentences[i].start, sentences[i].end))
        elif shape < 0.8:
            last = sentences[min(len(sentences) - 1, i + rng.randint(1, 2))]
            spans.append((sentences[i].start, last.end))
        else:
            s = sentences[i]
            start = rng.randrange(s.start, max(s.start + 1, s.end - 10))
            spans.append((start, rng.randrange(start + 5, s.end + 1) if s.end - start > 5 else s.end))
    chosen = [(rng.choice(spans), rng.choice(Tag.values), rng.choice(people)) for _ in range(annotations)]
    claims = {
        span: Claim(article=article, start=span[0], end=span[1], quote=revision.text[span[0] : span[1]])
        for span, tag, _ in chosen
        if tag == Tag.CLAIM
    }
    Claim.objects.bulk_create(claims.values())
    rows = []
    for (start, end), tag, author in chosen:
        selector = describe(revision.text, start, end)
        rows.append(
            Annotation(
                article=article, revision=revision, anchored_revision=revision, author=author, tag=tag,
                claim=claims.get((start, end)) if tag == Tag.CLAIM else None,
                selector_start=start, selector_end=end, exact=selector.exact, prefix=selector.prefix,
                suffix=selector.suffix, start=start, end=end,
            )
        )
    Annotation.objects.bulk_create(rows)
    through = Annotation.sentences.through
    through.objects.bulk_create(
        through(annotation_id=a.pk, sentence_id=s.pk)
        for a in rows
        for s in sentences
        if s.start < a.end and s.end > a.start
    )
    type(article).objects.filter(pk=article.pk).update(annotations_changed_at=timezone.now())
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    if not (CORPUS_DIR / "manifest.json").is_file():
        raise SystemExit(f"sample corpus not found at {CORPUS_DIR}")

    with django_test_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from annotations.models import Annotation, Sentence

        longest = import_corpus()
        people = populate(longest)
        client = Client()
        client.force_login(people[0])
        reader_url, list_url = longest.get_absolute_url(), "/"
        for url in (reader_url, list_url):
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(reader_url)
        reader_queries = len(queries)  # now: the log it reads from is a bounded deque
        reader_times = timed(lambda: client.get(reader_url), repeat=args.repeat)
        list_times = timed(lambda: client.get(list_url), repeat=args.repeat)

        text = longest.current_revision.text
        sentences = list(longest.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE))
        rng = random.Random(2)
        create_url = reverse("annotation-create", args=[longest.pk])

        panel_url = reverse("annotation-panel", args=[longest.pk])
        made = []

        def create() -> None:
            s = rng.choice(sentences)
            data = {"start": s.start, "end": s.end, "quote": text[s.start : s.end], "tag": rng.choice(["claim", "evidence", "opinion"]), "revision": 1}
            assert client.post(create_url, data, HTTP_HX_REQUEST="true").status_code == 200
            made.append(s)

        def panel() -> None:
            s = made.pop()
            params = {"start": s.start, "end": s.end}
            assert client.get(panel_url, params, HTTP_HX_REQUEST="true").status_code == 200

        create_times = timed(create, repeat=args.repeat)
        panel_times = timed(panel, repeat=args.repeat)
        count = Annotation.objects.filter(article=longest).count()

        print(f"backend: {connection.vendor}; article: “{longest.title}” ({len(text):,} characters, "
              f"{len(sentences)} annotatable sentences); {len(people)} users, {count:,} annotations at the end")
        print(f"{'page':<22}{'median ms':>10}{'min ms':>9}{'queries':>9}")
        print(f"{'reader':<22}{median_ms(reader_times):>10.1f}{min(reader_times) * 1000:>9.1f}{reader_queries:>9}")
        print(f"{'create an annotation':<22}{median_ms(create_times):>10.1f}{min(create_times) * 1000:>9.1f}")
        print(f"{'then its panel':<22}{median_ms(panel_times):>10.1f}{min(panel_times) * 1000:>9.1f}")
        print(f"{'list (base)':<22}{median_ms(list_times):>10.1f}{min(list_times) * 1000:>9.1f}")
        print(f"reader / list: {median_ms(reader_times) / median_ms(list_times):.2f}x; "
              f"create / list: {median_ms(create_times) / median_ms(list_times):.2f}x")


if __name__ == "__main__":
    main()
