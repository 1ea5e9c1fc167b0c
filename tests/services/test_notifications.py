import pytest
from django.contrib.auth.models import AnonymousUser

from annotations.models import Notification
from annotations.policy import NotAllowed, Refusal
from annotations.services.notifications import (
    notification_open,
    notifications_mark_read,
    notify_each,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_telling_several_people_tells_each_once_and_never_the_actor():
    actor, ada, bea = UserFactory(), UserFactory(), UserFactory()
    told = notify_each(recipient_ids=[ada.pk, bea.pk, ada.pk, actor.pk], kind="activity", message="m", actor=actor)
    assert told == 2
    assert sorted(Notification.objects.values_list("recipient_id", flat=True)) == sorted([ada.pk, bea.pk])


def test_marking_read_touches_only_ones_own_unread_notifications():
    ada, bea = UserFactory(), UserFactory()
    mine = [Notification.objects.create(recipient=ada, kind="reply", message=str(n)) for n in range(3)]
    theirs = Notification.objects.create(recipient=bea, kind="reply", message="b")
    assert notifications_mark_read(user=ada, ids=[mine[0].pk, theirs.pk]) == 1
    assert notifications_mark_read(user=ada, ids=[mine[0].pk]) == 0  # already read
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert notifications_mark_read(user=ada, everything=True) == 2
    assert not Notification.objects.filter(recipient=ada, read_at__isnull=True).exists()


def test_opening_a_notification_marks_it_read_for_its_recipient_only():
    ada, bea = UserFactory(), UserFactory()
    note = Notification.objects.create(recipient=ada, kind="mention", message="m", url="/claims/1/#comment-2")
    with pytest.raises(NotAllowed) as raised:
        notification_open(user=bea, notification_id=note.pk)
    assert raised.value.code == Refusal.NOT_FOUND
    note.refresh_from_db()
    assert note.read_at is None
    opened = notification_open(user=ada, notification_id=note.pk)
    assert opened.read_at is not None and opened.url == "/claims/1/#comment-2"
    assert notification_open(user=ada, notification_id=note.pk).read_at == opened.read_at


def test_anonymous_visitors_have_no_notifications_to_mark():
    with pytest.raises(NotAllowed) as raised:
        notifications_mark_read(user=AnonymousUser(), everything=True)
    assert raised.value.code == Refusal.ANONYMOUS
