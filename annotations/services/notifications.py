"""Notifications: written inside the transaction of whatever they are about, so that a write
that rolls back tells nobody."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from annotations.models import Claim, Comment, Notification, NotificationKind


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
