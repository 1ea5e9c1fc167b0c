"""Voting on claims: one vote per person and claim (voting again replaces it), and imports of
votes in bulk. Every vote marks its claim's consensus out of date in the same transaction;
the recompute is queued after commit."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from annotations.models import Claim, ClaimConsensus, Vote, VoteValue
from annotations.policy import Act, can_see, require
from annotations.services.bulk import chunks, staging_table
from annotations.services.consensus_queue import enqueue_claim_refresh, enqueue_refit

VOTE_VALUES = {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "unsure": VoteValue.UNSURE}

_USERNAME = re.compile(UnicodeUsernameValidator.regex, UnicodeUsernameValidator.flags)


class VoteError(ValueError):
    """A vote that cannot be cast; `field` names what is at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class ClaimNotFound(VoteError):
    def __init__(self, claim_id: int) -> None:
        super().__init__(f"Claim {claim_id} does not exist (it may have been deleted).", field="claim")


def _mark_out_of_date(claim_ids: Sequence[int]) -> None:
    """Make sure the claims have a consensus row and flag it: dirty, and a new version."""
    now = timezone.now()
    for chunk in chunks(claim_ids):
        ClaimConsensus.objects.bulk_create([ClaimConsensus(claim_id=pk) for pk in chunk], ignore_conflicts=True)
        ClaimConsensus.objects.filter(claim_id__in=chunk).update(version=F("version") + 1, dirty=True, dirty_at=now)


@transaction.atomic
def vote_cast(*, user: AbstractBaseUser, claim_id: int, value: str) -> Vote:
    """Agree, disagree or be unsure about a claim; a second vote replaces the first.

    Raises NotAllowed when the user may not vote, VoteError for an unknown value and
    ClaimNotFound when the claim does not exist or is hidden from the user.
    """
    require(user, Act.VOTE)
    if value not in VOTE_VALUES:
        raise VoteError(f"“{value}” is not a vote; use one of {', '.join(VOTE_VALUES)}.", field="value")
    stored = VOTE_VALUES[value]
    # Locked so that the claim cannot go while the vote is written; votes on it queue here.
    claim = Claim.objects.select_for_update(no_key=True).filter(pk=claim_id).only("pk", "hidden_at", "created_by_id").first()
    if claim is None or not can_see(user, claim):  # a hidden claim is as gone as a deleted one
        raise ClaimNotFound(claim_id)
    vote = Vote.objects.filter(user=user, claim_id=claim_id).first()
    if vote is not None and vote.value == stored:
        return vote
    if vote is None:
        vote = Vote.objects.create(user=user, claim_id=claim_id, value=stored)
    else:
        vote.value = stored
        vote.save(update_fields=["value", "updated_at"])
    _mark_out_of_date([claim_id])
    transaction.on_commit(partial(enqueue_claim_refresh, claim_id))
    return vote


class ImportedVote(NamedTuple):
    """A vote to import. `line` is where its source has it, for error reports; `stamp` is when
    it was cast if the source says (Polis' timestamp), else 0."""

    line: int
    username: str
    claim_id: int
    value: int
    stamp: int = 0


@dataclass
class ImportResult:
    imported: int = 0
    new_users: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line, reason) for every vote that was not imported."""


_STAGE = "vote_import_rows"
_STAGE_COLUMNS = (
    ("seq", "bigint"), ("line", "bigint"), ("stamp", "bigint"),
    ("username", "text"), ("claim_id", "bigint"), ("value", "smallint"),
)
_MAX_ID = 2**63 - 1
_UNUSABLE_PASSWORD = {
    # Django's unusable password: "!" and 40 random characters, as `set_unusable_password` makes.
    "postgresql": "'!' || left(md5(random()::text) || md5(random()::text), 40)",
    "sqlite": "'!' || lower(hex(randomblob(20)))",
}


def _check_username(name: str) -> str | None:
    if not name or len(name) > 150:
        return "a username has 1 to 150 characters"
    if _USERNAME.search(name) is None:
        return f"“{name}” is not a valid username (letters, digits and @.+-_ only)"
    return None


def _staging_rows(votes: Iterable[ImportedVote], errors: list[tuple[int, str]]) -> Iterator[tuple]:
    """The votes as staging rows, numbered in the order given; votes by impossible usernames or
    on impossible claim ids go to `errors` instead."""
    for seq, vote in enumerate(votes):
        problem = _check_username(vote.username)
        if problem is None and not 0 < vote.claim_id <= _MAX_ID:
            problem = f"no claim {vote.claim_id}"
        if problem:
            errors.append((vote.line, problem))
        else:
            yield seq, vote.line, vote.stamp, vote.username, vote.claim_id, int(vote.value)


def _lock_live_claims(errors: list[tuple[int, str]]) -> list[int]:
    """Lock the claims the staged votes are on (by id, the order votes lock them) so that none
    can go before its votes are in; votes on claims that do not exist go to `errors`."""
    stage = connection.ops.quote_name(_STAGE)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT claim_id FROM {stage} ORDER BY claim_id")
        wanted = [claim_id for (claim_id,) in cursor.fetchall()]
        live: list[int] = []
        for chunk in chunks(wanted):
            claims = Claim.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
            live.extend(claims.values_list("pk", flat=True))
        missing = sorted(set(wanted).difference(live))
        for chunk in chunks(missing):
            cursor.execute(
                f"SELECT line, claim_id FROM {stage} WHERE claim_id IN ({', '.join(['%s'] * len(chunk))})", chunk
            )
            errors.extend((line, f"no claim {claim_id} (it may have been deleted)") for line, claim_id in cursor.fetchall())
    return live


def _create_users() -> int:
    """Accounts that cannot sign in for the usernames of staged votes on live claims that are not
    taken yet, in one statement: every other column gets its default, as `User(username=…)`
    would. Returns how many were created."""
    User = get_user_model()
    quote = connection.ops.quote_name
    columns, values, params = [], [], []
    for model_field in User._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if model_field.name == User.USERNAME_FIELD:
            values.append("n.username")
        elif model_field.attname == "password":
            values.append(_UNUSABLE_PASSWORD[connection.vendor])
        else:
            default = model_field.get_default()
            if default is None and model_field.null:
                continue
            values.append("%s")
            params.append(model_field.get_db_prep_save(default, connection))
        columns.append(quote(model_field.column))
    username = quote(User._meta.get_field(User.USERNAME_FIELD).column)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(User._meta.db_table)} ({', '.join(columns)}) SELECT {', '.join(values)} "
            f"FROM (SELECT DISTINCT s.username FROM {quote(_STAGE)} s "
            f"JOIN {quote(Claim._meta.db_table)} c ON c.id = s.claim_id) n "
            f"WHERE true ORDER BY n.username ON CONFLICT ({username}) DO NOTHING",
            params,
        )
        return cursor.rowcount


def _upsert_votes() -> int:
    """Each person's latest staged vote per live claim (by stamp, then the order given) in place
    of any vote they had on it, in one statement; returns how many were written.

    PostgreSQL picks the latest with DISTINCT ON, which also hands the rows over in the order
    of the unique index they go into (a third faster than a window function at a million
    votes); SQLite has no DISTINCT ON."""
    User = get_user_model()
    quote = connection.ops.quote_name
    stage, users, claims = quote(_STAGE), quote(User._meta.db_table), quote(Claim._meta.db_table)
    joins = (
        f"JOIN {users} u ON u.{quote(User._meta.get_field(User.USERNAME_FIELD).column)} = s.username "
        f"JOIN {claims} c ON c.id = s.claim_id"
    )
    if connection.vendor == "postgresql":
        latest = (
            f"SELECT DISTINCT ON (u.id, s.claim_id) u.id, s.claim_id, s.value, %s, %s FROM {stage} s {joins} "
            f"ORDER BY u.id, s.claim_id, s.stamp DESC, s.seq DESC"
        )
    else:
        latest = (
            f"SELECT u.id, s.claim_id, s.value, %s, %s FROM (SELECT username, claim_id, value, row_number() "
            f"OVER (PARTITION BY username, claim_id ORDER BY stamp DESC, seq DESC) AS recency FROM {stage}) s "
            f"{joins} WHERE s.recency = 1"
        )
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Vote._meta.db_table)} (user_id, claim_id, value, created_at, updated_at) {latest} "
            f"ON CONFLICT (user_id, claim_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            [now, now],
        )
        return cursor.rowcount


@transaction.atomic
def votes_import(*, votes: Iterable[ImportedVote]) -> ImportResult:
    """Import votes in bulk, streamed: `votes` may be a generator over a file of any size.

    For the same person and claim the latest vote stands: by `stamp`, then the order given.
    Votes on claims that do not exist and by impossible usernames are reported with their line
    and skipped; the rest are imported, and unknown usernames become accounts that cannot sign
    in. The votes go into a temporary table first (COPY on PostgreSQL), then into the vote table
    with one set-based statement. The claims' consensus is marked out of date and a refit is
    queued after commit.
    """
    result = ImportResult()
    with staging_table(_STAGE, _STAGE_COLUMNS, _staging_rows(votes, result.errors)) as staged:
        live = _lock_live_claims(result.errors) if staged else []
        if live:
            result.new_users = _create_users()
            result.imported = _upsert_votes()
    if not live:
        return result
    _mark_out_of_date(live)
    transaction.on_commit(enqueue_refit)
    return result
