"""Voting on claims: one vote per person and claim (voting again replaces it), and imports of
votes in bulk. Every vote marks its claim's consensus out of date in the same transaction;
the recompute is queued after commit."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from annotations.models import Claim, ClaimConsensus, Vote, VoteValue
from annotations.services.bulk import BATCH, chunks
from annotations.services.consensus_queue import enqueue_claim_refresh, enqueue_refit

VOTE_VALUES = {"agree": VoteValue.AGREE, "disagree": VoteValue.DISAGREE, "unsure": VoteValue.UNSURE}

_username_validator = UnicodeUsernameValidator()


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

    Raises VoteError for an unknown value and ClaimNotFound when the claim does not exist.
    """
    if value not in VOTE_VALUES:
        raise VoteError(f"“{value}” is not a vote; use one of {', '.join(VOTE_VALUES)}.", field="value")
    stored = VOTE_VALUES[value]
    # Locked so that the claim cannot go while the vote is written; votes on it queue here.
    if Claim.objects.select_for_update(no_key=True).filter(pk=claim_id).values_list("pk", flat=True).first() is None:
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


@dataclass(frozen=True)
class ImportedVote:
    line: int
    username: str
    claim_id: int
    value: VoteValue


@dataclass
class ImportResult:
    imported: int = 0
    new_users: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    """(line, reason) for every vote that was not imported."""


def _user_ids(usernames: list[str]) -> tuple[dict[str, int], int]:
    """Ids for these usernames; unknown ones become accounts that cannot sign in."""
    User = get_user_model()
    ids: dict[str, int] = {}
    for chunk in chunks(usernames):
        ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
    missing = [name for name in usernames if name not in ids]
    accounts = []
    for name in missing:
        account = User(username=name)
        account.set_unusable_password()
        accounts.append(account)
    User.objects.bulk_create(accounts, batch_size=BATCH)
    for chunk in chunks(missing):
        ids.update(User.objects.filter(username__in=chunk).values_list("username", "pk"))
    return ids, len(missing)


def _check_username(name: str) -> str | None:
    if not name or len(name) > 150:
        return "a username has 1 to 150 characters"
    try:
        _username_validator(name)
    except ValidationError:
        return f"“{name}” is not a valid username (letters, digits and @.+-_ only)"
    return None


@transaction.atomic
def votes_import(*, votes: Sequence[ImportedVote]) -> ImportResult:
    """Import votes in bulk. For the same person and claim the last one given stands. Votes on
    claims that do not exist and by impossible usernames are reported with their line and
    skipped; the rest are imported. The claims' consensus is marked out of date and a refit is
    queued after commit."""
    result = ImportResult()
    claim_ids = sorted({vote.claim_id for vote in votes})
    live: set[int] = set()
    for chunk in chunks(claim_ids):
        claims = Claim.objects.select_for_update(no_key=True).filter(pk__in=chunk).order_by("pk")
        live.update(claims.values_list("pk", flat=True))
    latest: dict[tuple[str, int], ImportedVote] = {}
    for vote in votes:
        problem = _check_username(vote.username) or (
            None if vote.claim_id in live else f"no claim {vote.claim_id} (it may have been deleted)"
        )
        if problem:
            result.errors.append((vote.line, problem))
        else:
            latest[(vote.username, vote.claim_id)] = vote
    if not latest:
        return result
    ids, result.new_users = _user_ids(sorted({username for username, _ in latest}))
    Vote.objects.bulk_create(
        [Vote(user_id=ids[v.username], claim_id=v.claim_id, value=v.value) for v in latest.values()],
        batch_size=BATCH, update_conflicts=True, unique_fields=["user", "claim"], update_fields=["value", "updated_at"],
    )
    result.imported = len(latest)
    _mark_out_of_date(sorted({claim_id for _, claim_id in latest}))
    transaction.on_commit(enqueue_refit)
    return result
