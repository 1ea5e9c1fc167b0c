"""The audit log: one append-only `ModerationAction` row per moderator action, written inside the
transaction of the action it records (so the action and its row commit together, or neither),
and one log line saying who did what to what, from where. "Where" is the address of the request
being served (annotations/request_log.py), so no service takes it as an argument."""
from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from annotations.models import ModerationAction
from annotations.request_log import client_address

logger = logging.getLogger("annotations.moderation")

# The actor name recorded for actions taken from the command line (manage.py set_role).
COMMAND_LINE = "manage.py"


def jsonable(value: Any) -> Any:
    """`value` with datetimes as ISO strings, so that a snapshot fits a JSON column."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    return value


def audit_record(
    *,
    actor: AbstractBaseUser | None,
    action: str,
    target_type: str,
    target_id: int | str,
    target_user: AbstractBaseUser | None = None,
    reason: str = "",
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> ModerationAction:
    """Write the audit row for one moderator action. `actor` None means the command line."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the action it records.")
    actor_name = actor.get_username() if actor is not None else COMMAND_LINE
    ip = client_address()
    row = ModerationAction.objects.create(
        actor=actor,
        actor_username=actor_name,
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        target_user=target_user,
        target_username=target_user.get_username() if target_user is not None else "",
        reason=reason,
        before=jsonable(before),
        after=jsonable(after),
        ip=ip or None,
    )
    logger.info(
        "%s %s %s %s (user %s) from %s: %s",
        actor_name, action, target_type, target_id, row.target_username or "-", ip or "-", reason or "no reason",
    )
    return row


def audit_change_by_other(
    *,
    actor: AbstractBaseUser,
    author: AbstractBaseUser | None,
    action: str,
    target_type: str,
    target_id: int,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    """Record a change to content `actor` did not write. The policy lets only moderators make
    one, so it is a moderator action; a change to one's own content is not recorded."""
    if author is not None and author.pk == actor.pk:
        return
    audit_record(
        actor=actor, action=action, target_type=target_type, target_id=target_id, target_user=author,
        before=before, after=after,
    )
