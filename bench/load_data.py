"""The data bench/load.py drives: the sample corpus, a synthetic corpus written in bulk, the
reader's article with 1,000 annotations, and members with API tokens.

The synthetic articles go through the app's own text pipeline (`article_draft`: normalised,
analysed, split into sentences), so offsets, sentence kinds and stored counts are what an import
would store; only the inserts are in bulk. Annotations are whole sentences, runs of two, and
passages inside one, each with its W3C selector; claim-tagged spans share one claim per span.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

WORDS = [
    "the", "council", "said", "budget", "school", "river", "people", "report", "plan", "road", "market",
    "price", "wage", "worker", "city", "water", "court", "law", "vote", "tax", "rent", "farm", "train",
    "bridge", "health", "data", "study", "week", "year", "union", "board",
]


@dataclass(frozen=True)
class Targets:
    """What the load bench points at."""

    reader_article: int
    claim: int
    claims: list[int]
    """Claims to vote on in the mix."""
    spans: list[tuple[int, int, int]]
    """(article, start, end) of sentences to annotate in the mix."""
    tokens: list[str]


def synthetic_text(rng: random.Random, number: int) -> str:
    sentence = lambda: " ".join(rng.choice(WORDS) for _ in range(rng.randint(7, 14))).capitalize() + "."  # noqa: E731
    paragraphs = [" ".join(sentence() for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(4, 8))]
    return f"Synthetic report number {number}\n" + "\n".join(paragraphs)


def _bulk_articles(rng: random.Random, n_articles: int) -> list:
    """Articles, their first revision and its sentences, in bulk. Returns the revisions."""
    from django.utils import timezone

    from annotations.models import Article, Revision, Sentence
    from annotations.services.articles import (
        ArticleMetadata,
        annotatable_count,
        article_draft,
        sentences_of,
    )

    drafts = [article_draft(text=synthetic_text(rng, n), fmt="text", metadata=ArticleMetadata()) for n in range(n_articles)]
    articles = Article.objects.bulk_create(Article(**draft.fields) for draft in drafts)
    now = timezone.now()
    revisions = Revision.objects.bulk_create(
        Revision(article=article, number=1, text=draft.body, content_hash=draft.digest, segmented_at=now,
                 sentence_count=annotatable_count(draft.document.sentences))
        for article, draft in zip(articles, drafts, strict=True)
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.current_revision = revision
    Article.objects.bulk_update(articles, ["current_revision"], batch_size=1000)
    Sentence.objects.bulk_create(
        (row for revision, draft in zip(revisions, drafts, strict=True) for row in sentences_of(revision, draft.document.sentences)),
        batch_size=5000,
    )
    return revisions


def _span(rng: random.Random, sentences: list) -> tuple[int, int]:
    i = rng.randrange(len(sentences))
    shape = rng.random()
    if shape < 0.7 or i + 1 == len(sentences):
        return sentences[i].start, sentences[i].end
    if shape < 0.9:
        return sentences[i].start, sentences[i + 1].end
    s = sentences[i]
    return s.start, s.start + max(5, (s.end - s.start) // 2)


def _bulk_annotations(rng: random.Random, revisions: list, people: list, n_annotations: int) -> None:
    """`n_annotations` spread over the revisions' articles, with their claims and covered sentences."""
    from django.utils import timezone

    from annotations.models import Annotation, Article, Claim, Sentence, Tag
    from annotations.text.anchor import describe

    by_revision: dict[int, list] = {}
    for s in Sentence.objects.filter(revision__in=revisions, kind__in=Sentence.ANNOTATABLE).order_by("revision", "index"):
        by_revision.setdefault(s.revision_id, []).append(s)
    planned = []
    for n in range(n_annotations):
        revision = revisions[n % len(revisions)]
        planned.append((revision, _span(rng, by_revision[revision.pk]), rng.choice(Tag.values), rng.choice(people)))
    claims = {
        (revision.pk, span): Claim(article_id=revision.article_id, start=span[0], end=span[1],
                                   quote=revision.text[span[0] : span[1]], created_by=author)
        for revision, span, tag, author in planned if tag == Tag.CLAIM
    }
    Claim.objects.bulk_create(claims.values(), batch_size=5000)
    rows = []
    for revision, (start, end), tag, author in planned:
        selector = describe(revision.text, start, end)
        rows.append(Annotation(
            article_id=revision.article_id, revision=revision, anchored_revision=revision, author=author, tag=tag,
            claim=claims.get((revision.pk, (start, end))) if tag == Tag.CLAIM else None,
            selector_start=start, selector_end=end, exact=selector.exact, prefix=selector.prefix,
            suffix=selector.suffix, start=start, end=end,
        ))
    Annotation.objects.bulk_create(rows, batch_size=5000)
    through = Annotation.sentences.through
    through.objects.bulk_create(
        (through(annotation_id=a.pk, sentence_id=s.pk)
         for a in rows for s in by_revision[a.anchored_revision_id] if s.start < a.end and s.end > a.start),
        batch_size=5000,
    )
    Article.objects.filter(pk__in=[r.article_id for r in revisions]).update(annotations_changed_at=timezone.now())


def _bulk_votes(rng: random.Random, people: list, n_votes: int, *, hot_article: int | None) -> None:
    """Votes as they come: on a claim in twenty (those of `hot_article` among them), about
    twenty votes each, so that claims and voters overlap enough for opinion groups."""
    from annotations.models import Claim, Vote

    hot = list(Claim.objects.filter(article_id=hot_article).values_list("pk", flat=True))
    others = list(Claim.objects.exclude(article_id=hot_article).values_list("pk", flat=True))
    claim_ids = hot + rng.sample(others, min(len(others), max(0, n_votes // 20 - len(hot))))
    pairs: set[tuple[int, int]] = set()
    while claim_ids and len(pairs) < min(n_votes, len(claim_ids) * len(people)):
        pairs.add((rng.choice(people).pk, rng.choice(claim_ids)))
    Vote.objects.bulk_create(
        (Vote(user_id=user, claim_id=claim, value=rng.choice((1, -1, 0))) for user, claim in pairs), batch_size=5000
    )


def synthetic_corpus(
    *, n_articles: int, n_annotations: int, n_votes: int, hot_article: int | None = None, n_people: int = 1000,
    seed: int = 7,
) -> None:
    """The synthetic corpus: articles, annotations by `n_people`, votes on their claims and on
    those of `hot_article`."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    rng = random.Random(seed)
    user_model = get_user_model()
    with transaction.atomic():
        people = user_model.objects.bulk_create(
            user_model(username=f"load{n}", email=f"load{n}@example.org", password="!") for n in range(n_people)
        )
        revisions = _bulk_articles(rng, n_articles) if n_articles else []
        if revisions and n_annotations:
            _bulk_annotations(rng, revisions, people, n_annotations)
        _bulk_votes(rng, people, n_votes, hot_article=hot_article)


def members_with_tokens(n: int) -> list[str]:
    """`n` members (the role every new account gets) and an API token each."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from annotations.roles import MEMBER

    user_model = get_user_model()
    members = user_model.objects.bulk_create(
        user_model(username=f"load-member{n}", email=f"load-member{n}@example.org", password="!") for n in range(n)
    )
    Group.objects.get(name=MEMBER).user_set.add(*members)
    return [Token.objects.create(user=member).key for member in members]


def targets(*, reader_article, n_tokens: int, seed: int = 11) -> Targets:
    """The claim most people tagged on the reader's article, claims to vote on, sentences to
    annotate, and member tokens."""
    from django.db.models import Count, F

    from annotations.models import Claim, Sentence

    rng = random.Random(seed)
    claim = Claim.objects.filter(article=reader_article).annotate(n=Count("annotations")).order_by("-n", "pk").first()
    claim_ids = list(Claim.objects.values_list("pk", flat=True))
    sentences = list(
        Sentence.objects.filter(kind__in=Sentence.ANNOTATABLE, revision__article__current_revision=F("revision_id"))
        .values_list("revision__article_id", "start", "end")
    )
    return Targets(
        reader_article=reader_article.pk,
        claim=claim.pk,
        claims=rng.sample(claim_ids, min(2000, len(claim_ids))),
        spans=rng.sample(sentences, min(5000, len(sentences))),
        tokens=members_with_tokens(n_tokens),
    )



def member_session_cookie(token: str) -> str:
    """A Cookie header signing in the member whose API token is `token`, as the sign-in form
    would: for the pages as a member sees them."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from rest_framework.authtoken.models import Token

    member = Token.objects.select_related("user").get(key=token).user
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"
