"""The home page with 1,000 articles and 100,000 annotations: median server time and SQL queries.

    .venv/bin/python bench/home.py [--repeat 30] [--articles 1000] [--annotations 100000]

The corpus is made in bulk (no segmentation: the home page reads the stored sentence count):
500 people, a third of the annotations tagged as claims (shared per sentence: about 17,000
claims), as many votes as annotations, a comment for every tenth annotation, and a consensus
verdict on a third of the claims. Times each sort order for an anonymous visitor and a signed-in member, a search, and
page 2, and prints the load average beside them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
from functools import partial

from django_env import django_test_database, median_ms, timed

PEOPLE = 500
SENTENCES = 20
BATCH = 5000


def populate(*, articles: int, annotations: int, seed: int = 1) -> object:
    """The corpus, made in bulk; returns one of its members."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from annotations.models import (
        Annotation,
        Article,
        Claim,
        ClaimConsensus,
        Comment,
        ConsensusStatus,
        Revision,
        Tag,
        Vote,
    )

    rng = random.Random(seed)
    now = timezone.now()

    def ago() -> dt.datetime:
        return now - dt.timedelta(minutes=rng.randrange(60 * 24 * 90))

    User = get_user_model()
    people = User.objects.bulk_create(
        User(username=f"home{i}", email=f"home{i}@example.org", password="!") for i in range(PEOPLE)
    )
    Group.objects.get_or_create(name="member")[0].user_set.add(people[0])

    words = ["harbour", "wages", "rents", "prices", "rain", "council", "budget", "schools", "rail", "energy"]
    sentence = "The {} figures for {} changed again this year."
    made = Article.objects.bulk_create(
        Article(title=f"Article {i} on {rng.choice(words)}", author=f"Writer {i % 37}", annotations_changed_at=ago())
        for i in range(articles)
    )
    texts = {
        a.pk: a.title + "\n" + " ".join(sentence.format(rng.choice(words), rng.choice(words)) for _ in range(SENTENCES))
        for a in made
    }
    revisions = Revision.objects.bulk_create(
        Revision(article=a, number=1, text=texts[a.pk], content_hash=f"{a.pk:064d}", segmented_at=now, sentence_count=SENTENCES)
        for a in made
    )
    for a, r in zip(made, revisions, strict=True):
        a.current_revision = r
    Article.objects.bulk_update(made, ["current_revision"], batch_size=BATCH)

    rows = []
    for _ in range(annotations):
        i = rng.randrange(articles)
        k = rng.randrange(SENTENCES)
        tag = rng.choice(Tag.values)
        rows.append((made[i], revisions[i], k, tag))
    claims = {}
    for article, _, k, tag in rows:
        if tag == Tag.CLAIM and (article.pk, k) not in claims:
            claims[article.pk, k] = Claim(
                article=article, quote=f"Sentence {k}", start=k * 10 + 1, end=k * 10 + 9, thread_changed_at=ago(),
            )
    Claim.objects.bulk_create(claims.values(), batch_size=BATCH)
    Annotation.objects.bulk_create(
        (
            Annotation(
                article=article, revision=revision, anchored_revision=revision, author=rng.choice(people), tag=tag,
                claim=claims.get((article.pk, k)) if tag == Tag.CLAIM else None,
                selector_start=k * 10 + 1, selector_end=k * 10 + 9, exact="x" * 8, start=k * 10 + 1, end=k * 10 + 9,
            )
            for article, revision, k, tag in rows
        ),
        batch_size=BATCH,
    )
    claim_list = list(claims.values())
    pairs = {(rng.randrange(len(claim_list)), rng.randrange(PEOPLE)) for _ in range(annotations)}
    Vote.objects.bulk_create(
        (Vote(claim=claim_list[c], user=people[u], value=rng.choice([-1, 0, 1])) for c, u in pairs), batch_size=BATCH
    )
    Comment.objects.bulk_create(
        (
            Comment(claim=rng.choice(claim_list), author=rng.choice(people), body="A comment.", body_html="<p>A comment.</p>")
            for _ in range(annotations // 10)
        ),
        batch_size=BATCH,
    )
    statuses = [ConsensusStatus.AGREED, ConsensusStatus.DIVIDED, ConsensusStatus.REJECTED]
    ClaimConsensus.objects.bulk_create(
        (
            ClaimConsensus(
                claim=c, status=rng.choice(statuses), votes=rng.randrange(5, 60), intercept=rng.uniform(-0.6, 0.8),
                divisiveness=rng.random(), computed_at=now,
            )
            for c in claim_list[::3]
        ),
        batch_size=BATCH,
    )
    return people[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=100_000)
    args = parser.parse_args()

    with django_test_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        from annotations.models import Annotation, Article, Claim, Comment, Vote

        member = populate(articles=args.articles, annotations=args.annotations)
        if connection.vendor == "postgresql":  # as autovacuum leaves a settled database
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
        anonymous, signed_in = Client(), Client()
        signed_in.force_login(member)
        cases = [
            ("activity (default)", anonymous, {}),
            ("most debated", anonymous, {"sort": "debated"}),
            ("newest", anonymous, {"sort": "newest"}),
            ("search “harbour”", anonymous, {"q": "harbour"}),
            ("page 2", anonymous, {"page": 2}),
            ("activity, signed in", signed_in, {}),
            ("debated, signed in", signed_in, {"sort": "debated"}),
        ]
        print(
            f"backend: {connection.vendor}; {Article.objects.count():,} articles, "
            f"{Annotation.objects.count():,} annotations, {Claim.objects.count():,} claims, "
            f"{Vote.objects.count():,} votes, {Comment.objects.count():,} comments"
        )
        print(f"{'home page':<22}{'median ms':>10}{'min ms':>9}{'queries':>9}")
        for name, client, params in cases:
            assert client.get("/", params).status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get("/", params)
            count = len(queries)
            times = timed(partial(client.get, "/", params), repeat=args.repeat)
            print(f"{name:<22}{median_ms(times):>10.1f}{min(times) * 1000:>9.1f}{count:>9}")
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
