"""`manage.py export_corpus` end to end on a synthetic corpus in a throwaway database.

1,000 documents of 100 sentences, 1,000 annotators and 1,000 annotations per document (1M in
all; claims on a third of the sentences, evidence linked to claims, a fifth of the links
across documents), with sentence consensus tags, claims with their consensus and 10 votes
each, a source and two comments per claim. It is bulk-loaded (COPY on PostgreSQL) into the
test database `test_<name>` of the configured backend, never the real one: first the 100k
size (100 documents), then the rest. Each export runs as the command in a fresh process, so
its wall time includes starting Django and its peak RSS is its own.

Prints the jsonl bundle's annotations/s, CPU time and peak memory at 100k and 1M side by side
(goal: at least 100,000 annotations/s end to end and at most 300 MB), then every other format
and the jsonl bundle zipped at the largest size (brat at 100k: see BRAT_NOTE). On a busy
machine compare the CPU seconds: the wall time waits for the other processes too.

    DATABASE_URL=postgres://... .venv/bin/python bench/export.py [--max-annotations N]
    .venv/bin/python bench/export.py --sqlite [--max-annotations N]     # on SQLite
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django_env import REPO, django_test_database

SENTENCES = 100
PER_DOCUMENT = 1_000
ANNOTATORS = 1_000
CLAIM_EVERY = 3  # every third sentence is a claim
VOTES_PER_CLAIM = 10
FORMATS = ("w3c", "brat", "doccano", "labelstudio", "csv")
BRAT_NOTE = """brat writes a .txt and an .ann per annotator and document, as brat's own corpora do: here
about 630 annotators tag each document, so 1M annotations make 1.3M files and 4 GB of copied
text. It runs on the first 100 documents (100k annotations)."""
HEADER = "{:>12} " + f"{'seconds':>8} {'annotations/s':>14} {'cpu s':>7} {'peak MB':>8}"
ROW = "{:>12} {:>8.2f} {:>14,.0f} {:>7.1f} {:>8.0f}"
STAMP = "2026-01-01 00:00:00"  # UTC: the time zone of every connection


def _text(document: int) -> tuple[str, list[tuple[int, int]]]:
    """A document's text and its sentences' spans; a few non-ASCII characters on the way."""
    title = f"Synthetic document {document}"
    sentences = [
        f"Sentence {i} of document {document} says that prices rose by {i % 17}% in café number {i}."
        if i % 10 else f"Sentence {i} quotes 東京 and 🙂 in document {document}."
        for i in range(SENTENCES)
    ]
    spans, position, parts = [], len(title) + 1, []
    for i, sentence in enumerate(sentences):
        spans.append((position, position + len(sentence)))
        position += len(sentence) + 1
        parts.append(sentence + ("\n" if i % 10 == 9 else " "))  # ten sentences a paragraph
    return title + "\n" + "".join(parts).rstrip(), spans


class Loader:
    """Rows into tables by column name: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection) -> None:
        self.connection = connection

    def load(self, model, fields: list[str], rows) -> None:
        columns = [model._meta.get_field(name).column for name in fields]
        quote = self.connection.ops.quote_name
        table, names = quote(model._meta.db_table), ", ".join(quote(c) for c in columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("%s" for _ in columns)
                batch = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 50_000:
                        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)
                        batch.clear()
                if batch:
                    cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", batch)


def load_people(loader: Loader) -> list[int]:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    loader.load(User, ["password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                       "is_active", "date_joined"],
                ((("!", False, f"annotator{u:04d}", "", "", "", False, True, STAMP)) for u in range(ANNOTATORS)))
    return list(User.objects.order_by("pk").values_list("pk", flat=True))


def load_documents(loader: Loader, first: int, last: int, people: list[int]) -> None:
    """Documents first..last-1 with everything hanging off them."""
    from annotations.models import (
        Annotation,
        Article,
        ArticleAgreement,
        Claim,
        ClaimConsensus,
        Comment,
        EvidenceLink,
        Revision,
        Sentence,
        SentenceLabel,
        Source,
        Vote,
    )

    rng = random.Random(first)
    count = last - first
    loader.load(Article, ["title", "author", "source", "language", "created_at"],
                ((f"Synthetic document {d}", "A. Writer", f"https://example.org/{d}", "en", STAMP)
                 for d in range(first, last)))
    articles = list(Article.objects.order_by("-pk").values_list("pk", flat=True)[:count])[::-1]
    texts = {a: _text(d) for a, d in zip(articles, range(first, last), strict=True)}
    loader.load(Revision, ["article", "number", "text", "content_hash", "created_at", "segmented_at"],
                ((a, 1, texts[a][0], f"h{a}", STAMP, STAMP) for a in articles))
    revisions = dict(Revision.objects.filter(article_id__in=articles).values_list("article_id", "pk"))
    for a in articles:
        Article.objects.filter(pk=a).update(current_revision_id=revisions[a])
    loader.load(Sentence, ["revision", "index", "start", "end", "paragraph", "kind"],
                ((revisions[a], i, s, e, i // 10, "content") for a in articles for i, (s, e) in enumerate(texts[a][1])))
    sentences = dict(
        ((r, i), pk) for r, i, pk in Sentence.objects.filter(revision_id__in=revisions.values())
        .values_list("revision_id", "index", "pk")
    )
    loader.load(SentenceLabel, ["sentence", "article", "label", "confidence", "n_taggers"],
                ((sentences[revisions[a], i], a, "claim" if i % CLAIM_EVERY == 0 else "opinion", 0.8, 10)
                 for a in articles for i in range(SENTENCES)))
    loader.load(ArticleAgreement, ["article", "alpha", "reading", "n_units", "n_taggers", "label_method",
                                   "computed_at"],
                ((a, 0.71, "tentative", SENTENCES, 10, "dawid_skene", STAMP) for a in articles))
    loader.load(Claim, ["article", "quote", "start", "end", "created_at", "hidden_reason", "thread_lock_reason"],
                ((a, texts[a][0][s:e], s, e, STAMP, "", "") for a in articles
                 for i, (s, e) in enumerate(texts[a][1]) if i % CLAIM_EVERY == 0))
    claims = {(a, s): pk for a, s, pk in Claim.objects.filter(article_id__in=articles).values_list("article_id", "start", "pk")}
    loader.load(ClaimConsensus, ["claim", "votes", "agree", "disagree", "unsure", "agree_share", "wilson_low",
                                 "wilson_high", "intercept", "factor", "status", "groups", "computed_at", "dirty",
                                 "version"],
                ((c, 10, 6, 3, 1, 0.6, 0.31, 0.83, 0.2, 0.1, "divided",
                  '[{"group": 0, "members": 500, "agree": 4, "disagree": 1, "unsure": 0, "share": 0.8}]',
                  STAMP, False, 1) for c in claims.values()))
    loader.load(Vote, ["user", "claim", "value", "created_at", "updated_at"],
                ((people[(c * 7 + v) % ANNOTATORS], c, (1, -1, 0, 1)[v % 4], STAMP, STAMP)
                 for c in claims.values() for v in range(VOTES_PER_CLAIM)))

    def annotations():
        for a in articles:
            text, spans = texts[a]
            for n in range(PER_DOCUMENT):
                i = rng.randrange(SENTENCES)
                s, e = spans[i]
                tag = "claim" if i % CLAIM_EVERY == 0 else ("evidence" if n % 5 == 0 else "opinion")
                yield (a, revisions[a], revisions[a], people[rng.randrange(ANNOTATORS)], tag,
                       "A note." if n % 4 == 0 else "", "", claims.get((a, s)) if tag == "claim" else None,
                       s, e, text[s:e], "", "", s, e, "anchored", "position", 1.0, STAMP, STAMP, "")

    loader.load(Annotation, ["article", "revision", "anchored_revision", "author", "tag", "note", "note_html",
                             "claim", "selector_start", "selector_end", "exact", "prefix", "suffix", "start", "end",
                             "anchor_state", "anchor_method", "anchor_score", "created_at", "updated_at",
                             "hidden_reason"], annotations())
    evidence = list(Annotation.objects.filter(article_id__in=articles, tag="evidence").values_list("pk", "article_id", "author_id"))
    claim_ids = list(claims.values())
    by_article = {}
    for (a, _), c in claims.items():
        by_article.setdefault(a, []).append(c)
    loader.load(EvidenceLink, ["evidence", "claim", "stance", "note", "author", "created_at"],
                ((pk, rng.choice(claim_ids) if k % 5 == 0 else rng.choice(by_article[a]),
                  "supports" if k % 3 else "refutes", "", author, STAMP)
                 for k, (pk, a, author) in enumerate(evidence)))
    loader.load(Source, ["claim", "kind", "stance", "url", "title", "passage_quote", "note", "author", "created_at",
                         "hidden_reason"],
                ((c, "link", "contradicts", f"https://example.org/source/{c}", "A source", "", "", people[c % ANNOTATORS],
                  STAMP, "") for c in claim_ids))
    loader.load(Comment, ["claim", "author", "depth", "side", "body", "body_html", "quote_text", "created_at",
                          "hidden_reason"],
                ((c, people[(c + k) % ANNOTATORS], 0, "supports" if k else "question", "A **comment**.",
                  "<p>A <strong>comment</strong>.</p>", "", STAMP, "") for c in claim_ids for k in range(2)))


def export(database_url: str, fmt: str, out: Path, *options: str) -> tuple[float, float, int]:
    """Run the command in a fresh process: (wall seconds, CPU seconds, peak RSS in bytes)."""
    env = {**os.environ, "DATABASE_URL": database_url}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "export_corpus", "--format", fmt, "--out", str(out), *options], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"export_corpus --format {fmt} failed:\n{output}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-annotations", type=int, default=1_000_000, help="the larger size (default 1M)")
    parser.add_argument("--sqlite", action="store_true", help="run on SQLite instead of DATABASE_URL")
    parser.add_argument("--jsonl-only", action="store_true", help="only the jsonl bundle at each size")
    args = parser.parse_args()
    if args.sqlite:
        os.environ.pop("DATABASE_URL", None)
    sizes = sorted({min(100_000, args.max_annotations), args.max_annotations})

    with django_test_database():
        from django.db import connection, transaction

        from annotations.models import Article, ConsensusRun
        from tests.worker.conftest import database_url

        url = database_url()
        load1, load5, load15 = os.getloadavg()
        print(f"backend: {connection.vendor}; {ANNOTATORS:,} annotators, {PER_DOCUMENT:,} annotations and "
              f"{SENTENCES} sentences per document; load average {load1:.1f} {load5:.1f} {load15:.1f} "
              f"on {os.cpu_count()} CPUs", flush=True)
        loader = Loader(connection)
        with transaction.atomic():
            people = load_people(loader)
            ConsensusRun.objects.create(started_at="2026-01-01T00:00:00Z", finished_at="2026-01-01T00:00:01Z",
                                        corpus_alpha=0.7, corpus_units=100_000, corpus_taggers=ANNOTATORS)
        work = Path(tempfile.mkdtemp(prefix="rednote-export-bench-"))
        loaded_documents = 0
        results = {}
        try:
            for size in sizes:
                started = time.perf_counter()
                with transaction.atomic():
                    load_documents(loader, loaded_documents, size // PER_DOCUMENT, people)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute("ANALYZE")
                loaded_documents = size // PER_DOCUMENT
                print(f"loaded {size:,} annotations in {time.perf_counter() - started:.1f} s", flush=True)
                results[size] = export(url, "jsonl", work / f"jsonl-{size}")
                shutil.rmtree(work / f"jsonl-{size}")
            print(f"\njsonl bundle, end to end (command in a fresh process){'':10}goal: >= 100,000/s, <= 300 MB")
            print(HEADER.format("annotations"))
            for size, (wall, cpu, peak) in results.items():
                print(ROW.format(f"{size:,}", wall, size / wall, cpu, peak / 2**20))
            largest = sizes[-1]
            if args.jsonl_only:
                print(f"load average at the end: {os.getloadavg()[0]:.1f}")
                return
            print(f"\nevery format at {largest:,} annotations (brat at {sizes[0]:,}: see BRAT_NOTE)")
            print(HEADER.format("format"))
            first_documents = ",".join(map(str, Article.objects.order_by("pk").values_list("pk", flat=True)[:sizes[0] // PER_DOCUMENT]))
            runs = [(fmt, fmt, largest, ()) for fmt in FORMATS if fmt != "brat"]
            runs += [("brat", "brat", sizes[0], ("--articles", first_documents)), ("jsonl .zip", "jsonl", largest, ())]
            for label, fmt, size, options in runs:
                out = work / (f"{fmt}.zip" if label.endswith(".zip") else fmt)
                wall, cpu, peak = export(url, fmt, out, *options)
                print(ROW.format(label, wall, size / wall, cpu, peak / 2**20), flush=True)
                shutil.rmtree(out) if out.is_dir() else out.unlink()
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(BRAT_NOTE)
        print("seconds: the command's wall time in a fresh process (Django start-up included); cpu: its user and "
              f"system time; peak: its max RSS. Load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
