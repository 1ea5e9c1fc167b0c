"""Whole pages for visitors who are not signed in (annotations/views/visitor_cache.py): the home
page, the reader and the claim page come from the reads cache after the first visit, show any
change at the next visit, never reach a signed-in user, and never hold a visitor's own token or
messages."""
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Claim, ConsensusRun, SanctionKind
from annotations.services.annotations import annotation_create, annotation_delete
from annotations.services.claims import evidence_link_create
from annotations.services.comments import comment_create
from annotations.services.consensus import consensus_refit
from annotations.services.revisions import article_revise
from annotations.services.votes import vote_cast
from tests.enforcement_world import OTHER_TEXT
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT
from tests.views.test_suspension import sanction

pytestmark = pytest.mark.django_db


@pytest.fixture
def groups():
    """A refit that found two opinion groups: without one the claim page counts every vote in
    the corpus to say how far the groups are, and is not cached."""
    now = timezone.now()
    return ConsensusRun.objects.create(started_at=now, finished_at=now, n_groups=2, group_sizes=[4, 3])


@pytest.fixture
def claim(groups):
    article = ArticleFactory(text=TEXT)
    return AnnotationFactory(article=article, tag="claim", quote=CRITICS).claim


def visit(client, url: str, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitors_second_look_at_a_claim_page_is_one_query_and_the_same_page(client, claim, django_assert_num_queries):
    url = claim.get_absolute_url()
    first = visit(client, url)
    with django_assert_num_queries(1):  # the page's stamps
        assert visit(client, url) == first


def test_a_visitors_second_look_at_the_reader_is_one_query(client, claim, django_assert_num_queries):
    url = claim.article.get_absolute_url()
    visit(client, url)  # the first visit also has the article's tag agreement computed (a stamp)
    first = visit(client, url)
    with django_assert_num_queries(1):
        assert visit(client, url) == first


def test_a_visitors_second_look_at_the_home_page_reads_only_the_corpus_stamps(client, claim, django_assert_max_num_queries):
    first = visit(client, "/")
    with django_assert_max_num_queries(3):
        assert visit(client, "/") == first


def test_a_comment_a_vote_and_a_new_tagger_reach_the_visitor_at_the_next_visit(client, claim):
    url = claim.get_absolute_url()
    assert "Fix the potholes first." not in visit(client, url)
    comment_create(author=UserFactory(), claim_id=claim.pk, body="Fix the potholes first.")
    assert "Fix the potholes first." in visit(client, url)

    assert "Counting the latest votes" not in visit(client, url)
    vote_cast(user=UserFactory(), claim_id=claim.pk, value="agree")
    assert "Counting the latest votes" in visit(client, url)

    text = claim.article.current_revision.text
    start = text.index(CRITICS)
    annotation_create(author=UserFactory(username="grace"), article=claim.article, start=start,
                      end=start + len(CRITICS), tag="claim")
    assert "grace" in visit(client, url)


def test_evidence_from_another_article_reaches_the_visitor_and_leaves_with_it(client, claim):
    url = claim.get_absolute_url()
    other = ArticleFactory(text=OTHER_TEXT)
    assert "Roads cost little here." not in visit(client, url)
    evidence = AnnotationFactory(article=other, tag="evidence", quote="Roads cost little here.")
    evidence_link_create(author=evidence.author, evidence=evidence, claim_id=claim.pk, stance="refutes")
    assert "Roads cost little here." in visit(client, url)
    annotation_delete(user=evidence.author, annotation=evidence)
    assert not Annotation.objects.filter(pk=evidence.pk).exists()
    assert "Roads cost little here." not in visit(client, url)


def test_a_revised_article_reaches_the_visitor_of_its_reader_at_once(client, claim):
    article = claim.article
    url = article.get_absolute_url()
    assert "Potholes were everywhere" not in visit(client, url)
    article_revise(user=UserFactory(role="moderator"), article=article, text=f"{TEXT}\nPotholes were everywhere last spring.")
    assert "Potholes were everywhere" in visit(client, url)


def test_a_signed_in_member_never_gets_the_visitors_page(client, claim):
    url = claim.get_absolute_url()
    for page in (url, claim.article.get_absolute_url(), "/"):
        assert "Signed in as" not in visit(client, page)
    member = UserFactory(username="ada")
    client.force_login(member)
    for page in (url, claim.article.get_absolute_url(), "/"):
        html = visit(client, page)
        assert "Signed in as <strong>ada</strong>" in html
        assert "X-CSRFToken" in html


def test_a_visitors_page_holds_no_token_and_sets_no_cookie(client, claim):
    for page in (claim.get_absolute_url(), claim.article.get_absolute_url(), "/"):
        response = client.get(page)
        assert "X-CSRFToken" not in response.content.decode()
        assert "csrfmiddlewaretoken" not in response.content.decode()
        assert not response.cookies
        assert "Cookie" in response["Vary"]  # a shared HTTP cache must not hand it to a member
        again = client.get(page)  # from the cache: the same headers
        assert "Cookie" in again["Vary"] and "Content-Security-Policy" in again


def test_a_message_waiting_for_a_visitor_is_shown_on_a_cached_page(client, claim):
    member = UserFactory()
    visit(client, "/")  # cached for visitors
    client.force_login(member)
    response = client.post(reverse("account_logout"), follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "You have signed out." in response.content.decode()
    assert "You have signed out." not in visit(client, "/")  # shown once


def test_a_suspended_member_signed_out_on_a_cached_page_is_told_why(client, claim):
    visit(client, "/")  # cached for visitors
    member = UserFactory()
    client.force_login(member)
    sanction(member, SanctionKind.SUSPENSION)
    page = visit(client, "/")
    assert "Your account is suspended until" in page and "Sign in" in page


def test_parameters_a_page_does_not_read_are_not_cached(client, claim, django_assert_max_num_queries):
    url = claim.get_absolute_url()
    visit(client, url, utm_source="newsletter")
    with django_assert_max_num_queries(30) as counted:
        visit(client, url, utm_source="newsletter")
    assert len(counted) > 1  # built afresh


def test_the_thread_filter_is_cached_per_choice(client, claim):
    url = claim.get_absolute_url()
    comment_create(author=UserFactory(), claim_id=claim.pk, body="I support it.", side="supports")
    comment_create(author=UserFactory(), claim_id=claim.pk, body="I oppose it.", side="opposes")
    assert "I oppose it." in visit(client, url)
    only_support = visit(client, url, filter_side="supports")
    assert "I support it." in only_support and "I oppose it." not in only_support
    assert "I oppose it." in visit(client, url, filter_side="opposes")


def test_without_opinion_groups_the_claim_page_counts_votes_live_for_visitors(client, groups):
    groups.delete()
    article = ArticleFactory(text=TEXT)
    claims = [Claim.objects.create(article=article, quote=f"Group claim {i}.") for i in range(8)]
    vote_cast(user=UserFactory(), claim_id=claims[0].pk, value="agree")
    assert consensus_refit().group_sizes == []
    url = claims[0].get_absolute_url()
    assert votes_needed(visit(client, url)) == "20 more votes"
    vote_cast(user=UserFactory(), claim_id=claims[7].pk, value="agree")  # on another claim
    assert votes_needed(visit(client, url)) == "19 more votes"


def votes_needed(html: str) -> str:
    return re.search(r'<strong class="votes-needed">([^<]+)</strong>', html).group(1)
