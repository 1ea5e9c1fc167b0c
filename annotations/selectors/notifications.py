"""A user's notifications: the inbox, newest first, and the unread count the bell polls (one
indexed count)."""
from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from annotations.models import Notification


def notification_list(user: AbstractBaseUser, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications, newest first, each with who caused it."""
    notifications = Notification.objects.filter(recipient_id=user.pk).select_related("actor")
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    return notifications.order_by("-created_at", "-id")


def unread_count(user: AbstractBaseUser | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()
