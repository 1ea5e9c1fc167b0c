"""What moderators do to items and threads: resolve a queue item (dismiss, hide, restore, delete)
and lock or unlock a claim's thread. Each action is one transaction that writes exactly one
audit row; actions on users and roles are in `annotations/services/sanctions.py`.

Resolving uses optimistic locking: the moderator sends the version of the item they saw, and the
action applies only if the item is still at that version (the row is locked, then compared), so
of two moderators acting at once exactly one succeeds and the other learns what happened.

Deleting a claim hides it for good instead of deleting its row: a claim carries other people's
votes, evidence links, sources and debate, which a cascade would destroy with it.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from annotations.models import Claim, NotificationKind, QueueItem, QueueState, TargetType
from annotations.policy import Act, NotAllowed, Refusal, require
from annotations.services.annotations import annotation_remove
from annotations.services.audit import audit_record
from annotations.services.claims import source_remove
from annotations.services.notifications import notify
from annotations.services.targets import Target, target_load, target_set_hidden, target_touch

DISMISS, HIDE, RESTORE, DELETE = "dismiss", "hide", "restore", "delete"
RESOLUTIONS = {
    DISMISS: QueueState.DISMISSED,
    HIDE: QueueState.HIDDEN,
    RESTORE: QueueState.RESTORED,
    DELETE: QueueState.DELETED,
}
# "X already <did> this": what each resolved state says about the moderator who resolved it.
DONE = {
    QueueState.DISMISSED: "dismissed the flags on",
    QueueState.HIDDEN: "hid",
    QueueState.RESTORED: "restored",
    QueueState.DELETED: "deleted",
}
REASON_MAX_CHARS = 1000


class ModerationError(ValueError):
    """Bad input for a moderator action; `field` names what is at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyDone(ModerationError):
    """The action is already in effect (a locked thread locked again): nothing to do."""


class StaleVersion(Exception):
    """The queue item moved on since the moderator saw it; `item` is its state now."""

    def __init__(self, item: QueueItem) -> None:
        self.item = item
        super().__init__(stale_message(item))


def stale_message(item: QueueItem) -> str:
    if item.state != QueueState.OPEN and item.resolved_at is not None:
        who = item.resolved_by.get_username() if item.resolved_by is not None else "Another moderator"
        return (
            f"{who} already {DONE[item.state]} this at {item.resolved_at:%H:%M} UTC "
            f"on {item.resolved_at:%d %b %Y}; nothing was changed."
        )
    people = "person flags" if item.flaggers == 1 else "people flag"
    return f"This item changed while you looked at it ({item.flaggers} {people} it now); look again before acting."


def clean_reason(reason: str, *, required: bool, why: str = "") -> str:
    reason = reason.strip()
    if required and not reason:
        raise ModerationError(f"Give a reason{why}.", field="reason")
    if len(reason) > REASON_MAX_CHARS:
        raise ModerationError(f"Reasons are at most {REASON_MAX_CHARS:,} characters.", field="reason")
    return reason


def _item_state(item: QueueItem) -> dict:
    return {
        "state": item.state, "version": item.version, "score": item.score, "flaggers": item.flaggers,
        "flagger_groups": item.flagger_groups, "auto_hidden": item.auto_hidden,
    }


def _snapshot(item: QueueItem, target: Target | None) -> dict:
    return {"item": _item_state(item), "target": target.state() if target is not None else None}


def _author(target: Target | None) -> AbstractBaseUser | None:
    if target is None or target.author_id is None:
        return None
    return get_user_model().objects.filter(pk=target.author_id).first()


def _apply(action: str, item: QueueItem, target: Target | None, *, moderator: AbstractBaseUser, reason: str) -> bool:
    """Do `action` to the item's target; whether its author should hear of it."""
    if target is None:
        if action in (HIDE, RESTORE):
            raise ModerationError("The item no longer exists; dismiss or delete it instead.", field="action")
        return False
    was_hidden = target.obj.hidden_at is not None
    if action == DISMISS:
        if item.auto_hidden and was_hidden:
            target_set_hidden(target, reason=None)
            return True
        return False
    if action == HIDE:
        target_set_hidden(target, reason=reason)
        return True
    if action == RESTORE:
        target_set_hidden(target, reason=None)
        return was_hidden
    if target.type == TargetType.COMMENT:
        target.obj.deleted_at = timezone.now()
        type(target.obj).objects.filter(pk=target.id).update(deleted_at=target.obj.deleted_at)
    elif target.type == TargetType.ANNOTATION:
        annotation_remove(annotation=target.obj)
    elif target.type == TargetType.SOURCE:
        source_remove(source=target.obj)
    else:
        target_set_hidden(target, reason=reason)
    return True


def _tell_author(action: str, target: Target, author: AbstractBaseUser, *, moderator: AbstractBaseUser,
                 reason: str) -> None:
    noun = target.noun
    message = {
        DISMISS: f"Your {noun} is visible again: moderators dismissed the flags on it.",
        HIDE: f"Moderators hid your {noun}: {reason}",
        RESTORE: f"Moderators restored your {noun}; it is visible again.",
        DELETE: f"Moderators removed your {noun}: {reason}",
    }[action]
    gone = action == DELETE and target.type in (TargetType.ANNOTATION, TargetType.SOURCE)
    notify(
        recipient=author, kind=NotificationKind.MODERATION, message=message, url=target.url(), actor=moderator,
        claim=None if gone or target.claim is None else target.claim,
        comment=target.obj if target.type == TargetType.COMMENT else None,
    )


@transaction.atomic
def queue_item_resolve(
    *, moderator: AbstractBaseUser, item_id: int, action: str, reason: str, version: int
) -> QueueItem:
    """Resolve a flagged item as the moderator saw it at `version`: dismiss the flags (an item
    hidden by them comes back), hide it (the author sees the reason), restore it, or delete it."""
    require(moderator, Act.MODERATE)
    if action not in RESOLUTIONS:
        raise ModerationError(f"“{action}” is not an action; use one of {', '.join(RESOLUTIONS)}.", field="action")
    reason = clean_reason(reason, required=action in (HIDE, DELETE), why=": the author sees it")
    item = QueueItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotAllowed("That queue item does not exist.", code=Refusal.NOT_FOUND)
    if item.version != version:
        raise StaleVersion(item)
    target = target_load(item.target_type, item.target_id, lock=True)
    before = _snapshot(item, target)
    author = _author(target)
    tell = _apply(action, item, target, moderator=moderator, reason=reason)
    now = timezone.now()
    item.flags.filter(cleared_at__isnull=True).update(cleared_at=now)
    item.state = RESOLUTIONS[action]
    item.score, item.flaggers, item.flagger_groups, item.auto_hidden = 0, 0, 0, False
    item.resolved_by, item.resolved_at, item.resolution_reason = moderator, now, reason
    item.version += 1
    # Only these fields: deleting the target may have emptied the item's claim meanwhile.
    item.save(update_fields=[
        "state", "score", "flaggers", "flagger_groups", "auto_hidden", "resolved_by", "resolved_at",
        "resolution_reason", "version", "updated_at",
    ])
    audit_record(
        actor=moderator, action=action, target_type=item.target_type, target_id=item.target_id, target_user=author,
        reason=reason, before=before, after=_snapshot(item, target_load(item.target_type, item.target_id)),
    )
    if target is not None:
        if tell and author is not None:
            _tell_author(action, target, author, moderator=moderator, reason=reason)
        target_touch(target)
    return item


def _lock_state(claim: Claim) -> dict:
    return {
        "locked_at": claim.thread_locked_at, "locked_by": claim.thread_locked_by_id,
        "reason": claim.thread_lock_reason,
    }


def _claim_for_update(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update(of=("self",)).filter(pk=claim_id).first()
    if claim is None:
        raise NotAllowed("That claim does not exist.", code=Refusal.NOT_FOUND)
    return claim


def _set_lock(*, moderator: AbstractBaseUser, claim_id: int, reason: str, lock: bool) -> Claim:
    require(moderator, Act.MODERATE)
    reason = clean_reason(reason, required=lock, why=" for locking the thread")
    claim = _claim_for_update(claim_id)
    if (claim.thread_locked_at is not None) == lock:
        raise AlreadyDone(f"The thread is already {'locked' if lock else 'open'}.", field="claim")
    before = _lock_state(claim)
    now = timezone.now()
    claim.thread_locked_at = now if lock else None
    claim.thread_locked_by = moderator if lock else None
    claim.thread_lock_reason = reason if lock else ""
    claim.thread_changed_at = now
    claim.save(update_fields=["thread_locked_at", "thread_locked_by", "thread_lock_reason", "thread_changed_at"])
    author = get_user_model().objects.filter(pk=claim.created_by_id).first() if claim.created_by_id else None
    audit_record(
        actor=moderator, action="lock" if lock else "unlock", target_type=TargetType.CLAIM, target_id=claim.pk,
        target_user=author, reason=reason, before=before, after=_lock_state(claim),
    )
    return claim


@transaction.atomic
def thread_lock(*, moderator: AbstractBaseUser, claim_id: int, reason: str) -> Claim:
    """Lock a claim's thread: from now on only moderators comment in it."""
    return _set_lock(moderator=moderator, claim_id=claim_id, reason=reason, lock=True)


@transaction.atomic
def thread_unlock(*, moderator: AbstractBaseUser, claim_id: int, reason: str = "") -> Claim:
    """Open a locked thread to everyone's comments again."""
    return _set_lock(moderator=moderator, claim_id=claim_id, reason=reason, lock=False)
