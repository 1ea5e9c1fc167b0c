"""What moderators do to people: warn, silence, suspend and lift; and what admins do to roles.
Each action is one transaction with exactly one audit row, and the person is told."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.db import transaction
from django.utils import timezone

from annotations.models import NotificationKind, Sanction, SanctionKind
from annotations.policy import (
    Act,
    NotAllowed,
    Refusal,
    Standing,
    active_sanctions,
    require,
    standing_of,
)
from annotations.roles import ADMIN, MEMBER, ROLES, role_of, sync_role_groups
from annotations.services.audit import audit_record
from annotations.services.moderation import AlreadyDone, ModerationError, clean_reason
from annotations.services.notifications import notify

WARN, SILENCE, SUSPEND, LIFT = "warn", "silence", "suspend", "lift"
USER_ACTIONS = (WARN, SILENCE, SUSPEND, LIFT)
KINDS = {WARN: SanctionKind.WARNING, SILENCE: SanctionKind.SILENCE, SUSPEND: SanctionKind.SUSPENSION}
DURATIONS: dict[str, dt.timedelta | None] = {
    "24h": dt.timedelta(hours=24),
    "72h": dt.timedelta(hours=72),
    "7d": dt.timedelta(days=7),
    "30d": dt.timedelta(days=30),
    "permanent": None,
}


@dataclass(frozen=True)
class UserDecision:
    """What a moderator's action on a user did: the sanction written (None for a lift), the
    sanctions it lifted, and the user's standing afterwards."""

    user: AbstractBaseUser
    action: str
    sanction: Sanction | None
    lifted: int
    standing: Standing


def user_by_name(username: str) -> AbstractBaseUser:
    person = get_user_model().objects.filter(username=username).first()
    if person is None:
        raise NotAllowed(f"There is no user “{username}”.", code=Refusal.NOT_FOUND)
    return person


def _standing_state(person: AbstractBaseUser) -> dict:
    standing = standing_of(person, now=timezone.now())
    return {
        "silenced": standing.silenced, "silenced_until": standing.silenced_until,
        "suspended": standing.suspended, "suspended_until": standing.suspended_until,
    }


def _until(ends_at: dt.datetime | None) -> str:
    return "permanently" if ends_at is None else f"until {ends_at:%d %b %Y %H:%M} UTC"


def _message(action: str, *, reason: str, ends_at: dt.datetime | None, lifted_kinds: set[str]) -> str:
    if action == WARN:
        return f"A moderator warned you: {reason}"
    if action == SILENCE:
        return f"You are silenced {_until(ends_at)}: you can read but not write. Reason: {reason}"
    if action == SUSPEND:
        return f"Your account is suspended {_until(ends_at)}. Reason: {reason}"
    lifted = " and ".join(sorted("silence" if kind == SanctionKind.SILENCE else "suspension" for kind in lifted_kinds))
    return f"Moderators lifted your {lifted}." + (f" {reason}" if reason else "")


def _check_action(action: str, duration: str | None) -> None:
    if action not in USER_ACTIONS:
        raise ModerationError(f"“{action}” is not an action; use one of {', '.join(USER_ACTIONS)}.", field="action")
    if action in (SILENCE, SUSPEND) and duration not in DURATIONS:
        raise ModerationError(f"Choose how long: one of {', '.join(DURATIONS)}.", field="duration")


def _lift(person: AbstractBaseUser, kinds: tuple[str, ...], *, by: AbstractBaseUser, now: dt.datetime) -> set[str]:
    """Lift the person's sanctions of these kinds in force now; the kinds that were lifted."""
    rows = Sanction.objects.select_for_update().filter(active_sanctions(now), user=person, kind__in=kinds)
    lifted = set(rows.values_list("kind", flat=True))
    rows.update(lifted_at=now, lifted_by=by)
    return lifted


@transaction.atomic
def user_moderate(
    *,
    moderator: AbstractBaseUser,
    username: str,
    action: str,
    reason: str,
    duration: str | None = None,
) -> UserDecision:
    """Warn (a notification and a warning on record), silence (may read, not write) or suspend
    (may not sign in) a user for a duration, or lift their silence and suspension. A new silence
    or suspension replaces the one in force."""
    require(moderator, Act.MODERATE)
    _check_action(action, duration)
    reason = clean_reason(reason, required=action != LIFT, why=": the user is told it")
    person = user_by_name(username)
    require(moderator, Act.MODERATE, person)
    get_user_model().objects.select_for_update().filter(pk=person.pk).first()
    before = _standing_state(person)
    now = timezone.now()
    sanction, ends_at = None, None
    if action == LIFT:
        lifted = _lift(person, (SanctionKind.SILENCE, SanctionKind.SUSPENSION), by=moderator, now=now)
        if not lifted:
            raise AlreadyDone(f"{username} is neither silenced nor suspended.", field="action")
    else:
        lifted = _lift(person, (KINDS[action],), by=moderator, now=now) if action != WARN else set()
        delta = DURATIONS[duration] if action != WARN else None
        ends_at = now + delta if delta is not None else None
        sanction = Sanction.objects.create(
            user=person, kind=KINDS[action], reason=reason, starts_at=now, ends_at=ends_at, created_by=moderator,
        )
    after = _standing_state(person)
    audit_record(
        actor=moderator, action=action, target_type="user", target_id=person.get_username(), target_user=person,
        reason=reason, before=before, after={**after, "duration": duration} if duration else after,
    )
    notify(
        recipient=person, kind=NotificationKind.MODERATION, actor=moderator,
        message=_message(action, reason=reason, ends_at=ends_at, lifted_kinds=lifted),
    )
    return UserDecision(
        user=person, action=action, sanction=sanction, lifted=len(lifted), standing=standing_of(person, now=now),
    )


def _role_group(role: str) -> Group:
    group = Group.objects.filter(name=role).first()
    if group is None:
        sync_role_groups()
        group = Group.objects.get(name=role)
    return group


@transaction.atomic
def role_set(*, actor: AbstractBaseUser | None, username: str, role: str) -> str:
    """Make a user a member, moderator or admin (their role group, and staff status for admins).
    `actor` None is the command line; anyone else must be an admin and cannot change their own
    role (so the last admin cannot lock everyone out from the pages)."""
    if actor is not None:
        require(actor, Act.MANAGE_ROLES)
    if role not in ROLES:
        raise ModerationError(f"“{role}” is not a role; use one of {', '.join(ROLES)}.", field="role")
    person = get_user_model().objects.select_for_update().filter(username=username).first()
    if person is None:
        raise NotAllowed(f"There is no user “{username}”.", code=Refusal.NOT_FOUND)
    if actor is not None and person.pk == actor.pk:
        raise NotAllowed("You cannot change your own role.", code=Refusal.SELF)
    previous = role_of(person)
    if previous == role:
        raise AlreadyDone(f"{username} is already {'an' if role == ADMIN else 'a'} {role}.", field="role")
    person.groups.remove(*Group.objects.filter(name__in=ROLES))
    person.groups.add(_role_group(role))
    person.is_staff = role == ADMIN
    if role != ADMIN:
        person.is_superuser = False
    person.save(update_fields=["is_staff", "is_superuser"])
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        person.__dict__.pop(cache, None)
    audit_record(
        actor=actor, action="role_set", target_type="user", target_id=person.get_username(), target_user=person,
        reason=f"{previous} → {role}", before={"role": previous}, after={"role": role},
    )
    notify(
        recipient=person, kind=NotificationKind.MODERATION, actor=actor, url="" if role == MEMBER else "/moderation/",
        message=f"You are now {'an' if role == ADMIN else 'a'} {role} of rednote.",
    )
    return role
