"""Races on PostgreSQL, each side in its own thread with its own connection: two moderators
resolving one item (exactly one applies, the other is told, one audit row), and two people
flagging a new item at once (both flags count, one queue item)."""
import pytest
from django.db import connection

from annotations.models import Flag, ModerationAction, QueueItem, QueueState
from annotations.services.flags import flag_create
from annotations.services.moderation import StaleVersion, queue_item_resolve
from tests.concurrency import run_together
from tests.factories import ThreadCommentFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def test_two_moderators_resolving_one_item_at_once(personas):
    comment = ThreadCommentFactory()
    flag_create(flagger=UserFactory(), target_type="comment", target_id=comment.pk, reason="spam")
    item = QueueItem.objects.get()
    seen = item.version

    def act(moderator, action):
        return lambda: queue_item_resolve(
            moderator=moderator, item_id=item.pk, action=action, reason="Seen it.", version=seen
        )

    outcomes = run_together(act(personas["moderator"], "hide"), act(personas["admin"], "dismiss"))
    applied = [o for o in outcomes if isinstance(o, QueueItem)]
    stale = [o for o in outcomes if isinstance(o, StaleVersion)]
    assert len(applied) == 1 and len(stale) == 1, outcomes
    assert stale[0].item.state == applied[0].state != QueueState.OPEN
    assert ModerationAction.objects.count() == 1
    item.refresh_from_db()
    assert item.version == seen + 1
    comment.refresh_from_db()
    assert (comment.hidden_at is not None) == (item.state == QueueState.HIDDEN)


def test_two_first_flags_at_once_make_one_queue_item():
    for _ in range(3):
        comment = ThreadCommentFactory()
        people = UserFactory.create_batch(2)
        outcomes = run_together(*(
            lambda person=person, target_id=comment.pk: flag_create(
                flagger=person, target_type="comment", target_id=target_id, reason="spam"
            )
            for person in people
        ))
        assert all(isinstance(o, Flag) for o in outcomes), outcomes
        item = QueueItem.objects.get(target_id=comment.pk)
        assert item.flaggers == 2 and item.flags.count() == 2
