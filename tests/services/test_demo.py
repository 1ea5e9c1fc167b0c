"""The demo on the sample corpus: readers with claims, evidence and votes that make the consensus
show opinion groups and claims agreed across viewpoints, divided and rejected; seeding twice adds
nothing, and removing takes every demo object away. (Signing in: tests/views/test_demo_readers.py.)"""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from annotations.models import (
    Annotation,
    Claim,
    ClaimConsensus,
    EvidenceLink,
    ModerationAction,
    Tag,
    Vote,
)
from annotations.roles import DEMO, is_demo
from annotations.services.annotations import annotation_create
from annotations.services.consensus import consensus_refit
from annotations.services.demo import DemoCounts, demo_readers_query, demo_remove, demo_seed
from annotations.services.votes import vote_cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(corpus_dir):
    call_command("import_articles", str(corpus_dir), no_progress=True, stdout=StringIO())


def totals() -> tuple[int, ...]:
    return (
        get_user_model().objects.count(), Annotation.objects.count(), EvidenceLink.objects.count(),
        Vote.objects.count(), Claim.objects.count(),
    )


def test_the_demo_shows_groups_and_every_verdict_and_a_second_run_adds_nothing(corpus):
    counts = demo_seed()
    run = consensus_refit()
    assert counts.readers == 40 and counts.annotations > 100 and counts.links > 30 and counts.votes > 800
    assert run.n_groups >= 2
    statuses = set(ClaimConsensus.objects.values_list("status", flat=True))
    assert {"agreed", "divided", "rejected"} <= statuses
    readers = list(demo_readers_query())
    assert len(readers) == 40 and all(r.username.startswith("demo-reader-") for r in readers)
    assert not any(r.has_usable_password() for r in readers)
    # Claims were made by tagging, as a reader makes them; evidence links go from evidence.
    assert Annotation.objects.filter(author__in=readers, tag=Tag.CLAIM, claim__isnull=False).count() >= counts.claims
    assert not EvidenceLink.objects.exclude(evidence__tag=Tag.EVIDENCE).exists()
    before = totals()
    assert demo_seed() == DemoCounts()
    assert totals() == before
    assert ModerationAction.objects.filter(action="demo_seed", actor__isnull=True).count() == 2


def test_removing_takes_every_demo_object_and_keeps_what_real_readers_did(corpus):
    demo_seed()
    reader = UserFactory()
    joined = Claim.objects.filter(annotations__author__in=demo_readers_query()).distinct().order_by("pk")
    voted_on, tagged = joined[0], joined[1]
    vote_cast(user=reader, claim_id=voted_on.pk, value="agree")
    annotation_create(author=reader, article=tagged.article, start=tagged.start, end=tagged.end, tag=Tag.CLAIM)
    demo_only = set(joined.values_list("pk", flat=True)) - {voted_on.pk, tagged.pk}

    counts = demo_remove()
    consensus_refit()

    assert counts.readers == 40
    assert not get_user_model().objects.filter(username__startswith="demo-reader-").exists()
    assert not Group.objects.filter(name=DEMO).exists()
    assert list(Vote.objects.values_list("user_id", "claim_id")) == [(reader.pk, voted_on.pk)]
    assert list(Annotation.objects.values_list("author_id", flat=True)) == [reader.pk]
    assert not EvidenceLink.objects.exists()
    assert set(Claim.objects.values_list("pk", flat=True)) == {voted_on.pk, tagged.pk}
    assert not Claim.objects.filter(pk__in=demo_only).exists()
    assert ClaimConsensus.objects.get(claim=voted_on).votes == 1
    assert ModerationAction.objects.filter(action="demo_remove").count() == 1


def test_seeding_without_articles_changes_nothing():
    with pytest.raises(ValueError, match="no articles"):
        demo_seed()
    assert not get_user_model().objects.exists()


def test_a_real_account_with_a_demo_name_is_never_taken_over(corpus):
    UserFactory(username="demo-reader-07")
    with pytest.raises(ValueError, match="demo-reader-07"):
        demo_seed()
    assert not Vote.objects.exists() and not is_demo(get_user_model().objects.get(username="demo-reader-07"))
