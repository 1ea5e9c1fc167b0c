"""The moderator queue with 10,000 open flags on 2,000 items: median server time and SQL query
count of the queue page `/moderation/` and of `GET /api/moderation/queue/` (first page each).

    .venv/bin/python bench/moderation_queue.py [--items 2000] [--flags 10000] [--repeat 30]

The items are comments, sources and claims written in bulk (flags, scores and authors' records
as the services would leave them). The article list is timed in the same run as a baseline, and
the load average is printed since the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import random

from django_env import django_test_database, median_ms, timed


def populate(*, n_items: int, n_flags: int, seed: int = 0) -> None:
    """Authors, flaggers, the flagged items, their queue items and flags, some sanctions."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from annotations.consensus.brigade import FlagVote, decide
    from annotations.models import Claim, Comment, Flag, QueueItem, Sanction, Source
    from tests.factories import ArticleFactory

    rng = random.Random(seed)
    user_model = get_user_model()
    now = timezone.now()
    people = user_model.objects.bulk_create(
        user_model(username=f"person{n}", email=f"person{n}@example.org", password="!") for n in range(1500)
    )
    authors, flaggers = people[:400], people[400:]
    article = ArticleFactory()
    claims = Claim.objects.bulk_create(
        Claim(article=article, quote=f"Claim {n} of the benchmark.", created_by=rng.choice(authors)) for n in range(200)
    )
    n_sources = n_items // 10
    n_comments = n_items - n_sources - len(claims) // 2
    comments = Comment.objects.bulk_create(
        Comment(claim=rng.choice(claims), author=rng.choice(authors), body=f"Comment {n}.", body_html=f"<p>Comment {n}.</p>")
        for n in range(n_comments)
    )
    sources = Source.objects.bulk_create(
        Source(claim=rng.choice(claims), kind=Source.Kind.LINK, stance="contradicts", url=f"https://example.org/{n}",
               title=f"Source {n}", author=rng.choice(authors))
        for n in range(n_sources)
    )
    targets = [("comment", c.pk, c.author_id, c.claim_id) for c in comments]
    targets += [("source", s.pk, s.author_id, s.claim_id) for s in sources]
    targets += [("claim", c.pk, c.created_by_id, c.pk) for c in claims[: len(claims) // 2]]
    per_item = [n_flags // len(targets)] * len(targets)
    for extra in range(n_flags - sum(per_item)):
        per_item[extra] += 1
    items, flags = [], []
    for (target_type, target_id, author_id, claim_id), count in zip(targets, per_item, strict=True):
        chosen = rng.sample(flaggers, count)
        groups = [rng.choice([0, 1, None]) for _ in chosen]
        decision = decide([FlagVote(p.pk, g) for p, g in zip(chosen, groups, strict=True)], threshold=3)
        items.append(QueueItem(
            target_type=target_type, target_id=target_id, target_author_id=author_id, claim_id=claim_id,
            article=article, score=decision.score, flaggers=decision.flaggers, flagger_groups=decision.groups,
        ))
        flags.append([(p, g) for p, g in zip(chosen, groups, strict=True)])
    items = QueueItem.objects.bulk_create(items, batch_size=1000)
    Flag.objects.bulk_create(
        (Flag(flagger=person, item=item, target_type=item.target_type, target_id=item.target_id,
              reason=rng.choice(["spam", "harassment", "off_topic", "misleading"]), flagger_group=group)
         for item, chosen in zip(items, flags, strict=True) for person, group in chosen),
        batch_size=2000,
    )
    Sanction.objects.bulk_create(
        Sanction(user=author, kind="warning", reason="Benchmark warning.", starts_at=now) for author in authors[::4]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--flags", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    with django_test_database():
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from rest_framework.test import APIClient

        from annotations.models import Flag, QueueItem
        from tests.factories import UserFactory

        populate(n_items=args.items, n_flags=args.flags)
        moderator = UserFactory(username="bench-moderator", role="moderator")
        page_client, api_client = Client(), APIClient()
        page_client.force_login(moderator)
        api_client.force_authenticate(moderator)
        urls = {"queue page": (page_client, "/moderation/"), "queue API": (api_client, "/api/moderation/queue/"),
                "list (base)": (page_client, "/")}
        rows = []
        for name, (client, url) in urls.items():
            assert client.get(url).status_code == 200, url
            reset_queries()  # the request signals reset the log; start the count from empty
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times = timed(lambda client=client, url=url: client.get(url), repeat=args.repeat)
            rows.append((name, median_ms(times), min(times) * 1000, len(queries)))

        print(f"backend: {connection.vendor}; {QueueItem.objects.count():,} open items, "
              f"{Flag.objects.count():,} open flags; first page of 50 (API: 20)")
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'page':<14}{'median ms':>10}{'min ms':>9}{'queries':>9}")
        for name, median, fastest, queries in rows:
            print(f"{name:<14}{median:>10.1f}{fastest:>9.1f}{queries:>9}")
        base = rows[-1][1]
        print(f"queue page / list: {rows[0][1] / base:.2f}x; queue API / list: {rows[1][1] / base:.2f}x")


if __name__ == "__main__":
    main()
