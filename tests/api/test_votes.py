import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone

from annotations.models import Claim, ClaimConsensus, Vote
from annotations.services.claims import evidence_link_create, source_create
from annotations.services.consensus import consensus_refit
from annotations.services.consensus_queue import article_queued_key, claim_queued_key
from annotations.services.votes import vote_cast
from tests.factories import AnnotationFactory, ArticleFactory

pytestmark = pytest.mark.django_db

NUMBERS = {
    "votes", "agree", "disagree", "unsure", "agree_share", "wilson_low", "wilson_high", "intercept", "factor",
    "groups", "group_consensus", "divisiveness", "computed_at",
}


@pytest.fixture
def article():
    return ArticleFactory()


@pytest.fixture
def claim(article):
    claim = Claim.objects.create(article=article, quote="The first claim of the article.")
    cache.delete(claim_queued_key(claim.pk))
    yield claim
    cache.delete(claim_queued_key(claim.pk))


def voters(n: int) -> list:
    return [get_user_model().objects.create(username=f"voter{i}") for i in range(n)]


def test_voting_through_the_api_updates_the_claims_consensus(
    user_client, user, claim, api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = user_client.post(f"/api/claims/{claim.pk}/vote/", {"value": "agree"}, format="json")
    assert response.status_code == 200
    assert response.json() == {"claim": claim.pk, "value": "agree", "updated_at": response.json()["updated_at"]}
    body = user_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert body["status"] == "not_enough_votes" and body["up_to_date"] is True
    assert (body["votes"], body["agree"], body["agree_share"], body["your_vote"]) == (1, 1, 1.0, "agree")
    assert body["wilson_low"] == pytest.approx(0.2065, abs=1e-4) and body["wilson_high"] == 1.0

    with django_capture_on_commit_callbacks(execute=True):
        user_client.post(f"/api/claims/{claim.pk}/vote/", {"value": "disagree"}, format="json")
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert (body["votes"], body["agree"], body["disagree"], body["your_vote"]) == (1, 0, 1, None)
    assert Vote.objects.get().value == -1


@pytest.mark.parametrize(
    "payload, status, field",
    [({"value": "maybe"}, 400, "value"), ({}, 400, "value"), ({"value": 1}, 400, "value")],
)
def test_bad_votes_are_refused_naming_the_field(user_client, claim, payload, status, field):
    response = user_client.post(f"/api/claims/{claim.pk}/vote/", payload, format="json")
    assert response.status_code == status and field in response.json() and "detail" in response.json()
    assert not Vote.objects.exists()


def test_voting_needs_an_account_and_a_claim(api_client, user_client, claim):
    assert api_client.post(f"/api/claims/{claim.pk}/vote/", {"value": "agree"}, format="json").status_code == 403
    response = user_client.post("/api/claims/999999/vote/", {"value": "agree"}, format="json")
    assert response.status_code == 404 and "does not exist" in response.json()["detail"]
    assert api_client.get("/api/claims/999999/consensus/").status_code == 404
    assert not Vote.objects.exists()


def test_a_claim_nobody_voted_on_has_no_votes_and_is_up_to_date(api_client, claim):
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert (body["status"], body["up_to_date"], body["votes"], body["groups"]) == ("not_enough_votes", True, 0, [])
    assert body["intercept"] is None and body["previous"] is None
    assert body["thresholds"] == {
        "min_votes": 5, "agree_intercept": 0.4, "max_abs_factor": 0.5, "reject_base": -0.05, "reject_slope": 0.8
    }


def test_an_out_of_date_consensus_is_updating_never_a_stale_number(api_client, user, claim):
    for voter in voters(6):
        vote_cast(user=voter, claim_id=claim.pk, value="agree")
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert (body["status"], body["verdict"], body["up_to_date"]) == ("updating", "Updating", False)
    assert all(body[key] is None for key in NUMBERS) and body["previous"] is None  # never computed
    assert body["updating_since"] is not None

    consensus_refit()
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    row = ClaimConsensus.objects.get(claim=claim)
    assert (body["status"], body["up_to_date"], body["votes"], body["updating_since"]) == (row.status, True, 6, None)
    assert body["intercept"] == row.intercept and body["computed_at"] is not None

    vote_cast(user=user, claim_id=claim.pk, value="disagree")
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert (body["status"], body["up_to_date"]) == ("updating", False)
    assert all(body[key] is None for key in NUMBERS)
    assert body["previous"]["votes"] == 6 and body["previous"]["agree_share"] == 1.0


def test_votes_that_arrived_without_a_consensus_row_show_as_updating(api_client, claim):
    (voter,) = voters(1)
    Vote.objects.create(user=voter, claim=claim, value=1)  # as a bulk load would leave it
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert (body["status"], body["votes"]) == ("updating", None)


def test_the_consensus_view_counts_evidence_and_counter_sources(api_client, user, claim):
    for stance in ("supports", "supports", "refutes"):
        evidence = AnnotationFactory(tag="evidence", author=user)
        evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance=stance)
    source_create(author=user, claim_id=claim.pk, stance="contradicts", url="https://example.org/a", title="A")
    body = api_client.get(f"/api/claims/{claim.pk}/consensus/").json()
    assert (body["evidence_for"], body["evidence_against"]) == (2, 1)
    assert (body["sources_supporting"], body["sources_contradicting"]) == (0, 1)
    assert (body["claim"], body["article"]) == (claim.pk, claim.article_id)


def test_group_shares_appear_after_a_refit(api_client, article):
    claims = [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(8)]
    people = voters(12)
    for i, person in enumerate(people):
        camp = i % 2
        for j, c in enumerate(claims):
            value = "agree" if j == 0 or (j % 2 == camp) else "disagree"
            vote_cast(user=person, claim_id=c.pk, value=value)
    run = consensus_refit()
    assert run.n_groups == 2
    body = api_client.get(f"/api/claims/{claims[1].pk}/consensus/").json()
    shares = sorted(group["share"] for group in body["groups"])
    assert shares == [0.0, 1.0] and sum(g["members"] for g in body["groups"]) == 12
    assert body["divisiveness"] == pytest.approx(7 / 8 - 1 / 8)  # Laplace-smoothed shares 6 of 6, 0 of 6
    assert api_client.get(f"/api/claims/{claims[0].pk}/consensus/").json()["divisiveness"] == 0.0


def _scored(article, n: int) -> list[Claim]:
    claims = [Claim.objects.create(article=article, quote=f"Scored claim {i}.") for i in range(n)]
    for i, c in enumerate(claims[:-1]):  # the last one has no consensus yet
        ClaimConsensus.objects.create(
            claim=c, votes=10 + i, agree_share=[0.5, 0.9, 0.1, 0.7][i], intercept=[0.1, -0.2, 0.45, 0.3][i],
            divisiveness=[0.6, 0.1, 0.3, 0.9][i], computed_at=timezone.now(),
        )
    return claims


@pytest.mark.parametrize(
    "ordering, expected",
    [
        ("-bridging_score", [2, 3, 0, 1, 4]),
        ("bridging_score", [1, 0, 3, 2, 4]),
        ("-agree_share", [1, 3, 0, 2, 4]),
        ("-votes", [3, 2, 1, 0, 4]),
        ("-divisiveness", [3, 0, 2, 1, 4]),
        ("divisiveness", [1, 2, 0, 3, 4]),
    ],
)
def test_claims_are_ordered_by_consensus_with_unscored_ones_last(api_client, article, ordering, expected):
    claims = _scored(article, 5)
    body = api_client.get(f"/api/claims/?ordering={ordering}").json()
    assert [c["id"] for c in body["results"]] == [claims[i].pk for i in expected]


def test_an_unknown_ordering_is_refused(api_client):
    response = api_client.get("/api/claims/?ordering=popularity")
    assert response.status_code == 400 and "ordering" in response.json()


def test_the_corpus_view_ranks_claims_and_finds_repeated_ones(api_client, article):
    claims = _scored(article, 5)
    ClaimConsensus.objects.filter(claim__in=claims).update(status="agreed")
    ClaimConsensus.objects.filter(claim=claims[0]).update(status="divided")  # only agreed claims are listed
    ClaimConsensus.objects.filter(claim=claims[3]).update(dirty=True)
    other = ArticleFactory()
    Claim.objects.create(article=other, quote="  scored CLAIM 0. ")
    body = api_client.get("/api/consensus/?limit=3").json()
    assert [c["id"] for c in body["bridging"]] == [claims[2].pk, claims[3].pk, claims[1].pk]
    assert [c["id"] for c in body["divisive"]] == [claims[3].pk, claims[0].pk, claims[2].pk]
    dirty = body["bridging"][1]
    assert (dirty["status"], dirty["up_to_date"], dirty["intercept"]) == ("updating", False, None)
    assert body["repeated"][0]["articles"] == 2
    assert {c["article"] for c in body["repeated"][0]["claims"]} == {article.pk, other.pk}
    assert body["last_refit"] is None and body["agreement"] is None
    assert api_client.get("/api/consensus/?limit=0").status_code == 400


TEXT = "Agreement Article\nFirst sentence here. Second sentence here. Third one."


def test_an_articles_agreement_is_computed_on_demand(api_client, user):
    article = ArticleFactory(text=TEXT)
    cache.delete(article_queued_key(article.pk))
    bea = get_user_model().objects.create(username="bea")
    for author, tags in ((user, ["claim", "evidence"]), (bea, ["claim", "opinion"])):
        for quote, tag in zip(["First sentence here.", "Second sentence here."], tags, strict=True):
            AnnotationFactory(article=article, author=author, quote=quote, tag=tag)
    first = api_client.get(f"/api/articles/{article.pk}/agreement/").json()
    assert (first["status"], first["up_to_date"], first["alpha"], first["sentences"]) == ("updating", False, None, None)
    # The recompute was queued (and, in these tests, ran at once).
    body = api_client.get(f"/api/articles/{article.pk}/agreement/").json()
    assert (body["status"], body["up_to_date"], body["units"], body["taggers"]) == ("ready", True, 2, 2)
    assert body["alpha"] == pytest.approx(0.4)  # 1 - (n - 1) * 2 / (4² - (2² + 1 + 1)), n = 4
    assert body["reading"] == "unreliable" and body["label_method"] == "majority_vote"
    assert [(s["index"], s["label"], s["taggers"]) for s in body["sentences"]] == [(1, "claim", 2), (2, "evidence", 2)]
    assert body["sentences"][0]["confidence"] == 1.0 and body["sentences"][1]["confidence"] == 0.5
    assert body["corpus"] is None  # no refit yet

    consensus_refit()
    corpus = api_client.get(f"/api/articles/{article.pk}/agreement/").json()["corpus"]
    assert (corpus["units"], corpus["taggers"], corpus["reading"]) == (2, 2, "unreliable")
    assert api_client.get("/api/articles/999999/agreement/").status_code == 404
    cache.delete(article_queued_key(article.pk))


def test_an_article_nobody_tagged_is_up_to_date_with_nothing_to_show(api_client):
    article = ArticleFactory(text=TEXT)
    body = api_client.get(f"/api/articles/{article.pk}/agreement/").json()
    assert (body["status"], body["sentences"], body["units"], body["alpha"]) == ("ready", [], 0, None)


def test_the_schema_documents_the_consensus_endpoints(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    for path in (
        "/api/claims/{claim_id}/vote/", "/api/claims/{claim_id}/consensus/",
        "/api/articles/{article_id}/agreement/", "/api/consensus/",
    ):
        assert path in schema["paths"]
    orderings = next(p for p in schema["paths"]["/api/claims/"]["get"]["parameters"] if p["name"] == "ordering")
    assert "-bridging_score" in orderings["schema"]["items"]["enum"] or "bridging_score" in str(orderings)
