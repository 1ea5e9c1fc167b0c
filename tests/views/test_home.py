"""The home page: what rednote is, the articles as cards with their numbers, search and sorting,
and the claims that bridge viewpoints or divide them."""
import datetime as dt
import re
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations.models import Article, Claim, ClaimConsensus, Vote
from annotations.services.comments import comment_create
from tests.factories import AnnotationFactory, ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("article-list")


def home(client, **params) -> str:
    response = client.get(HOME, params)
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, article) -> str:
    match = re.search(rf'<li class="article-card" data-article-id="{article.pk}">(.*?)</li>', html, re.S)
    assert match, f"no card for article {article.pk}"
    return match.group(1)


def numbers(html: str, article) -> dict[str, int]:
    """The numbers on an article's card: {"claims": 2, "annotations": 3, ...}."""
    found = re.findall(r'data-number="(\w+)"[^>]*>\s*<dt[^>]*>[^<]*</dt>\s*<dd>(\d+)</dd>', card(html, article))
    return {name: int(value) for name, value in found}


def order(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<li class="article-card" data-article-id="(\d+)">', html)]


def claim_on(article, author=None, quote=None) -> Claim:
    return AnnotationFactory(article=article, author=author or UserFactory(), tag="claim", quote=quote).claim


def votes_on(claim, n: int, prefix: str) -> list:
    people = [UserFactory(username=f"{prefix}{i}") for i in range(n)]
    for person in people:
        Vote.objects.create(user=person, claim=claim, value=1)
    return people


def test_the_home_page_says_what_rednote_is_and_how_to_start(client):
    html = home(client)
    intro = html.split('class="intro"', 1)[1].split("</section>", 1)[0]
    assert "rednote" in intro and "claim" in intro and "evidence" in intro
    assert f'href="{reverse("account_signup")}"' in intro
    assert "select a sentence" in intro.lower()


def test_each_card_shows_claims_annotations_votes_people_and_last_activity(client):
    article = ArticleFactory(title="Counted", author="Ann")
    ada, bob = UserFactory(username="ada"), UserFactory(username="bob")
    first = claim_on(article, ada, quote="The first claim of")
    claim_on(article, bob, quote="The first claim of")  # joins the same claim
    claim_on(article, bob, quote="A second sentence follows it.")
    AnnotationFactory(article=article, author=ada, tag="evidence", quote="It ends here.")
    voters = votes_on(first, 3, "voter")
    Vote.objects.create(user=ada, claim=first, value=-1)  # a tagger who also voted counts once
    CommentFactory(claim=first, author=UserFactory(username="carol"))
    CommentFactory(claim=first, author=voters[0])
    html = home(client)
    assert numbers(html, article) == {"claims": 2, "annotations": 4, "votes": 4, "comments": 2, "people": 6}
    shown = card(html, article)
    assert '<a href="/articles/' in shown and "Counted" in shown and "Ann" in shown
    assert re.search(r'title="[^"]*tagged, voted or commented[^"]*"', shown)
    stamp = re.search(r'<time datetime="([^"]+)"[^>]*>([^<]+)</time>', shown.split("Last activity", 1)[1])
    assert dt.datetime.fromisoformat(stamp.group(1)) == Article.objects.get(pk=article.pk).annotations_changed_at
    assert stamp.group(2) == "just now"


def test_an_article_nobody_has_touched_shows_zeros_and_its_creation_as_last_activity(client):
    article = ArticleFactory()
    html = home(client)
    assert numbers(html, article) == {"claims": 0, "annotations": 0, "votes": 0, "comments": 0, "people": 0}
    assert "just now" in card(html, article)


def test_hidden_claims_and_annotations_never_count_for_members_or_anonymous_readers(client):
    article = ArticleFactory()
    visible = claim_on(article, quote="The first claim of")
    hidden = claim_on(article, quote="A second sentence follows it.")
    votes_on(visible, 2, "seen")
    hidden_voters = votes_on(hidden, 3, "unseen")
    CommentFactory(claim=hidden, author=hidden_voters[0])
    hidden_note = AnnotationFactory(article=article, tag="opinion", quote="It ends here.")
    Claim.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    type(hidden_note).objects.filter(pk=hidden_note.pk).update(hidden_at=timezone.now())

    expected = {"claims": 1, "annotations": 2, "votes": 2, "comments": 0, "people": 4}
    assert numbers(home(client), article) == expected
    client.force_login(UserFactory(username="member"))
    assert numbers(home(client), article) == expected
    client.force_login(UserFactory(username="mod", role="moderator"))
    assert numbers(home(client), article) == {"claims": 2, "annotations": 3, "votes": 5, "comments": 1, "people": 8}


def test_search_finds_words_in_the_title_or_the_text(client):
    by_title = ArticleFactory(title="Harbour Wages Rise", text="Dock News\nPay went up this year. Nobody was surprised.")
    by_text = ArticleFactory(title="Port Report", text="Port Report\nThe harbour wages rose by a fifth. Unions cheered.")
    other = ArticleFactory(title="Weather", text="Weather\nIt rained all week. The sun came back on Sunday.")
    assert set(order(home(client, q="harbour wages"))) == {by_title.pk, by_text.pk}
    assert order(home(client, q="UNIONS")) == [by_text.pk]
    assert order(home(client, q="sunday")) == [other.pk]
    html = home(client, q="volcano")
    assert order(html) == [] and "No articles match" in html and "volcano" in html
    assert 'value="volcano"' in html  # the box keeps what was searched


def test_the_cards_sort_by_recent_activity_most_debated_or_newest(client, settings):
    settings.REDNOTE_HOME_FRESH_SECONDS = 0  # each visit reads the corpus' stamps
    oldest = ArticleFactory(title="Oldest")
    middle = ArticleFactory(title="Middle")
    old_claim, middle_claim = claim_on(oldest), claim_on(middle)
    newest = ArticleFactory(title="Newest")
    assert order(home(client)) == [newest.pk, middle.pk, oldest.pk]  # creation and tagging so far

    AnnotationFactory(article=oldest, tag="evidence", quote="It ends here.")  # tagging is activity
    assert order(home(client)) == [oldest.pk, newest.pk, middle.pk]
    votes_on(old_claim, 3, "a")
    talker = UserFactory(username="talker")
    Vote.objects.create(user=talker, claim=middle_claim, value=0)
    for text in ("Why?", "Because.", "Source please."):
        comment_create(author=talker, claim_id=middle_claim.pk, body=text)  # a comment is activity
    assert order(home(client, sort="activity")) == [middle.pk, oldest.pk, newest.pk]

    assert order(home(client, sort="debated")) == [middle.pk, oldest.pk, newest.pk]  # 1 + 3 against 3 + 0
    assert order(home(client, sort="newest")) == [newest.pk, middle.pk, oldest.pk]
    assert order(home(client, sort="nonsense")) == order(home(client))
    assert re.search(r'<option value="debated" selected>', home(client, sort="debated"))


def test_the_pages_keep_the_search_and_the_sort(client):
    for i in range(27):
        ArticleFactory(title=f"Budget note {i}")
    ArticleFactory(title="Unrelated")
    html = home(client, q="budget", sort="newest")
    assert len(order(html)) == 25
    next_link = re.search(r'<a href="\?([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert set(next_link.split("&")) == {"q=budget", "sort=newest", "page=2"}
    second = home(client, q="budget", sort="newest", page=2)
    assert len(order(second)) == 2
    previous = re.search(r'<a href="\?([^"]+)" rel="prev"', second).group(1).replace("&amp;", "&")
    assert set(previous.split("&")) == {"q=budget", "sort=newest", "page=1"}


def consensus(claim, status: str, **numbers) -> ClaimConsensus:
    return ClaimConsensus.objects.create(claim=claim, status=status, computed_at=timezone.now(), votes=12, **numbers)


def section(html: str, kind: str) -> str:
    return html.split(f'data-highlight="{kind}"', 1)[1].split("</div>", 1)[0]


def claim_links(part: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<a href="/claims/(\d+)/">', part)]


def test_above_the_cards_the_claims_that_bridge_viewpoints_and_the_most_divisive(client):
    article = ArticleFactory(
        title="Scored", text="Scored\n" + " ".join(f"Statement {i} is here." for i in range(10))
    )
    claims = [claim_on(article, quote=f"Statement {i} is here.") for i in range(10)]
    for claim, intercept in zip(claims[:4], [0.45, 0.7, 0.5, 0.41], strict=True):
        consensus(claim, "agreed", intercept=intercept, factor=0.1)
    split = zip(claims[4:8], [0.3, 0.9, None, 0.6], [0.1, 0.0, -0.3, 0.2], strict=True)
    for claim, divisiveness, intercept in split:
        consensus(claim, "divided", intercept=intercept, divisiveness=divisiveness)
    consensus(claims[8], "rejected", intercept=-0.6, divisiveness=0.95)
    consensus(claims[9], "not_enough_votes")
    hidden = Claim.objects.filter(pk=claims[1].pk)
    hidden.update(hidden_at=timezone.now())

    html = home(client)
    assert html.index('data-highlight="bridging"') < html.index('class="article-card"')
    assert claim_links(section(html, "bridging")) == [claims[2].pk, claims[0].pk, claims[3].pk]
    assert claim_links(section(html, "divisive")) == [claims[5].pk, claims[7].pk, claims[4].pk]
    assert "Statement 2 is here." in section(html, "bridging") and "Scored" in section(html, "bridging")
    assert f'href="{reverse("consensus")}"' in html and "All consensus →" in html


def test_without_any_verdict_yet_the_section_says_so_in_one_line(client):
    claim = claim_on(ArticleFactory())
    consensus(claim, "not_enough_votes")
    html = home(client)
    assert 'data-highlight="bridging"' not in html
    assert re.search(r'<p class="empty"[^>]*>No claim has[^<]*</p>', html)


def test_the_home_page_takes_the_same_few_queries_however_many_articles(client, django_assert_max_num_queries):
    def populate(n: int, prefix: str) -> None:
        people = [UserFactory(username=f"{prefix}{i}") for i in range(4)]
        for i in range(n):
            article = ArticleFactory()
            claim = claim_on(article, people[i % 4])
            AnnotationFactory(article=article, author=people[(i + 1) % 4], tag="evidence", quote="It ends here.")
            for person in people[:3]:
                Vote.objects.create(user=person, claim=claim, value=1)
            CommentFactory(claim=claim, author=people[3])
            if i % 3 == 0:
                consensus(claim, ["agreed", "divided", "rejected"][i % 3], intercept=0.5, divisiveness=0.2)

    def queries(**params) -> int:
        """Queries of a visit that finds nothing in the cache."""
        caches["reads"].clear()
        with CaptureQueriesContext(connection) as captured:
            home(client, **params)
        return len(captured)

    populate(3, "few")
    few = [queries(sort=sort) for sort in ("activity", "debated", "newest")]
    populate(27, "many")
    caches["reads"].clear()
    with django_assert_max_num_queries(12):
        html = home(client)
    assert len(order(html)) == 25
    assert [queries(sort=sort) for sort in ("activity", "debated", "newest")] == few
    assert queries(q="article") == few[0]
    home(client)
    with django_assert_max_num_queries(3):  # again, nothing changed: the corpus' stamps only
        assert order(home(client)) == order(html)


def test_the_cached_home_page_shows_a_vote_an_annotation_or_a_hidden_comment_at_the_next_visit(client, settings):
    settings.REDNOTE_HOME_FRESH_SECONDS = 0
    from annotations.services.annotations import annotation_create
    from annotations.services.targets import target_load, target_set_hidden, target_touch
    from annotations.services.votes import vote_cast

    article = ArticleFactory()
    claim = claim_on(article)
    comment = comment_create(author=UserFactory(), claim_id=claim.pk, body="A comment.")
    before = numbers(home(client), article)
    assert before["comments"] == 1

    vote_cast(user=UserFactory(), claim_id=claim.pk, value="agree")
    assert numbers(home(client), article)["votes"] == before["votes"] + 1

    sentence = article.current_revision.sentences.order_by("index").last()
    annotation_create(author=UserFactory(), article=article, start=sentence.start, end=sentence.end, tag="opinion")
    assert numbers(home(client), article)["annotations"] == before["annotations"] + 1

    target = target_load("comment", comment.pk)
    target_set_hidden(target, reason="Insults.")
    target_touch(target)
    assert numbers(home(client), article)["comments"] == 0


def test_under_a_stream_of_writes_the_home_page_is_rebuilt_once_per_freshness_interval(client, settings):
    from annotations.services.votes import vote_cast

    settings.REDNOTE_HOME_FRESH_SECONDS = 1
    article = ArticleFactory()
    claim = claim_on(article)
    before = numbers(home(client), article)["votes"]
    vote_cast(user=UserFactory(), claim_id=claim.pk, value="agree")
    with CaptureQueriesContext(connection) as queries:
        assert numbers(home(client), article)["votes"] == before  # the page of a second ago
    assert len(queries) == 0
    time.sleep(1.1)
    assert numbers(home(client), article)["votes"] == before + 1
