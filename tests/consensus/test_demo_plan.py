"""The demo plan: readers in two camps and a few undecided, and votes that make a refit find
opinion groups and claims agreed across viewpoints, divided and rejected."""
import random
from collections import Counter

import numpy as np
import pytest

from annotations.consensus import bridging, groups
from annotations.consensus.demo_plan import ArticleSentences, Camp, Verdict, demo_plan, demo_readers

VALUES = {"agree": 1, "disagree": -1, "unsure": 0}


def corpus(seed: int = 0, sizes=(90, 30, 70, 25, 18)) -> list[ArticleSentences]:
    rng = random.Random(seed)
    articles, next_id = [], 1
    for number, size in enumerate(sizes):
        sentences = [(next_id + i, "Word " * rng.randint(3, 60) + rng.choice(".:")) for i in range(size)]
        next_id += size
        articles.append(ArticleSentences(key=f"article-{seed}-{number}", sentences=sentences))
    return articles


def refit(plan):
    users = {reader.username: i for i, reader in enumerate(plan.readers)}
    claims = {claim.sentence_id: i for i, claim in enumerate(plan.claims)}
    u = np.array([users[v.username] for v in plan.votes])
    c = np.array([claims[v.claim_sentence_id] for v in plan.votes])
    y = np.array([VALUES[v.value] for v in plan.votes])
    rated = y != 0
    fit = bridging.fit(u[rated], c[rated], (y[rated] == 1).astype(float), n_users=len(users), n_claims=len(claims))
    statuses = bridging.statuses(fit.claim_intercept, fit.claim_factor, np.bincount(c[rated], minlength=len(claims)))
    labels = groups.opinion_groups(u, c, y, n_users=len(users), n_claims=len(claims))
    return statuses, labels


def test_forty_readers_in_two_camps_and_a_few_undecided():
    readers = demo_readers(40)
    assert [r.username for r in readers[:2]] == ["demo-reader-01", "demo-reader-02"]
    assert Counter(r.camp for r in readers) == {Camp.A: 18, Camp.B: 18, Camp.UNDECIDED: 4}


@pytest.mark.parametrize("seed", range(4))
def test_a_refit_of_the_plan_finds_two_groups_and_every_verdict(seed):
    plan = demo_plan(corpus(seed), readers=40)
    statuses, labels = refit(plan)
    assert set(statuses) == {"agreed", "divided", "rejected", "not_enough_votes"}
    assert np.bincount(labels[labels >= 0]).size == 2
    # The camps are the groups: every camp member sits with their camp.
    camp_of = [reader.camp for reader in plan.readers]
    for camp in (Camp.A, Camp.B):
        assert len({labels[i] for i, c in enumerate(camp_of) if c is camp}) == 1
    # And most claims get the verdict their votes were drawn for.
    intended = {Verdict.AGREED: "agreed", Verdict.DIVIDED: "divided", Verdict.REJECTED: "rejected",
                Verdict.FEW_VOTES: "not_enough_votes"}
    hits = sum(intended[claim.verdict] == status for claim, status in zip(plan.claims, statuses, strict=True))
    assert hits >= 0.9 * len(plan.claims)


def test_the_same_corpus_gives_the_same_plan_and_a_new_article_changes_no_other():
    articles = corpus()
    first = demo_plan(articles)
    assert demo_plan(articles) == first
    more = demo_plan([*articles, *corpus(seed=9, sizes=(40,))])
    assert set(first.claims) < set(more.claims)
    assert set(first.votes) < set(more.votes)


def test_claims_are_whole_statements():
    articles = corpus()
    text = {sid: t for a in articles for sid, t in a.sentences}
    claims = demo_plan(articles).claims
    assert claims and all(text[c.sentence_id].endswith(".") and 50 <= len(text[c.sentence_id]) <= 320 for c in claims)


def test_evidence_sits_beside_its_claim_and_divided_claims_have_both_sides():
    articles = corpus()
    plan = demo_plan(articles)
    article_of = {sid: a.key for a in articles for sid, _ in a.sentences}
    claim_ids = {claim.sentence_id for claim in plan.claims}
    stances = {claim.sentence_id: set() for claim in plan.claims}
    for annotation in plan.annotations:
        assert annotation.sentence_id not in claim_ids
        if annotation.tag == "evidence":
            assert article_of[annotation.sentence_id] == article_of[annotation.claim_sentence_id]
            stances[annotation.claim_sentence_id].add(annotation.stance)
    for claim in plan.claims:
        if claim.verdict is Verdict.DIVIDED:
            assert stances[claim.sentence_id] == {"supports", "refutes"}
