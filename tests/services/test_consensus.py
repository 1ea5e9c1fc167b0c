"""The consensus services on planted data: two camps of readers (51 and 9) voting on consensus,
partisan and rejected claims, written through the services and computed from the database."""
import numpy as np
import pytest
from django.contrib.auth import get_user_model

from annotations.consensus import bridging
from annotations.models import (
    Claim,
    ClaimConsensus,
    ConsensusRun,
    UserViewpoint,
    Vote,
    VoteValue,
)
from annotations.services import consensus as consensus_service
from annotations.services.consensus import (
    claims_refresh,
    consensus_refit,
    consensus_sweep,
)
from annotations.services.votes import ImportedVote, vote_cast, votes_import
from tests.consensus.synthetic import planted
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

N_USERS, N_CLAIMS = 60, 20
NUMBERS = [
    "votes", "agree", "disagree", "unsure", "agree_share", "wilson_low", "wilson_high", "intercept", "factor",
    "status", "groups", "group_consensus", "divisiveness",
]


@pytest.fixture
def data():
    return planted(N_USERS, N_CLAIMS, 60, seed=0)


@pytest.fixture
def claims():
    article = ArticleFactory()
    return [Claim.objects.create(article=article, quote=f"Claim number {i}.") for i in range(N_CLAIMS)]


def username(u: int) -> str:
    return f"voter{u:03d}"


def cast_all(data, claims, order=None):
    """Import the planted votes (in `order`, default as generated); users are created on the way."""
    order = np.arange(data.users.size) if order is None else order
    votes_import(
        votes=[
            ImportedVote(
                line=i, username=username(data.users[i]), claim_id=claims[data.claims[i]].pk,
                value=VoteValue.AGREE if data.values[i] else VoteValue.DISAGREE,
            )
            for i in order
        ]
    )


def by_kind(data, claims):
    rows = {row.claim_id: row for row in ClaimConsensus.objects.all()}
    return {kind: [rows[claims[c].pk] for c in np.flatnonzero(data.kind == kind)] for kind in set(data.kind)}


def snapshot():
    claims = {row.claim_id: tuple(getattr(row, f) for f in NUMBERS) for row in ClaimConsensus.objects.all()}
    users = set(UserViewpoint.objects.values_list("user_id", "intercept", "factor", "group"))
    return claims, users


def test_bridging_ranks_consensus_above_partisan_claims_where_raw_share_does_not(data, claims):
    cast_all(data, claims)
    run = consensus_refit()
    kinds = by_kind(data, claims)
    consensus, partisan = kinds["consensus"], kinds["partisan_a"]
    # Raw agree share favours the majority camp's claims...
    assert np.mean([r.agree_share for r in partisan]) > np.mean([r.agree_share for r in consensus])
    # ...bridging does not: every consensus claim beats every partisan one, and only they are agreed.
    assert min(r.intercept for r in consensus) > max(r.intercept for r in partisan)
    assert {r.status for r in consensus} == {"agreed"}
    assert {r.status for r in partisan + kinds["partisan_b"]} == {"divided"}
    assert "agreed" not in {r.status for r in kinds["rejected"]}
    ranked = list(ClaimConsensus.objects.order_by("-intercept").values_list("claim_id", flat=True))
    assert set(ranked[: len(consensus)]) == {r.claim_id for r in consensus}

    # Opinion groups are the planted camps; the majority is group 0.
    assert run.n_groups == 2 and run.group_sizes == [51, 9]
    camp_of = {username(u): camp for u, camp in enumerate(data.camp)}
    viewpoints = UserViewpoint.objects.select_related("user")
    assert all(v.group == camp_of[v.user.username] for v in viewpoints)
    # Each group's share shows the split; divisiveness ranks partisan claims first.
    for row in partisan:
        majority, minority = row.groups
        assert majority["share"] > 0.85 > 0.3 > minority["share"]
        assert majority["members"] == 51 and majority["agree"] + majority["disagree"] + majority["unsure"] > 0
    assert min(r.divisiveness for r in partisan) > max(r.divisiveness for r in consensus)
    assert min(r.group_consensus for r in consensus) > max(r.group_consensus for r in partisan)

    row = consensus[0]
    assert (row.votes, row.agree + row.disagree + row.unsure) == (row.votes, row.votes)
    assert row.agree_share == pytest.approx(row.agree / row.votes)
    assert row.wilson_low < row.agree_share < row.wilson_high
    assert not ClaimConsensus.objects.filter(dirty=True).exists()
    assert run.finished_at and run.n_votes == data.users.size and run.converged


def test_a_refit_with_no_new_votes_changes_nothing(data, claims):
    cast_all(data, claims)
    consensus_refit()
    first = snapshot()
    consensus_refit()
    assert snapshot() == first


def test_the_order_votes_arrive_in_does_not_matter(data, claims):
    cast_all(data, claims)
    consensus_refit()
    first = snapshot()
    Vote.objects.all().delete()
    cast_all(data, claims, order=np.random.default_rng(3).permutation(data.users.size))
    consensus_refit()
    assert snapshot() == first


def test_between_refits_a_claim_is_refreshed_against_the_stored_viewpoints(data, claims):
    cast_all(data, claims)
    run = consensus_refit()
    claim = claims[int(np.flatnonzero(data.kind == "partisan_a")[0])]
    before = ClaimConsensus.objects.get(claim=claim)
    minority = [username(u) for u in np.flatnonzero(data.camp == 1)]
    newcomers = get_user_model().objects.bulk_create(get_user_model()(username=f"new{i}") for i in range(5))
    votes_import(
        votes=[ImportedVote(line=1, username=name, claim_id=claim.pk, value=VoteValue.AGREE) for name in minority]
        + [ImportedVote(line=2, username=u.username, claim_id=claim.pk, value=VoteValue.UNSURE) for u in newcomers]
    )
    claims_refresh(claim_ids=[claim.pk])
    after = ClaimConsensus.objects.get(claim=claim)
    assert ConsensusRun.objects.count() == 1  # no refit: a refresh
    assert not after.dirty and after.computed_at > before.computed_at
    # Counts are exact; the minority now agrees, so the claim bridges more and leans less.
    votes = Vote.objects.filter(claim=claim)
    assert (after.votes, after.agree, after.unsure) == (
        votes.count(), votes.filter(value=1).count(), votes.filter(value=0).count()
    )
    assert after.intercept > before.intercept and 0 < after.factor < before.factor
    assert after.groups[1]["agree"] == 9 and after.groups[1]["share"] == 1.0
    # Exactly the claim half-step with every rater's stored parameters (newcomers: none, and unsure).
    rated = list(votes.exclude(value=0).values_list("value", "user__viewpoint__intercept", "user__viewpoint__factor"))
    frozen = bridging.BridgingFit(
        mu=run.mu, user_intercept=np.array([i for _, i, _ in rated]), user_factor=np.array([f for _, _, f in rated]),
        claim_intercept=np.zeros(0), claim_factor=np.zeros(0), n_iter=0, converged=True,
        claim_ridge=(run.claim_ridge_intercept, run.claim_ridge_factor),
    )
    expected = bridging.refresh_claims(
        frozen, np.arange(len(rated)), np.zeros(len(rated), dtype=int), np.array([v == 1 for v, _, _ in rated], float),
        claim_ids_subset=[0],
    )
    assert (after.intercept, after.factor) == pytest.approx((expected[0][0], expected[1][0]), abs=1e-12)


def test_a_refresh_right_after_a_refit_agrees_with_it(data, claims):
    cast_all(data, claims)
    consensus_refit()
    fitted = {row.claim_id: (row.intercept, row.factor) for row in ClaimConsensus.objects.all()}
    claims_refresh(claim_ids=[c.pk for c in claims])
    for row in ClaimConsensus.objects.all():
        assert (row.intercept, row.factor) == pytest.approx(fitted[row.claim_id], abs=1e-5)


def test_a_voter_the_last_refit_did_not_see_counts_with_zero_intercept_and_factor(claims):
    votes_import(votes=[ImportedVote(line=1, username="early", claim_id=claims[0].pk, value=VoteValue.AGREE)])
    run = consensus_refit()
    votes_import(votes=[ImportedVote(line=1, username="late", claim_id=claims[1].pk, value=VoteValue.AGREE)])
    claims_refresh(claim_ids=[claims[1].pk])
    row = ClaimConsensus.objects.get(claim=claims[1])
    # With the rater's intercept and factor at 0 the 2x2 system is diagonal.
    assert row.intercept == pytest.approx((1 - run.mu) / (1 + run.claim_ridge_intercept))
    assert row.factor == 0.0 and row.status == "not_enough_votes" and row.groups == []


def test_a_vote_cast_during_a_recompute_leaves_the_claim_out_of_date(data, claims, monkeypatch, user):
    cast_all(data, claims)
    consensus_refit()
    claim = claims[0]
    real = bridging.refresh_claims

    def vote_meanwhile(*args, **kwargs):
        vote_cast(user=user, claim_id=claim.pk, value="disagree")
        return real(*args, **kwargs)

    monkeypatch.setattr(consensus_service.bridging, "refresh_claims", vote_meanwhile)
    claims_refresh(claim_ids=[claim.pk])
    row = ClaimConsensus.objects.get(claim=claim)
    assert row.dirty and row.votes == Vote.objects.filter(claim=claim).count() - 1

    monkeypatch.setattr(consensus_service.bridging, "refresh_claims", real)
    claims_refresh(claim_ids=[claim.pk])
    row.refresh_from_db()
    assert not row.dirty and row.votes == Vote.objects.filter(claim=claim).count()


def test_the_sweep_runs_the_first_refit_then_refreshes_what_is_out_of_date(data, claims, user):
    cast_all(data, claims)
    assert ClaimConsensus.objects.filter(dirty=True).count() == N_CLAIMS
    assert consensus_sweep() == N_CLAIMS
    assert ConsensusRun.objects.count() == 1 and not ClaimConsensus.objects.filter(dirty=True).exists()

    vote_cast(user=user, claim_id=claims[3].pk, value="agree")
    assert list(ClaimConsensus.objects.filter(dirty=True).values_list("claim_id", flat=True)) == [claims[3].pk]
    assert consensus_sweep() == 1
    row = ClaimConsensus.objects.get(claim=claims[3])
    assert not row.dirty and row.votes == Vote.objects.filter(claim=claims[3]).count()
    assert ConsensusRun.objects.count() == 1
    assert consensus_sweep() == 0


def test_a_refresh_before_any_refit_runs_the_first_one(claims, user):
    vote_cast(user=user, claim_id=claims[0].pk, value="agree")
    claims_refresh(claim_ids=[claims[0].pk])
    assert ConsensusRun.objects.get().mu is not None
    row = ClaimConsensus.objects.get(claim=claims[0])
    assert (row.votes, row.agree, row.dirty, row.status) == (1, 1, False, "not_enough_votes")


def test_a_refit_forgets_voters_who_left_and_empties_their_claims(claims):
    votes_import(votes=[ImportedVote(line=1, username="leaver", claim_id=claims[0].pk, value=VoteValue.AGREE)])
    votes_import(votes=[ImportedVote(line=1, username="stayer", claim_id=claims[1].pk, value=VoteValue.AGREE)])
    consensus_refit()
    get_user_model().objects.get(username="leaver").delete()
    consensus_refit()
    assert list(UserViewpoint.objects.values_list("user__username", flat=True)) == ["stayer"]
    row = ClaimConsensus.objects.get(claim=claims[0])
    assert (row.votes, row.agree_share, row.intercept, row.status) == (0, None, None, "not_enough_votes")


def test_the_thresholds_are_settings(data, claims, settings):
    cast_all(data, claims)
    settings.CONSENSUS_MIN_VOTES = 1000
    run = consensus_refit()
    assert set(ClaimConsensus.objects.values_list("status", flat=True)) == {"not_enough_votes"}
    assert run.thresholds["min_votes"] == 1000
