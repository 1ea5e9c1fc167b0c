import re

import pytest
from django.urls import reverse

from annotations.models import Sentence, Source
from annotations.services.annotations import annotation_create
from annotations.services.claims import evidence_link_create, source_create
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "Prices And Wages\n"
    "Prices rose by 12% in a year. Wages did not follow. Rents doubled.\n"
    "Critics call the figures misleading."
)


def span(article, index: int) -> tuple[int, int]:
    s = article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index")[index]
    return s.start, s.end


def tag(article, user, index: int, tag: str, note: str = ""):
    start, end = span(article, index)
    return annotation_create(author=user, article=article, start=start, end=end, tag=tag, note=note)


@pytest.fixture
def claim():
    article = ArticleFactory(text=TEXT)
    return tag(article, UserFactory(username="ada"), 1, "claim", note="Not what *I* saw").claim


def test_the_claim_page_shows_the_quote_in_its_paragraph_and_who_tagged_it(client, claim):
    tag(claim.article, UserFactory(username="grace"), 1, "claim")  # joins the same claim
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Prices rose by 12% in a year. <mark class=\"claim-mark\">Wages did not follow.</mark> Rents doubled." in html
    assert "Critics call" not in html  # another paragraph
    taggers = html.split("Tagged as a claim by", 1)[1].split("Evidence", 1)[0]
    assert "ada" in taggers and "grace" in taggers and "Not what <em>I</em> saw" in taggers


def test_the_claim_page_lists_evidence_for_and_against(client, claim):
    other = ArticleFactory(text="Another Report\nWages rose by 2% only. Bonuses were cut. Hiring rose.")
    user = UserFactory()
    for index, stance in [(0, "supports"), (1, "supports"), (2, "refutes")]:
        evidence = tag(other, user, index, "evidence")
        evidence_link_create(author=user, evidence=evidence, claim_id=claim.pk, stance=stance, note=f"note {index}")
    html = client.get(claim.get_absolute_url()).content.decode()
    supports = html.split('data-stance="supports">', 1)[1].split('data-stance="refutes">', 1)[0]
    refutes = html.split('data-stance="refutes">', 1)[1].split('id="sources"', 1)[0]
    assert "For</span> (2)" in supports and "Wages rose by 2% only." in supports and "Bonuses were cut." in supports
    assert "Against</span> (1)" in refutes and "Hiring rose." in refutes and "Bonuses" not in refutes
    assert "Another Report" in supports and "note 2" in refutes


def post_source(client, claim, **data):
    return client.post(reverse("source-create", args=[claim.pk]), data, **HTMX)


def test_attaching_an_external_link_shows_it_among_the_sources(client, claim):
    user = UserFactory(username="linus")
    client.force_login(user)
    response = post_source(
        client, claim, kind="link", url="https://stats.example.org/wages", title="Wage statistics",
        stance="contradicts", note="Table 3",
    )
    html = response.content.decode()
    source = Source.objects.get()
    assert response.status_code == 200
    assert (source.kind, source.url, source.stance, source.author) == ("link", "https://stats.example.org/wages", "contradicts", user)
    assert 'id="sources" class="sources" aria-labelledby="sources-title" hx-swap-oob="true"' in html
    assert '<a href="https://stats.example.org/wages" rel="nofollow noopener noreferrer" class="external">Wage statistics</a>' in html
    page = client.get(claim.get_absolute_url()).content.decode()
    contradicting = page.split('data-stance="contradicts">', 1)[1]
    assert "Wage statistics" in contradicting and "linus" in contradicting and "Table 3" in contradicting


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("javascript:alert(1)", "http:// or https://"),
        ("ftp://files.example.org/x", "http:// or https://"),
        ("https://", "not a valid web address"),
    ],
)
def test_only_http_and_https_links_are_accepted(client, claim, url, message):
    client.force_login(UserFactory())
    response = post_source(client, claim, kind="link", url=url, title="Bad", stance="supports")
    assert response.status_code == 400 and message in response.content.decode()
    assert not Source.objects.exists()


def test_a_link_needs_a_title(client, claim):
    client.force_login(UserFactory())
    response = post_source(client, claim, kind="link", url="https://example.org", title="", stance="supports")
    assert response.status_code == 400 and "This field is required" in response.content.decode()


def test_a_passage_of_another_article_is_found_by_search_and_attached(client, claim):
    other = ArticleFactory(text="Another Report\nOfficial data show wages rose by 2%. Nothing else.")
    client.force_login(UserFactory())
    results = client.get(reverse("passage-search", args=[claim.pk]), {"q": "WAGES rose"}, **HTMX).content.decode()
    picks = re.findall(r'name="passage" value="(\d+):(\d+):(\d+)"', results)
    assert picks and all(int(article_id) == other.pk for article_id, _, _ in picks)  # not the claim's own article
    assert "Official data show wages rose by 2%." in results and "Another Report" in results

    article_id, start, end = picks[0]
    response = post_source(client, claim, kind="passage", passage=f"{article_id}:{start}:{end}", stance="contradicts")
    assert response.status_code == 200
    source = Source.objects.get()
    assert (source.kind, source.passage_article, source.passage_quote) == ("passage", other, "Official data show wages rose by 2%.")
    assert "Official data show wages rose by 2%." in client.get(claim.get_absolute_url()).content.decode()


def test_a_passage_must_be_picked_and_lie_inside_its_article(client, claim):
    client.force_login(UserFactory())
    assert "pick a passage" in post_source(client, claim, kind="passage", passage="", stance="supports").content.decode()
    outside = post_source(client, claim, kind="passage", passage=f"{claim.article_id}:5:99999", stance="supports")
    assert outside.status_code == 400 and "outside the article" in outside.content.decode()
    assert not Source.objects.exists()


def test_visitors_read_the_claim_page_but_must_sign_in_to_attach(client, claim):
    source_create(author=UserFactory(), claim_id=claim.pk, stance="supports", url="https://example.org", title="Seen by all")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "Seen by all" in html and "Sign in</a> to attach a source" in html and 'name="url"' not in html
    response = post_source(client, claim, kind="link", url="https://example.org/2", title="Nope", stance="supports")
    assert response.status_code == 302 and Source.objects.count() == 1


def test_without_htmx_attaching_a_source_returns_to_the_claim_page(client, claim):
    client.force_login(UserFactory())
    response = client.post(
        reverse("source-create", args=[claim.pk]),
        {"kind": "link", "url": "https://example.org", "title": "Plain form", "stance": "supports"},
    )
    assert response.status_code == 302 and response["Location"] == claim.get_absolute_url()
    assert "Plain form" in client.get(claim.get_absolute_url()).content.decode()
