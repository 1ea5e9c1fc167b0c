"""The reader page's cached parts (Reader in annotations/selectors/articles.py): its text with the
sentences' markers and its annotation layer come from the reads cache while the article's stamps
stay put, change at the next request after any write, and never carry one viewer's hidden items
to another."""
import json
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import QueueItem
from annotations.services.flags import flag_create
from annotations.services.moderation import queue_item_resolve
from annotations.services.revisions import article_revise
from annotations.services.votes import vote_cast
from tests.factories import AnnotationFactory, ArticleFactory, UserFactory
from tests.samples import CRITICS, TEXT

pytestmark = pytest.mark.django_db

SUPPORTERS = "Supporters reply that repairs are overdue."


@pytest.fixture
def article():
    return ArticleFactory(text=TEXT)


def page(client, article) -> tuple[dict, str]:
    """The reader's annotation layer and its text (the reader body)."""
    html = client.get(article.get_absolute_url()).content.decode()
    found = re.search(r'<script id="annotation-data" type="application/json">(.*?)</script>', html, re.S)
    body = html[html.index('id="reader-body"') :]
    return json.loads(found.group(1)), body


def shown(client, article) -> list[int]:
    return [a["id"] for a in page(client, article)[0]["annotations"]]


def signed_in(client, user):
    client.force_login(user)
    return client


def hide_as_moderator(annotation) -> None:
    flag_create(flagger=UserFactory(), target_type="annotation", target_id=annotation.pk, reason="spam")
    item = QueueItem.objects.get(target_type="annotation", target_id=annotation.pk)
    queue_item_resolve(
        moderator=UserFactory(role="moderator"), item_id=item.pk, action="hide", reason="Spam.", version=item.version
    )


def test_a_new_annotation_and_its_marker_appear_at_the_next_request(client, article):
    first = AnnotationFactory(article=article, quote=CRITICS, tag="claim")
    layer, body = page(client, article)
    assert [a["id"] for a in layer["annotations"]] == [first.pk] and 'data-short="O1"' not in body
    second = AnnotationFactory(article=article, quote=SUPPORTERS, tag="opinion")
    layer, body = page(client, article)
    assert [a["id"] for a in layer["annotations"]] == [first.pk, second.pk]
    assert 'data-short="C1"' in body and 'data-short="O1"' in body


def test_a_hidden_annotation_is_gone_for_members_at_once(client, article):
    author, member, moderator = UserFactory(), UserFactory(), UserFactory(role="moderator")
    annotation = AnnotationFactory(article=article, author=author, quote=CRITICS, tag="claim")
    assert shown(client, article) == [annotation.pk]  # anonymous, cached
    assert shown(signed_in(client, member), article) == [annotation.pk]
    hide_as_moderator(annotation)
    layer, body = page(client, article)
    assert layer["annotations"] == [] and layer["markers"] == {} and 'data-short="C1"' not in body
    client.logout()
    assert shown(client, article) == []
    assert shown(signed_in(client, author), article) == [annotation.pk]
    assert shown(signed_in(client, moderator), article) == [annotation.pk]


def test_an_authors_view_of_their_hidden_annotation_never_reaches_anyone_else(client, article):
    author = UserFactory()
    annotation = AnnotationFactory(article=article, author=author, quote=CRITICS, tag="claim")
    hide_as_moderator(annotation)
    layer, body = page(signed_in(client, author), article)  # cached first, for the author
    assert [a["id"] for a in layer["annotations"]] == [annotation.pk] and 'data-short="C1"' in body
    layer, body = page(signed_in(client, UserFactory()), article)
    assert layer["annotations"] == [] and 'data-short="C1"' not in body
    client.logout()
    assert shown(client, article) == []


def test_a_vote_shows_its_claim_updating_at_the_next_request(client, article):
    annotation = AnnotationFactory(article=article, quote=CRITICS, tag="claim")
    assert page(client, article)[0]["claims"] == {str(annotation.claim_id): "not_enough_votes"}
    vote_cast(user=UserFactory(), claim_id=annotation.claim_id, value="agree")
    assert page(client, article)[0]["claims"] == {str(annotation.claim_id): "updating"}


def test_a_revision_shows_its_text_at_the_next_request(client):
    creator = UserFactory()
    article = ArticleFactory(text=TEXT, created_by=creator)
    assert "far too expensive" in page(client, article)[1]
    article_revise(article=article, text="Budget Vote\nThe plan is cheap after all. Nobody minds.", user=creator)
    body = page(client, article)[1]
    assert "cheap after all" in body and "far too expensive" not in body


def test_an_unchanged_page_reads_neither_sentences_nor_annotations(client, article):
    for quote in (CRITICS, SUPPORTERS):
        AnnotationFactory(article=article, quote=quote, tag="claim")
    page(client, article)  # the first reader also queues the tag agreement
    caches["reads"].clear()
    with CaptureQueriesContext(connection) as cold:
        first = page(client, article)
    with CaptureQueriesContext(connection) as warm:
        again = page(client, article)
    assert again == first
    sentences, layer = 'SELECT "annotations_sentence"', 'SELECT "annotations_annotation"."id" AS "id"'
    for queries, expected in ((cold, True), (warm, False)):
        sqls = [" ".join(query["sql"].split()) for query in queries.captured_queries]
        assert any(sql.startswith(sentences) for sql in sqls) is expected
        assert any(sql.startswith(layer) for sql in sqls) is expected


def consensus_section(client, article) -> str:
    html = client.get(article.get_absolute_url()).content.decode()
    return html[html.index('id="article-consensus"') : html.index("</section>", html.index('id="article-consensus"'))]


def test_the_consensus_section_counts_a_new_claim_and_shows_the_agreement_once_computed(client, article):
    AnnotationFactory(article=article, quote=CRITICS, tag="claim")
    first = consensus_section(client, article)  # queues the tag agreement, which runs at once here
    assert "1 claim" in first and "updating…" in first
    assert "updating…" not in consensus_section(client, article)
    AnnotationFactory(article=article, quote=SUPPORTERS, tag="claim")
    assert "2 claims" in consensus_section(client, article)
