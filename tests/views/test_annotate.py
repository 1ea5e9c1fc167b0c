import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import AnchorState, Annotation, AnnotationEdit, Article, Claim, Sentence
from annotations.services.annotations import annotation_create, article_touch
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "Prices And Wages\n"
    "Prices rose by 12% in a year. Wages did not follow.\n"
    "Critics call the figures misleading. Supporters disagree."
)


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def sentences(article: Article) -> list[Sentence]:
    return list(article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index"))


def tag(article, user, index: int, tag: str, note: str = "") -> Annotation:
    s = sentences(article)[index]
    return annotation_create(author=user, article=article, start=s.start, end=s.end, tag=tag, note=note)


def layer_data(html: str) -> dict:
    found = re.search(r'<script id="annotation-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def _panel(client, article, start, end, **filters):
    params = {"start": start, "end": end, **filters}
    return client.get(reverse("annotation-panel", args=[article.pk]), params, **HTMX).content.decode()


def delta_data(html: str) -> dict:
    found = re.search(r'<script id="annotation-delta-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def post_tag(client, article, start, end, tag, **extra):
    data = {"start": start, "end": end, "tag": tag, "revision": article.current_revision.number, **extra}
    return client.post(reverse("annotation-create", args=[article.pk]), data, **HTMX)


def test_tagging_a_sentence_saves_it_and_sends_back_what_to_draw(client, article):
    client.force_login(UserFactory(username="ada"))
    first = sentences(article)[0]
    response = post_tag(client, article, first.start, first.end, "claim", quote="Prices rose by 12% in a year.")
    annotation = Annotation.objects.get()
    assert response.status_code == 200
    assert (annotation.tag, annotation.exact, annotation.claim.quote) == (
        "claim", "Prices rose by 12% in a year.", "Prices rose by 12% in a year."
    )
    html = response.content.decode()
    assert delta_data(html) == {
        "revision": 1,
        "annotation": {"id": annotation.pk, "start": first.start, "end": first.end, "tag": "claim", "author": "ada", "claim": annotation.claim_id},
        "markers": {str(first.pk): ["C1", "1 claim"]},
    }
    assert "Saved as claim" in html

    panel = _panel(client, article, first.start, first.end, fresh=annotation.pk)
    assert "ada" in panel and f'href="/claims/{annotation.claim_id}/"' in panel
    assert f'<details class="edit" id="edit-{annotation.pk}" open>' in panel  # the note form of what was just tagged


def test_a_passage_spanning_two_paragraphs_is_saved_once_its_quote_checks_out(client, article):
    client.force_login(UserFactory())
    _, second, third, _ = sentences(article)
    quote = "Wages did not follow.\nCritics call"
    start = second.start
    response = post_tag(client, article, start, start + len(quote), "evidence", quote=quote)
    assert response.status_code == 200
    assert Annotation.objects.get().exact == quote
    markers = delta_data(response.content.decode())["markers"]
    assert markers == {str(second.pk): ["E1", "1 evidence"], str(third.pk): ["E1", "1 evidence"]}


def test_a_quote_that_does_not_match_the_text_is_refused_with_a_message(client, article):
    client.force_login(UserFactory())
    first = sentences(article)[0]
    response = post_tag(client, article, first.start, first.end, "claim", quote="Prices fell.")
    assert response.status_code == 400
    assert "does not match" in response.content.decode()
    assert response["HX-Retarget"] == "#reader-status"
    assert not Annotation.objects.exists()


def test_anonymous_visitors_cannot_annotate(client, article):
    first = sentences(article)[0]
    response = post_tag(client, article, first.start, first.end, "claim")
    assert response.status_code == 403 and "Sign in" in response.content.decode()
    assert not Annotation.objects.exists()


def test_the_reader_shows_how_many_people_tagged_each_sentence_and_as_what(client, article):
    ada, grace, alan = UserFactory(), UserFactory(), UserFactory()
    tag(article, ada, 0, "claim")
    tag(article, grace, 0, "claim")
    tag(article, alan, 0, "evidence")
    both = sentences(article)[:2]  # the same person twice on the first sentence counts once
    annotation_create(author=alan, article=article, start=both[0].start, end=both[1].end, tag="evidence")
    html = client.get(article.get_absolute_url()).content.decode()
    first = sentences(article)[0]
    marker = re.search(rf'data-sentence-id="{first.pk}"[^>]*>[^<]*</span><sup class="marker"[^>]*title="([^"]+)"><span aria-hidden="true">([^<]+)<', html)
    assert marker.groups() == ("2 claim, 1 evidence", "C2 E1")
    assert len(layer_data(html)["annotations"]) == 4


def test_the_panel_lists_the_annotations_on_the_selection_with_filters(client, article):
    ada, grace = UserFactory(username="ada"), UserFactory(username="grace")
    tag(article, ada, 0, "claim", note="Ada's *claim*")
    tag(article, grace, 0, "opinion", note="Grace's opinion")
    tag(article, grace, 2, "evidence", note="Elsewhere")
    first = sentences(article)[0]
    client.force_login(ada)

    everything = _panel(client, article, first.start, first.end)
    assert "Ada's <em>claim</em>" in everything and "Grace's opinion" in everything
    assert "Elsewhere" not in everything
    only_opinions = _panel(client, article, first.start, first.end, show_tag="opinion")
    assert "Grace's opinion" in only_opinions and "Ada's" not in only_opinions
    by_grace = _panel(client, article, first.start, first.end, show_author="grace")
    assert "Grace's opinion" in by_grace and "Ada's" not in by_grace
    mine = _panel(client, article, first.start, first.end, mine="on")
    assert "Ada's" in mine and "Grace's opinion" not in mine
    assert "1 of 2" in mine


def test_notes_are_shown_sanitised(client, article):
    note = '<script>alert(1)</script> <a href="javascript:alert(2)">y</a> [z](javascript:alert(3)) [ok](https://example.org)'
    tag(article, UserFactory(), 0, "opinion", note=note)
    first = sentences(article)[0]
    html = _panel(client, article, first.start, first.end)
    shown = re.search(r'<div class="note">(.*?)</div>', html, re.S).group(1)
    assert "<script" not in shown and "&lt;script&gt;" in shown  # shown as text, never run
    assert re.findall(r"<a [^>]*>", shown) == ['<a href="https://example.org" rel="nofollow noopener noreferrer">']


def test_authors_edit_their_annotations_and_keep_a_history_only_they_can_see(client, article):
    ada, grace = UserFactory(username="ada"), UserFactory(username="grace")
    annotation = tag(article, ada, 0, "claim", note="First thought")
    first = sentences(article)[0]
    client.force_login(ada)
    response = client.post(
        reverse("annotation-edit", args=[annotation.pk]),
        {"tag": "evidence", "note": "Second **thought**", "start": first.start, "end": first.end},
        **HTMX,
    )
    html = response.content.decode()
    annotation.refresh_from_db()
    assert response.status_code == 200
    assert (annotation.tag, annotation.note, annotation.claim) == ("evidence", "Second **thought**", None)
    assert "Second <strong>thought</strong>" in html
    assert layer_data(html)["annotations"][0]["tag"] == "evidence"
    assert "History (1 edit)" in html and "First thought" in html
    assert AnnotationEdit.objects.get().note == "First thought"
    assert not Claim.objects.exists()  # nobody tags it as a claim any more

    client.force_login(grace)
    others_view = _panel(client, article, first.start, first.end)
    assert "Second <strong>thought</strong>" in others_view
    assert "History" not in others_view and "First thought" not in others_view
    assert "Delete" not in others_view and 'name="note"' not in others_view


def test_others_cannot_edit_or_delete_an_annotation(client, article):
    annotation = tag(article, UserFactory(), 0, "claim", note="Mine")
    client.force_login(UserFactory())
    edit = client.post(reverse("annotation-edit", args=[annotation.pk]), {"tag": "opinion", "note": "Hijacked"}, **HTMX)
    delete = client.post(reverse("annotation-delete", args=[annotation.pk]), **HTMX)
    assert edit.status_code == delete.status_code == 403
    annotation.refresh_from_db()
    assert (annotation.tag, annotation.note) == ("claim", "Mine")


def test_authors_delete_their_annotations(client, article):
    user = UserFactory()
    annotation = tag(article, user, 0, "claim")
    first = sentences(article)[0]
    client.force_login(user)
    response = client.post(
        reverse("annotation-delete", args=[annotation.pk]), {"start": first.start, "end": first.end}, **HTMX
    )
    assert response.status_code == 200
    assert not Annotation.objects.exists() and not Claim.objects.exists()
    html = response.content.decode()
    assert layer_data(html)["annotations"] == [] and "Nobody has annotated this yet" in html


def test_evidence_is_linked_to_a_claim_of_another_article_found_by_search(client, article):
    user = UserFactory()
    other = ArticleFactory(text="Other Article\nThe economy is booming everywhere. Really.")
    claim = tag(other, UserFactory(), 0, "claim").claim
    evidence = tag(article, user, 0, "evidence")
    client.force_login(user)

    found = client.get(reverse("claim-search"), {"q": "BOOMING"}, **HTMX).content.decode()
    assert f'name="claim" value="{claim.pk}"' in found and "Other Article" in found
    assert "No claim matches" in client.get(reverse("claim-search"), {"q": "nowhere"}, **HTMX).content.decode()

    first = sentences(article)[0]
    response = client.post(
        reverse("evidence-link-create", args=[evidence.pk]),
        {"claim": claim.pk, "stance": "refutes", "note": "Prices say otherwise.", "start": first.start, "end": first.end},
        **HTMX,
    )
    assert response.status_code == 200
    link = claim.evidence_links.get()
    assert (link.evidence, link.stance, link.author) == (evidence, "refutes", user)
    assert "Refutes" in response.content.decode() and "The economy is booming" in response.content.decode()


def test_live_updates_answer_204_until_someone_else_annotates(client, article):
    client.force_login(UserFactory())
    url = reverse("article-live", args=[article.pk])
    since = re.search(r'id="live-since" name="since" value="([\d-]+)"', client.get(article.get_absolute_url()).content.decode()).group(1)
    assert client.get(url, {"since": since}, **HTMX).status_code == 204

    tag(article, UserFactory(username="grace"), 1, "opinion")
    first = sentences(article)[1]
    response = client.get(url, {"since": since, "start": first.start, "end": first.end}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert [a["author"] for a in layer_data(html)["annotations"]] == ["grace"]
    assert 'id="panel" class="panel" aria-labelledby="panel-title" hx-swap-oob="true"' in html and "grace" in html
    new_since = re.search(r'id="live-since" name="since" value="([\d-]+)"', html).group(1)
    assert new_since != since
    assert client.get(url, {"since": new_since}, **HTMX).status_code == 204


def _bulk_annotate(article: Article, count: int, users) -> None:
    """`count` annotations over the article's sentences, quickly (as the service would store them)."""
    revision = article.current_revision
    spans = sentences(article)
    tags = ["claim", "evidence", "opinion"]
    Annotation.objects.bulk_create(
        Annotation(
            article=article, revision=revision, anchored_revision=revision, author=users[i % len(users)],
            tag=tags[i % 3], selector_start=spans[i % len(spans)].start, selector_end=spans[i % len(spans)].end,
            start=spans[i % len(spans)].start, end=spans[i % len(spans)].end,
            exact=revision.text[spans[i % len(spans)].start : spans[i % len(spans)].end],
        )
        for i in range(count)
    )
    article_touch(article_id=article.pk)  # as the service does: readers see the change


def test_the_reader_makes_as_many_queries_for_200_annotations_as_for_10(client, article, django_assert_num_queries):
    users = [UserFactory() for _ in range(5)]
    client.force_login(users[0])
    _bulk_annotate(article, 10, users)
    caches["reads"].clear()  # both pages built afresh (see tests/views/test_reader_cached.py)
    with CaptureQueriesContext(connection) as few:
        assert client.get(article.get_absolute_url()).status_code == 200
    _bulk_annotate(article, 190, users)
    caches["reads"].clear()
    with django_assert_num_queries(len(few)):
        html = client.get(article.get_absolute_url()).content.decode()
    assert len(layer_data(html)["annotations"]) == 200


def test_the_creator_revises_the_text_and_lost_annotations_are_listed_as_orphans(client):
    creator = UserFactory()
    article = ArticleFactory(text=TEXT, created_by=creator)
    kept = tag(article, UserFactory(), 0, "claim", note="Still here")
    lost = tag(article, UserFactory(username="grace"), 2, "opinion", note="About the critics")
    url = reverse("article-revise", args=[article.pk])

    client.force_login(creator)
    form = client.get(url).content.decode()
    assert "Prices rose by 12% in a year." in form and "<textarea" in form
    new_text = "Prices And Wages\nPrices rose by 12% in a year. Wages did not follow.\nSupporters disagree."
    response = client.post(url, {"text": new_text})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    article.refresh_from_db()
    assert article.current_revision.number == 2 and article.revisions.count() == 2
    kept.refresh_from_db()
    lost.refresh_from_db()
    assert kept.anchor_state == AnchorState.ANCHORED and lost.anchor_state == AnchorState.ORPHANED

    html = client.get(article.get_absolute_url()).content.decode()
    orphans = html.split("Orphaned annotations", 1)[1]
    assert "Critics call the figures misleading." in orphans and "grace" in orphans and "About the critics" in orphans
    assert [a["id"] for a in layer_data(html)["annotations"]] == [kept.pk]


def test_only_the_creator_and_moderators_may_revise(client):
    article = ArticleFactory(text=TEXT, created_by=UserFactory())
    url = reverse("article-revise", args=[article.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(UserFactory())
    assert client.get(url).status_code == 403
    assert client.post(url, {"text": "Something else entirely."}).status_code == 403
    assert "Revise the text" not in client.get(article.get_absolute_url()).content.decode()
    client.force_login(UserFactory(role="moderator"))
    assert client.get(url).status_code == 200
    assert "Revise the text" in client.get(article.get_absolute_url()).content.decode()


def test_an_unchanged_revision_is_refused_with_a_message(client):
    creator = UserFactory()
    article = ArticleFactory(text=TEXT, created_by=creator)
    client.force_login(creator)
    response = client.post(reverse("article-revise", args=[article.pk]), {"text": article.current_revision.text})
    assert response.status_code == 400 and "unchanged" in response.content.decode()
