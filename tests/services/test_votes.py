from unittest import mock

import kombu.exceptions
import pytest
import redis.exceptions
from django.core.cache import cache

from annotations.models import Claim, ClaimConsensus, Vote
from annotations.services.consensus_queue import claim_queued_key
from annotations.services.votes import ClaimNotFound, VoteError, vote_cast
from annotations.tasks import refresh_claim_consensus
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def claim():
    claim = Claim.objects.create(article=ArticleFactory(), quote="The first claim.")
    cache.delete(claim_queued_key(claim.pk))
    yield claim
    cache.delete(claim_queued_key(claim.pk))


def test_a_vote_is_stored_and_a_second_one_replaces_it(claim, user):
    vote_cast(user=user, claim_id=claim.pk, value="agree")
    vote_cast(user=user, claim_id=claim.pk, value="disagree")
    assert list(Vote.objects.values_list("user", "claim", "value")) == [(user.pk, claim.pk, -1)]
    row = ClaimConsensus.objects.get(claim=claim)
    assert (row.dirty, row.version, row.computed_at) == (True, 2, None)
    assert row.dirty_at is not None


def test_the_same_vote_again_changes_nothing(claim, user):
    first = vote_cast(user=user, claim_id=claim.pk, value="unsure")
    again = vote_cast(user=user, claim_id=claim.pk, value="unsure")
    assert again.pk == first.pk and again.value == 0
    assert ClaimConsensus.objects.get(claim=claim).version == 1


def test_an_unknown_value_is_refused(claim, user):
    with pytest.raises(VoteError) as raised:
        vote_cast(user=user, claim_id=claim.pk, value="maybe")
    assert raised.value.field == "value" and "agree, disagree, unsure" in str(raised.value)
    assert not Vote.objects.exists() and not ClaimConsensus.objects.exists()


def test_a_vote_on_a_missing_or_deleted_claim_is_refused(claim, user):
    claim_id = claim.pk
    claim.delete()
    with pytest.raises(ClaimNotFound) as raised:
        vote_cast(user=user, claim_id=claim_id, value="agree")
    assert raised.value.field == "claim" and f"Claim {claim_id} does not exist" in str(raised.value)
    assert not Vote.objects.exists()


def test_a_burst_of_votes_on_one_claim_queues_one_recompute(claim, django_capture_on_commit_callbacks):
    voters = [UserFactory() for _ in range(3)]
    with mock.patch.object(refresh_claim_consensus, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            for voter in voters:
                vote_cast(user=voter, claim_id=claim.pk, value="agree")
        assert delay.call_args_list == [mock.call(claim.pk)]
        # The task clears the mark before it reads the votes: a vote cast meanwhile queues again.
        cache.delete(claim_queued_key(claim.pk))
        with django_capture_on_commit_callbacks(execute=True):
            vote_cast(user=voters[0], claim_id=claim.pk, value="disagree")
        assert delay.call_count == 2


def test_the_queued_recompute_runs_after_commit(claim, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        vote_cast(user=user, claim_id=claim.pk, value="agree")
    assert ClaimConsensus.objects.get(claim=claim).dirty
    assert len(callbacks) == 1
    callbacks[0]()  # tasks run in-process in these tests
    row = ClaimConsensus.objects.get(claim=claim)
    assert (row.dirty, row.votes, row.agree, row.agree_share) == (False, 1, 1, 1.0)
    assert cache.get(claim_queued_key(claim.pk)) is None


@pytest.mark.parametrize(
    "target, error",
    [
        ("annotations.tasks.refresh_claim_consensus.delay", kombu.exceptions.OperationalError("broker down")),
        ("django.core.cache.cache.add", redis.exceptions.ConnectionError("redis down")),
    ],
)
def test_with_the_broker_or_cache_down_the_vote_is_still_accepted(
    claim, user, django_capture_on_commit_callbacks, caplog, target, error
):
    with mock.patch(target, side_effect=error), django_capture_on_commit_callbacks(execute=True):
        vote_cast(user=user, claim_id=claim.pk, value="agree")
    assert Vote.objects.filter(claim=claim, user=user, value=1).exists()
    assert ClaimConsensus.objects.get(claim=claim).dirty  # for the sweep to pick up
    assert "the sweep will catch up" in caplog.text
    assert cache.get(claim_queued_key(claim.pk)) is None  # a later vote can queue again
