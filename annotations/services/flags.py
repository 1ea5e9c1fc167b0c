"""Flagging an item for moderators, and the brigade rule applied to its flags.

Every flagged item has one queue item from its first flag. Each new flag recomputes the item's
score from its uncleared flags and their flaggers' opinion groups now (the latest refit), and
hides the item pending review when the pure rule in `annotations/consensus/brigade.py` says so.
"""
from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from annotations.consensus.brigade import FlagVote, decide
from annotations.models import Flag, FlagReason, QueueItem, QueueState, TargetType, UserViewpoint
from annotations.policy import Act, NotAllowed, Refusal, can_see, require
from annotations.services.ratelimits import ratelimit_consume
from annotations.services.targets import Target, target_load, target_set_hidden, target_touch

NOTE_MAX_CHARS = 1000
DAY = dt.timedelta(days=1)
ALREADY_FLAGGED = "You flagged this already; moderators will look at it."


class FlagError(ValueError):
    """Bad input for a flag; `field` names what is at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class AlreadyFlagged(FlagError):
    """This person flagged this item before (one flag per person and item, ever)."""


class FlagCapReached(FlagError):
    """This person used their flags for the day; `retry_after` says in how many seconds one frees."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, field="target_id")
        self.retry_after = retry_after


def hide_threshold() -> int:
    return settings.REDNOTE_FLAG_HIDE_THRESHOLD


def auto_hide_reason(flaggers: int) -> str:
    return f"Hidden pending review: flagged by {flaggers} people"


def _check_input(*, target_type: str, reason: str, note: str) -> None:
    if target_type not in TargetType.values:
        raise FlagError(f"“{target_type}” is not something to flag; use one of {', '.join(TargetType.values)}.",
                        field="target_type")
    if reason not in FlagReason.values:
        raise FlagError(f"“{reason}” is not a reason; use one of {', '.join(FlagReason.values)}.", field="reason")
    if reason == FlagReason.OTHER and not note.strip():
        raise FlagError("Say why in a note when the reason is “other”.", field="note")
    if len(note) > NOTE_MAX_CHARS:
        raise FlagError(f"Notes are at most {NOTE_MAX_CHARS:,} characters.", field="note")


def _visible_target(flagger: AbstractBaseUser, target_type: str, target_id: int) -> Target:
    """The item, if the flagger can see it (and it still stands); else a "not found" refusal."""
    target = target_load(target_type, target_id)
    gone = (
        target is None
        or (target.type == TargetType.COMMENT and target.obj.deleted_at is not None)
        or (target.claim is not None and not can_see(flagger, target.claim))
    )
    if gone:
        raise NotAllowed("That item does not exist.", code=Refusal.NOT_FOUND)
    require(flagger, Act.FLAG, target.obj)
    return target


def _check_daily_cap(flagger: AbstractBaseUser, now: dt.datetime) -> None:
    cap = settings.REDNOTE_FLAGS_PER_DAY
    recent = list(
        Flag.objects.filter(flagger=flagger, created_at__gt=now - DAY).order_by("-created_at")
        .values_list("created_at", flat=True)[:cap]
    )
    if len(recent) >= cap:
        retry_after = max(1, int((recent[-1] + DAY - now).total_seconds()) + 1)
        raise FlagCapReached(
            f"You can flag {cap} item{'' if cap == 1 else 's'} a day; your next flag is possible in "
            f"{_duration(retry_after)}.",
            retry_after=retry_after,
        )


def _duration(seconds: int) -> str:
    hours, minutes = divmod(-(-seconds // 60), 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _queue_item_for(target: Target) -> QueueItem:
    """The target's queue item, locked; created on the first flag. Two first flags at once: the
    second insert waits for the first, fails on the unique constraint, and takes its row."""
    lookup = {"target_type": target.type, "target_id": target.id}
    item = QueueItem.objects.select_for_update().filter(**lookup).first()
    if item is not None:
        return item
    try:
        with transaction.atomic():
            return QueueItem.objects.create(
                **lookup, target_author_id=target.author_id, claim_id=target.claim_id, article_id=target.article_id,
            )
    except IntegrityError:
        return QueueItem.objects.select_for_update().get(**lookup)


def flag_votes(item: QueueItem) -> list[FlagVote]:
    """The item's counting flags with their flaggers' opinion groups now (None: no group)."""
    flagger_ids = list(item.flags.filter(cleared_at__isnull=True).values_list("flagger_id", flat=True))
    groups = dict(UserViewpoint.objects.filter(user_id__in=flagger_ids).values_list("user_id", "group"))
    return [FlagVote(flagger=pk, group=None if groups.get(pk, -1) < 0 else groups[pk]) for pk in flagger_ids]


def queue_item_rescore(item: QueueItem, target: Target) -> bool:
    """Store the brigade decision on the (locked) item and auto-hide the target when it says so.
    Returns whether the target was hidden now."""
    decision = decide(flag_votes(item), threshold=hide_threshold())
    item.score, item.flaggers, item.flagger_groups = decision.score, decision.flaggers, decision.groups
    hidden_now = decision.hide and target.obj.hidden_at is None
    if hidden_now:
        target_set_hidden(target, reason=auto_hide_reason(decision.flaggers))
        item.auto_hidden = True
    return hidden_now


@transaction.atomic
def flag_create(
    *, flagger: AbstractBaseUser, target_type: str, target_id: int, reason: str, note: str = ""
) -> Flag:
    """Flag an item for moderators: one flag per person and item, a daily cap per person."""
    note = note.strip()
    _check_input(target_type=target_type, reason=reason, note=note)
    target = _visible_target(flagger, target_type, target_id)
    now = timezone.now()
    _check_daily_cap(flagger, now)
    item = _queue_item_for(target)
    if item.state == QueueState.DELETED:
        raise NotAllowed("That item does not exist.", code=Refusal.NOT_FOUND)
    if item.flags.filter(flagger=flagger).exists():
        raise AlreadyFlagged(ALREADY_FLAGGED, field="target_id")
    ratelimit_consume(user=flagger, scope="flag")
    viewpoint = UserViewpoint.objects.filter(user_id=flagger.pk).values_list("group", flat=True).first()
    try:
        with transaction.atomic():
            flag = Flag.objects.create(
                flagger=flagger, item=item, target_type=target.type, target_id=target.id, reason=reason, note=note,
                flagger_group=None if viewpoint is None or viewpoint < 0 else viewpoint,
            )
    except IntegrityError:
        raise AlreadyFlagged(ALREADY_FLAGGED, field="target_id") from None
    if item.state != QueueState.OPEN:
        item.state = QueueState.OPEN
        item.resolved_by, item.resolved_at, item.resolution_reason = None, None, ""
    queue_item_rescore(item, target)
    item.version += 1
    item.save()
    target_touch(target)
    return flag
