"""The demo (`manage.py seed_demo`): readers in the `demo` group with claims, evidence and votes
on the corpus, so that a newcomer sees opinion groups and verdicts; and removing all of it.

What to write comes from the pure plan (`consensus/demo_plan.py`). Everything is written
through the services readers use (`annotation_create`, `evidence_link_create`), so the policy
is asked and the posting rate limits count for every demo reader as for anyone. Two things are
written in bulk, for speed: the accounts (there is no sign-up service, and demo accounts must
not get a member's one ability they lack: signing in) and the votes (`votes_import`, after
asking the policy what `vote_cast` would ask). Seeding is idempotent: what a reader already has
is skipped, so a second run writes nothing but its audit row.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.db.models import Q

from annotations.consensus.demo_plan import ArticleSentences, DemoPlan, Reader, demo_plan
from annotations.models import (
    Annotation,
    Article,
    Claim,
    EvidenceLink,
    Sentence,
    Tag,
    Vote,
)
from annotations.policy import Act, can_see, require
from annotations.roles import DEMO
from annotations.services.annotations import annotation_create, article_touch
from annotations.services.audit import audit_record
from annotations.services.claims import evidence_link_create
from annotations.services.votes import VOTE_VALUES, ImportedVote, votes_import

DEMO_READERS = 40


@dataclass
class DemoCounts:
    """What a seeding wrote (or a removal deleted)."""

    readers: int = 0
    annotations: int = 0
    links: int = 0
    votes: int = 0
    claims: int = 0


def demo_readers_query():
    return get_user_model().objects.filter(groups__name=DEMO)


def _corpus() -> tuple[list[ArticleSentences], dict[int, tuple[Article, int, int]]]:
    """The articles whose current text is split into sentences, as the plan sees them, and
    every annotatable sentence's article and span."""
    articles = {
        article.current_revision_id: article
        for article in Article.objects.filter(current_revision__segmented_at__isnull=False)
        .select_related("current_revision").order_by("pk")
    }
    spans: dict[int, tuple[Article, int, int]] = {}
    by_revision: dict[int, list[tuple[int, str]]] = defaultdict(list)
    sentences = Sentence.objects.filter(revision_id__in=articles, kind__in=Sentence.ANNOTATABLE).order_by("revision_id", "index")
    for pk, revision_id, start, end in sentences.values_list("pk", "revision_id", "start", "end"):
        article = articles[revision_id]
        spans[pk] = (article, start, end)
        by_revision[revision_id].append((pk, article.current_revision.text[start:end]))
    shapes = [
        ArticleSentences(key=article.current_revision.content_hash, sentences=by_revision[revision_id])
        for revision_id, article in articles.items()
        if by_revision[revision_id]
    ]
    return shapes, spans


def _accounts(readers: tuple[Reader, ...]) -> tuple[dict[str, AbstractBaseUser], int]:
    """The demo readers' accounts, made where missing: an unusable password, no e-mail
    address, in the `demo` group (which `accounts.py` and the token endpoint refuse)."""
    User = get_user_model()
    group, _ = Group.objects.get_or_create(name=DEMO)
    names = [reader.username for reader in readers]
    taken = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    strangers = taken - set(demo_readers_query().filter(username__in=names).values_list("username", flat=True))
    if strangers:
        raise ValueError(f"Usernames the demo needs belong to real accounts: {', '.join(sorted(strangers))}.")
    User.objects.bulk_create(
        [User(username=name, password=make_password(None), first_name="Demo", last_name="reader")
         for name in names if name not in taken]
    )
    users = {user.username: user for user in User.objects.filter(username__in=names)}
    group.user_set.add(*users.values())
    return users, len(names) - len(taken)


@transaction.atomic
def demo_seed(*, readers: int = DEMO_READERS, seed: int = 0) -> DemoCounts:
    """Write the demo for the current corpus, skipping what is there already. Returns what was
    written. The consensus is not refitted here: the caller runs the refit after commit."""
    shapes, spans = _corpus()
    if not shapes:
        raise ValueError("There are no articles to annotate yet; import some first (manage.py import_articles).")
    plan = demo_plan(shapes, readers=readers, seed=seed)
    users, new_readers = _accounts(plan.readers)
    counts = DemoCounts(readers=new_readers)
    claims_before = Claim.objects.count()
    annotation_of = _write_annotations(plan, users, spans, counts)
    claim_of = {
        claim.sentence_id: annotation_of[(claim.taggers[0], claim.sentence_id, Tag.CLAIM)].claim_id
        for claim in plan.claims
    }
    _write_links(plan, users, annotation_of, claim_of, counts)
    _write_votes(plan, users, claim_of, counts)
    counts.claims = Claim.objects.count() - claims_before
    audit_record(
        actor=None, action="demo_seed", target_type="group", target_id=DEMO,
        reason=f"manage.py seed_demo (seed {seed}, {readers} readers)", before={}, after=asdict(counts),
    )
    return counts


def _write_annotations(plan: DemoPlan, users, spans, counts: DemoCounts) -> dict[tuple[str, int, str], Annotation]:
    """Every planned claim, evidence and opinion tag, keyed by (username, sentence id, tag)."""
    wanted = [(name, claim.sentence_id, Tag.CLAIM) for claim in plan.claims for name in claim.taggers]
    wanted += [(a.username, a.sentence_id, a.tag) for a in plan.annotations]
    existing = {
        (a.author.username, a.article_id, a.start, a.end, a.tag): a
        for a in Annotation.objects.filter(author__in=users.values()).select_related("author")
    }
    made: dict[tuple[str, int, str], Annotation] = {}
    for name, sentence_id, tag in wanted:
        if (name, sentence_id, tag) in made:
            continue
        article, start, end = spans[sentence_id]
        annotation = existing.get((name, article.pk, start, end, tag))
        if annotation is None:
            annotation = annotation_create(author=users[name], article=article, start=start, end=end, tag=tag)
            counts.annotations += 1
        made[(name, sentence_id, tag)] = annotation
    return made


def _write_links(plan: DemoPlan, users, annotation_of, claim_of, counts: DemoCounts) -> None:
    linked = set(EvidenceLink.objects.filter(author__in=users.values()).values_list("evidence_id", "claim_id"))
    for planned in plan.annotations:
        if planned.claim_sentence_id is None:
            continue
        evidence = annotation_of[(planned.username, planned.sentence_id, planned.tag)]
        claim_id = claim_of[planned.claim_sentence_id]
        if (evidence.pk, claim_id) not in linked:
            evidence_link_create(author=users[planned.username], evidence=evidence, claim_id=claim_id, stance=planned.stance)
            linked.add((evidence.pk, claim_id))
            counts.links += 1


def _write_votes(plan: DemoPlan, users, claim_of, counts: DemoCounts) -> None:
    """The planned votes that are not cast yet, through the bulk vote import (a thousand
    `vote_cast` calls take seconds). The policy is still asked: every reader may vote
    (`require`, as `vote_cast` does) and nobody votes on a claim hidden from them."""
    for user in users.values():
        require(user, Act.VOTE)
    claims = Claim.objects.in_bulk(set(claim_of.values()))
    cast = {
        (user_id, claim_id): value
        for user_id, claim_id, value in Vote.objects.filter(user__in=users.values()).values_list("user_id", "claim_id", "value")
    }
    new = [
        ImportedVote(line=0, username=vote.username, claim_id=claim_id, value=VOTE_VALUES[vote.value])
        for vote in plan.votes
        for user, claim_id in [(users[vote.username], claim_of[vote.claim_sentence_id])]
        if cast.get((user.pk, claim_id)) != VOTE_VALUES[vote.value] and can_see(user, claims[claim_id])
    ]
    if new:
        counts.votes = votes_import(votes=new).imported


@transaction.atomic
def demo_remove() -> DemoCounts:
    """Delete every demo reader and all they made: annotations, evidence links, sources and
    votes go with their accounts; claims nobody else tagged, linked, sourced or voted on go too
    (as when a reader deletes the last annotation of a claim). The caller refits afterwards."""
    readers = demo_readers_query()
    reader_ids = list(readers.values_list("pk", flat=True))
    touched = Claim.objects.filter(
        Q(annotations__author_id__in=reader_ids) | Q(votes__user_id__in=reader_ids) | Q(created_by_id__in=reader_ids)
    ).values_list("pk", "article_id").distinct()
    claim_ids = {pk for pk, _ in touched}
    article_ids = {article_id for _, article_id in touched}
    article_ids |= set(Annotation.objects.filter(author_id__in=reader_ids).values_list("article_id", flat=True).distinct())
    counts = DemoCounts(
        readers=len(reader_ids),
        annotations=Annotation.objects.filter(author_id__in=reader_ids).count(),
        links=EvidenceLink.objects.filter(author_id__in=reader_ids).count(),
        votes=Vote.objects.filter(user_id__in=reader_ids).count(),
    )
    get_user_model().objects.filter(pk__in=reader_ids).delete()
    abandoned = Claim.objects.filter(
        pk__in=claim_ids, annotations__isnull=True, evidence_links__isnull=True, sources__isnull=True, votes__isnull=True,
    )
    counts.claims = abandoned.count()
    abandoned.delete()
    Group.objects.filter(name=DEMO).delete()
    for article_id in article_ids:
        article_touch(article_id=article_id)
    audit_record(
        actor=None, action="demo_remove", target_type="group", target_id=DEMO,
        reason="manage.py seed_demo --remove", before=asdict(counts), after={},
    )
    return counts
