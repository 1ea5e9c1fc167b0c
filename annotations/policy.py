"""May this user do this to this object now? The one place that answers, and every write path asks.

It knows roles (member, moderator, admin), ownership, sanctions (silenced: may read, not write;
suspended: may not sign in at all), locked threads and hidden items. Services call
`require(user, act, target)` before they write; selectors call `can_see` and `hidden_filter` to
leave hidden items out. Views never check permissions themselves.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q
from django.utils import timezone

from annotations.models import Annotation, Comment, Sanction, SanctionKind
from annotations.roles import ADMIN, is_moderator, role_of

User = AbstractBaseUser | AnonymousUser


class Act(StrEnum):
    ANNOTATE = "annotate"
    VOTE = "vote"
    COMMENT = "comment"
    FLAG = "flag"
    ADD_SOURCE = "add_source"
    LINK_EVIDENCE = "link_evidence"
    ADD_ARTICLE = "add_article"
    REVISE_ARTICLE = "revise_article"
    EDIT = "edit"
    DELETE = "delete"
    EXPORT = "export"
    CANCEL_EXPORT = "cancel_export"
    MODERATE = "moderate"
    MANAGE_ROLES = "manage_roles"
    READ_NOTIFICATIONS = "read_notifications"  # marking one's own read: silenced users may


# Acts that write content: a silenced user may do none of them.
CONTENT_WRITES = frozenset(
    {
        Act.ANNOTATE, Act.VOTE, Act.COMMENT, Act.FLAG, Act.ADD_SOURCE, Act.LINK_EVIDENCE,
        Act.ADD_ARTICLE, Act.REVISE_ARTICLE, Act.EDIT, Act.DELETE,
    }
)


class Refusal(StrEnum):
    """Why an act is refused; the API maps `NOT_FOUND` to 404, `ANONYMOUS` to 401/403, the
    rest to 403."""

    ANONYMOUS = "anonymous"
    SUSPENDED = "suspended"
    SILENCED = "silenced"
    NOT_OWNER = "not_owner"
    NOT_MODERATOR = "not_moderator"
    NOT_ADMIN = "not_admin"
    LOCKED = "locked"
    NOT_FOUND = "not_found"
    SELF = "self"
    DELETED = "deleted"


class NotAllowed(PermissionError):
    """The user may not do this now; `code` says why, the message says it to a person."""

    def __init__(self, message: str, *, code: str = Refusal.NOT_OWNER) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Standing:
    """A user's sanctions in force now. `*_until` is None for a permanent one."""

    silenced: bool = False
    silenced_until: dt.datetime | None = None
    suspended: bool = False
    suspended_until: dt.datetime | None = None


_CLEAR = Standing()


def active_sanctions(now: dt.datetime | None = None) -> Q:
    """Sanctions in force at `now`: started, not lifted, not ended."""
    now = now or timezone.now()
    return Q(lifted_at__isnull=True, starts_at__lte=now) & (Q(ends_at__isnull=True) | Q(ends_at__gt=now))


def standing_of(user: User, *, now: dt.datetime | None = None) -> Standing:
    """The user's silence and suspension in force now (one query, remembered on the user
    object for the rest of the request)."""
    if not user.is_authenticated:
        return _CLEAR
    cached = getattr(user, "_rednote_standing", None)
    if cached is not None and now is None:
        return cached
    rows = Sanction.objects.filter(
        active_sanctions(now), user_id=user.pk, kind__in=(SanctionKind.SILENCE, SanctionKind.SUSPENSION)
    ).values_list("kind", "ends_at")
    ends: dict[str, list[dt.datetime | None]] = {SanctionKind.SILENCE: [], SanctionKind.SUSPENSION: []}
    for kind, ends_at in rows:
        ends[kind].append(ends_at)

    def until(values: list[dt.datetime | None]) -> dt.datetime | None:
        return None if None in values else max(values)

    standing = Standing(
        silenced=bool(ends[SanctionKind.SILENCE]),
        silenced_until=until(ends[SanctionKind.SILENCE]) if ends[SanctionKind.SILENCE] else None,
        suspended=bool(ends[SanctionKind.SUSPENSION]),
        suspended_until=until(ends[SanctionKind.SUSPENSION]) if ends[SanctionKind.SUSPENSION] else None,
    )
    if now is None:
        user._rednote_standing = standing
    return standing


def forget_standing(user: User) -> None:
    """Drop the remembered standing (after a sanction changes within the same request)."""
    if hasattr(user, "_rednote_standing"):
        del user._rednote_standing


def _until(moment: dt.datetime | None) -> str:
    return "permanently" if moment is None else f"until {moment:%d %b %Y %H:%M} UTC"


def suspension_message(standing: Standing) -> str:
    return f"Your account is suspended {_until(standing.suspended_until)}."


def silence_message(standing: Standing) -> str:
    return f"You are silenced {_until(standing.silenced_until)}: you can read but not write."


def _author_id(target) -> int | None:
    for attribute in ("author_id", "created_by_id", "owner_id"):
        if hasattr(target, attribute):
            return getattr(target, attribute)
    return None


def can_see(user: User, item) -> bool:
    """A hidden item is gone for everyone but its author and moderators."""
    if getattr(item, "hidden_at", None) is None:
        return True
    if not user.is_authenticated:
        return False
    return _author_id(item) == user.pk or is_moderator(user)


def hidden_filter(user: User, *, prefix: str = "", author_field: str = "author") -> Q:
    """A filter keeping what `user` may see of a model with hidden items: everything for
    moderators; otherwise what is not hidden, plus the user's own."""
    if user.is_authenticated and is_moderator(user):
        return Q()
    visible = Q(**{f"{prefix}hidden_at__isnull": True})
    if user.is_authenticated:
        visible |= Q(**{f"{prefix}{author_field}_id": user.pk})
    return visible


def _sanction_refusal(moderator: AbstractBaseUser, person: AbstractBaseUser) -> NotAllowed | None:
    """Moderating a user: nobody moderates themselves, and only admins moderate admins."""
    if person.pk == moderator.pk:
        return NotAllowed("You cannot moderate your own account.", code=Refusal.SELF)
    if role_of(person) == ADMIN and role_of(moderator) != ADMIN:
        return NotAllowed("Moderators cannot sanction admins.", code=Refusal.NOT_ADMIN)
    return None


def check(user: User, act: Act, target=None) -> NotAllowed | None:
    """None when `user` may `act` on `target` now; otherwise the refusal, with its reason."""
    if not user.is_authenticated:
        return NotAllowed("Sign in first.", code=Refusal.ANONYMOUS)
    standing = standing_of(user)
    if standing.suspended:
        return NotAllowed(suspension_message(standing), code=Refusal.SUSPENDED)
    moderator = is_moderator(user)
    if act == Act.MANAGE_ROLES:
        return None if role_of(user) == ADMIN else NotAllowed("Only admins change roles.", code=Refusal.NOT_ADMIN)
    if act == Act.MODERATE:
        if not moderator:
            return NotAllowed("Only moderators can do this.", code=Refusal.NOT_MODERATOR)
        return _sanction_refusal(user, target) if isinstance(target, AbstractBaseUser) else None
    if act in CONTENT_WRITES and standing.silenced:
        return NotAllowed(silence_message(standing), code=Refusal.SILENCED)
    if target is None:
        return None
    if not can_see(user, target):
        return NotAllowed("That item does not exist.", code=Refusal.NOT_FOUND)
    if act in (Act.EDIT, Act.DELETE):
        if isinstance(target, Comment) and target.deleted_at is not None:
            return NotAllowed("That comment was deleted.", code=Refusal.DELETED)
        if _author_id(target) != user.pk and not moderator:
            return NotAllowed("Only its author (or a moderator) can change this.", code=Refusal.NOT_OWNER)
    if act == Act.REVISE_ARTICLE and _author_id(target) != user.pk and not moderator:
        return NotAllowed("Only the article's creator or a moderator can revise it.", code=Refusal.NOT_OWNER)
    if act == Act.LINK_EVIDENCE and isinstance(target, Annotation) and _author_id(target) != user.pk:
        return NotAllowed("Only the author of the evidence can link it.", code=Refusal.NOT_OWNER)
    if act in (Act.EXPORT, Act.CANCEL_EXPORT) and _author_id(target) != user.pk:
        # An export job: its owner sees and cancels it; moderators only see it.
        if not moderator:
            return NotAllowed("That export does not exist.", code=Refusal.NOT_FOUND)
        if act == Act.CANCEL_EXPORT:
            return NotAllowed("Only its owner can cancel an export.", code=Refusal.NOT_OWNER)
    if act == Act.COMMENT:
        claim = getattr(target, "claim", target)
        if claim.thread_locked_at is not None and not moderator:
            reason = f": {claim.thread_lock_reason}" if claim.thread_lock_reason else "."
            return NotAllowed(f"This thread is locked by moderators{reason}", code=Refusal.LOCKED)
        if isinstance(target, Comment) and target.deleted_at is not None:
            return NotAllowed("You cannot reply to a deleted comment.", code=Refusal.DELETED)
    return None


def require(user: User, act: Act, target=None) -> None:
    """Raise NotAllowed unless `user` may `act` on `target` now."""
    refusal = check(user, act, target)
    if refusal is not None:
        raise refusal


def allowed(user: User, act: Act, target=None) -> bool:
    """For templates and selectors: whether to offer the act at all."""
    return check(user, act, target) is None
