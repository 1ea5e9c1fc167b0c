"""Notifications: written inside the transaction of whatever they are about, so that a write
that rolls back tells nobody."""
from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations.models import Claim, Comment, Notification, NotificationKind
from annotations.policy import Act, NotAllowed, Refusal, require


def notify(
    *,
    recipient: AbstractBaseUser,
    kind: NotificationKind | str,
    message: str,
    url: str = "",
    actor: AbstractBaseUser | None = None,
    claim: Claim | None = None,
    comment: Comment | None = None,
) -> Notification | None:
    """Tell `recipient` something; nothing when they are the one who did it."""
    if actor is not None and actor.pk == recipient.pk:
        return None
    return Notification.objects.create(
        recipient=recipient, kind=kind, message=message[:300], url=url[:300], actor=actor,
        claim=claim, comment=comment,
    )


def notify_each(
    *,
    recipient_ids: Iterable[int],
    kind: NotificationKind | str,
    message: str,
    url: str = "",
    actor: AbstractBaseUser | None = None,
    claim: Claim | None = None,
    comment: Comment | None = None,
) -> int:
    """Tell several people the same thing in one insert (never the actor); how many were told."""
    rows = [
        Notification(
            recipient_id=pk, kind=kind, message=message[:300], url=url[:300], actor=actor, claim=claim,
            comment=comment,
        )
        for pk in dict.fromkeys(recipient_ids)
        if actor is None or pk != actor.pk
    ]
    Notification.objects.bulk_create(rows)
    return len(rows)


@transaction.atomic
def notifications_mark_read(
    *, user: AbstractBaseUser, ids: Iterable[int] | None = None, everything: bool = False
) -> int:
    """Mark the user's own unread notifications read: those in `ids`, or all of them with
    `everything`. Other people's ids are ignored. Answers how many changed."""
    require(user, Act.READ_NOTIFICATIONS)
    unread = Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if not everything:
        unread = unread.filter(pk__in=list(ids or ()))
    return unread.update(read_at=timezone.now())


@transaction.atomic
def notification_open(*, user: AbstractBaseUser, notification_id: int) -> Notification:
    """Open one of the user's notifications: it is marked read, and its `url` is where to go."""
    require(user, Act.READ_NOTIFICATIONS)
    notification = Notification.objects.select_for_update().filter(pk=notification_id, recipient_id=user.pk).first()
    if notification is None:
        raise NotAllowed("That notification does not exist.", code=Refusal.NOT_FOUND)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification
