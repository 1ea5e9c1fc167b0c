"""A claim page whose debate thread has 1,000 comments by 200 people: median server time and
SQL query count, against the article list measured in the same run.

    .venv/bin/python bench/thread.py [--repeat 20] [--comments 1000] [--people 200]

The thread is a realistic tree (a quarter top-level, the rest replies at every depth, some past
the display depth of 4). The claim page is timed for a signed-in member (who gets reply, flag
and, on their own comments, edit controls) and for an anonymous visitor; the thread API too.
Prints the load average, since the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import random

from django_env import django_test_database, median_ms, timed

WORDS = [
    "the", "figures", "show", "wages", "fell", "while", "prices", "rose", "but", "survey", "missed",
    "rents", "and", "sample", "was", "small", "so", "claim", "overstates", "what", "data", "can",
    "carry", "although", "trend", "is", "real",
]


def body(rng: random.Random, people: list[str]) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(15, 70))]
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), f"@{rng.choice(people)}")
    text = " ".join(words).capitalize() + "."
    return text.replace(" data ", " **data** ", 1)


def make_claim(*, articles: int):
    """`articles` articles in the list, and a claim tagged on the first one."""
    from django.contrib.auth import get_user_model

    from annotations.services.annotations import annotation_create
    from annotations.services.articles import ArticleMetadata, article_create

    made = [
        article_create(
            text=f"Article {n}\nPrices rose by {n}% in a year. Wages did not follow.\nCritics disagree.",
            fmt="text", metadata=ArticleMetadata(title=f"Article {n}"), created_by=None,
        )
        for n in range(articles)
    ]
    text = made[0].current_revision.text
    start = text.index("Wages")
    tagger = get_user_model().objects.create(username="tagger")
    return annotation_create(
        author=tagger, article=made[0], start=start, end=start + len("Wages did not follow."), tag="claim"
    ).claim


def build_thread(claim, *, comments: int, people: int, seed: int = 8):
    from django.contrib.auth import get_user_model

    from annotations.models import MAX_DISPLAY_DEPTH, Comment, Side
    from annotations.services.comments import profile_url
    from annotations.text.mentions import render_with_mentions

    rng = random.Random(seed)
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"debater{n}") for n in range(people))
    names = [user.username for user in users]
    links = {name.lower(): profile_url(name) for name in names}
    made: list[Comment] = []
    for n in range(comments):
        parent = None if n < 10 or rng.random() < 0.25 else rng.choice(made)
        if parent is not None and parent.depth > MAX_DISPLAY_DEPTH + 1:
            parent = None
        text = body(rng, names)
        comment = Comment(
            claim=claim, parent=parent, author=rng.choice(users), depth=0 if parent is None else parent.depth + 1,
            side="" if parent is not None else rng.choice(["", *Side.values]), body=text,
            body_html=render_with_mentions(text, links),
        )
        comment.save()  # one by one: replies need their parent's id
        made.append(comment)
    return users, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--comments", type=int, default=1000)
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    os.environ["REDNOTE_RATE_LIMITS"] = "false"

    with django_test_database():
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext

        users, made = build_thread(make_claim(articles=30), comments=args.comments, people=args.people)
        claim = made[0].claim
        member, anonymous = Client(), Client()
        member.force_login(users[0])
        pages = {
            "claim (member)": (member, claim.get_absolute_url()),
            "claim (anon)": (anonymous, claim.get_absolute_url()),
            "thread API": (anonymous, f"/api/claims/{claim.pk}/comments/"),
            "list (base)": (anonymous, "/"),
        }
        results = {}
        for name, (client, url) in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            count = len(queries)  # read now: the next request clears the log
            times = timed(lambda client=client, url=url: client.get(url), repeat=args.repeat)
            results[name] = (times, count, len(response.content))

        deepest = max(comment.depth for comment in made)
        top_level = sum(comment.parent_id is None for comment in made)
        print(f"backend: {connection.vendor}; thread: {len(made)} comments by {len(users)} people, "
              f"{top_level} top-level, deepest reply at depth {deepest}")
        print(f"{'page':<16}{'median ms':>10}{'min ms':>9}{'queries':>9}{'KiB':>8}")
        for name, (times, queries, size) in results.items():
            print(f"{name:<16}{median_ms(times):>10.1f}{min(times) * 1000:>9.1f}{queries:>9}{size / 1024:>8.0f}")
        base = median_ms(results["list (base)"][0])
        print(f"claim page (member) / list: {median_ms(results['claim (member)'][0]) / base:.1f}x")
        print("load average (1, 5, 15 min): " + ", ".join(f"{value:.2f}" for value in os.getloadavg())
              + f" on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
