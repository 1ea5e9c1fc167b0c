"""The claim page's cached parts (claim_page in annotations/selectors/reader.py): the claim in
its paragraph, who tagged it and its sources come from the reads cache while its article's
stamps stay put, change at the next request after a write, and never carry one viewer's hidden
items to another; its evidence, which lives in other articles, is always read."""
import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from annotations.models import Article, QueueItem
from annotations.services.annotations import annotation_create
from annotations.services.claims import source_create
from annotations.services.flags import flag_create
from annotations.services.moderation import queue_item_resolve
from tests.enforcement_world import build_world
from tests.factories import UserFactory
from tests.samples import CRITICS

pytestmark = pytest.mark.django_db


@pytest.fixture
def author():
    return UserFactory(username="author")


@pytest.fixture
def world(author):
    return build_world(author)


def hide_as_moderator(target_type: str, item) -> None:
    flag_create(flagger=UserFactory(), target_type=target_type, target_id=item.pk, reason="spam")
    queued = QueueItem.objects.get(target_type=target_type, target_id=item.pk)
    queue_item_resolve(
        moderator=UserFactory(role="moderator"), item_id=queued.pk, action="hide", reason="Spam.", version=queued.version
    )


def claim_page(client, world) -> str:
    response = client.get(world.claim.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_a_new_tagger_and_a_new_source_appear_at_the_next_request(client, world):
    assert "A report" in claim_page(client, world)
    grace = UserFactory(username="grace")
    text = world.article.current_revision.text
    start = text.index(CRITICS)
    annotation_create(author=grace, article=world.article, start=start, end=start + len(CRITICS), tag="claim")
    source_create(author=grace, claim_id=world.claim.pk, stance="supports", url="https://example.org/b", title="B study")
    page = claim_page(client, world)
    assert "grace" in page and "B study" in page


def test_a_hidden_source_is_gone_for_members_at_once_and_stays_for_its_author(client, world, author):
    assert "A report" in claim_page(client, world)
    client.force_login(UserFactory())
    assert "A report" in claim_page(client, world)
    hide_as_moderator("source", world.source)
    assert "A report" not in claim_page(client, world)
    client.logout()
    assert "A report" not in claim_page(client, world)
    client.force_login(author)
    assert "A report" in claim_page(client, world)
    client.force_login(UserFactory())  # after the author's view was cached
    assert "A report" not in claim_page(client, world)


def test_hidden_evidence_from_another_article_is_gone_at_once(client, world):
    quote = "Roads cost little here."
    assert quote in claim_page(client, world)
    before = Article.objects.get(pk=world.article.pk).annotations_changed_at
    hide_as_moderator("annotation", world.evidence)
    assert quote not in claim_page(client, world)
    # The claim's own article moved too, so its page's live poll knows.
    assert Article.objects.get(pk=world.article.pk).annotations_changed_at > before


def test_an_unchanged_claim_page_reads_neither_taggers_nor_sources(client, world):
    caches["reads"].clear()
    with CaptureQueriesContext(connection) as cold:
        claim_page(client, world)
    assert [q for q in cold.captured_queries if q["sql"].startswith('SELECT "annotations_source"."id"')]
    with CaptureQueriesContext(connection) as queries:
        claim_page(client, world)
    sqls = [" ".join(query["sql"].split()) for query in queries.captured_queries]
    for table in ("annotations_source", "annotations_annotation", "annotations_revision"):
        assert not [sql for sql in sqls if sql.startswith(f'SELECT "{table}"."id"')], table
    assert [sql for sql in sqls if sql.startswith('SELECT "annotations_evidencelink"."id"')]  # always read
