"""votes_import: streamed through a staging table, set-based into the vote and user tables."""
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from annotations.models import Claim, ClaimConsensus, Vote, VoteValue
from annotations.services.bulk import BATCH
from annotations.services.votes import ImportedVote, votes_import
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

AGREE, DISAGREE, UNSURE = VoteValue.AGREE, VoteValue.DISAGREE, VoteValue.UNSURE


@pytest.fixture
def claims():
    article = ArticleFactory()
    return [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(3)]


def stored() -> set[tuple[str, int, int]]:
    return set(Vote.objects.values_list("user__username", "claim_id", "value"))


def test_a_generator_of_votes_is_imported_in_one_pass(claims):
    pulled = count()

    def votes():
        for i in range(3 * BATCH):
            next(pulled)
            yield ImportedVote(i + 1, f"reader{i % 500}", claims[i % 3].pk, AGREE)

    result = votes_import(votes=votes())
    assert next(pulled) == 3 * BATCH  # everything was read once
    assert (result.imported, result.new_users, result.errors) == (1500, 500, [])
    assert Vote.objects.count() == 1500


def test_the_last_vote_given_stands_even_far_apart(claims):
    a, b = claims[0].pk, claims[1].pk
    filler = [ImportedVote(i, f"filler{i}", b, AGREE) for i in range(2, BATCH + 100)]
    votes = [ImportedVote(1, "ann", a, AGREE), *filler, ImportedVote(BATCH + 100, "ann", a, DISAGREE)]
    result = votes_import(votes=iter(votes))
    assert result.imported == len(filler) + 1
    assert Vote.objects.get(user__username="ann", claim_id=a).value == DISAGREE


def test_the_latest_by_time_stands_then_the_later_given(claims):
    a = claims[0].pk
    votes_import(votes=[
        ImportedVote(1, "ann", a, DISAGREE, stamp=300),
        ImportedVote(2, "ann", a, AGREE, stamp=100),  # later in the file, earlier in time
        ImportedVote(3, "bob", a, AGREE, stamp=50),
        ImportedVote(4, "bob", a, UNSURE, stamp=50),  # same time: the later row stands
    ])
    assert stored() == {("ann", a, DISAGREE), ("bob", a, UNSURE)}


def test_importing_again_replaces_votes_and_keeps_accounts(claims):
    a, b = claims[0].pk, claims[1].pk
    ann = UserFactory(username="ann")
    ann.set_password("secret-words-9")
    ann.save()
    first = votes_import(votes=[ImportedVote(1, "ann", a, AGREE), ImportedVote(2, "bob", a, AGREE)])
    assert (first.imported, first.new_users) == (2, 1)
    created = Vote.objects.get(user__username="bob").created_at
    again = votes_import(votes=[ImportedVote(1, "bob", a, DISAGREE), ImportedVote(2, "bob", b, AGREE)])
    assert (again.imported, again.new_users) == (2, 0)
    assert stored() == {("ann", a, AGREE), ("bob", a, DISAGREE), ("bob", b, AGREE)}
    bob_vote = Vote.objects.get(user__username="bob", claim_id=a)
    assert bob_vote.created_at == created and bob_vote.updated_at > created
    ann.refresh_from_db()
    assert ann.check_password("secret-words-9")  # an existing account is left as it was


def test_new_accounts_get_the_defaults_and_cannot_sign_in(claims):
    votes_import(votes=[ImportedVote(i, f"newcomer{i}", claims[0].pk, AGREE) for i in range(3)])
    accounts = list(get_user_model().objects.filter(username__startswith="newcomer"))
    assert len(accounts) == 3
    for account in accounts:
        assert account.is_active and not account.is_staff and not account.is_superuser
        assert account.date_joined is not None and account.email == ""
        assert not account.has_usable_password()
    assert len({account.password for account in accounts}) == 3  # each its own random suffix


def test_bad_votes_are_reported_with_their_lines_and_the_rest_imported(claims):
    a = claims[0].pk
    gone = Claim.objects.create(article=claims[0].article, quote="Soon gone.")
    gone_id = gone.pk
    gone.delete()
    result = votes_import(votes=[
        ImportedVote(1, "ann", a, AGREE),
        ImportedVote(2, "no spaces", a, AGREE),
        ImportedVote(3, "bob", gone_id, AGREE),
        ImportedVote(4, "cid", 2**70, AGREE),
        ImportedVote(5, "x" * 151, a, AGREE),
        ImportedVote(6, "dee", a, DISAGREE),
        ImportedVote(7, "bob", gone_id, DISAGREE),
    ])
    assert sorted(line for line, _ in result.errors) == [2, 3, 4, 5, 7]
    reasons = dict(result.errors)
    assert "not a valid username" in reasons[2] and f"no claim {gone_id}" in reasons[3]
    assert "no claim" in reasons[4] and "1 to 150 characters" in reasons[5]
    assert (result.imported, result.new_users) == (2, 2)  # bob only voted on a missing claim
    assert stored() == {("ann", a, AGREE), ("dee", a, DISAGREE)}


def test_only_the_claims_voted_on_are_marked_and_one_refit_queued(claims, django_capture_on_commit_callbacks):
    a, b, c = (claim.pk for claim in claims)
    ClaimConsensus.objects.create(claim_id=c, version=4)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        votes_import(votes=[ImportedVote(1, "ann", a, AGREE), ImportedVote(2, "bob", a, AGREE),
                            ImportedVote(3, "ann", b, UNSURE)])
    assert len(callbacks) == 1
    marked = dict(ClaimConsensus.objects.filter(dirty=True).values_list("claim_id", "version"))
    assert marked == {a: 1, b: 1}
    assert ClaimConsensus.objects.get(claim_id=c).version == 4


def test_nothing_to_import_writes_nothing_and_queues_nothing(claims, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        result = votes_import(votes=iter([ImportedVote(1, "no spaces", claims[0].pk, AGREE)]))
    assert (result.imported, len(result.errors), callbacks) == (0, 1, [])
    assert not Vote.objects.exists() and not ClaimConsensus.objects.exists()
