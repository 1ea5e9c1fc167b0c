"""What an export holds, decided before anything is read: which annotations, claims and
documents pass the filters (as query conditions), the split of the documents, and how people
are named (pseudonyms or, for moderators who ask, usernames). See `exports.py`."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from annotations.exporters.rows import pseudonym
from annotations.models import Annotation, Claim, ConsensusStatus
from annotations.selectors.exports_filters import ExportFilters


def pseudonym_secret() -> bytes:
    """REDNOTE_EXPORT_PSEUDONYM_SECRET, or a key derived from SECRET_KEY (so that pseudonyms are
    stable on one instance and differ between instances)."""
    configured = settings.REDNOTE_EXPORT_PSEUDONYM_SECRET
    if configured:
        return configured.encode()
    return hashlib.sha256(b"rednote export pseudonyms\0" + settings.SECRET_KEY.encode()).digest()


class People(dict):
    """User ids (or usernames) to the names an export shows: `people[value]` is the pseudonym of
    a user id, or the username itself for `real_names`; a deleted user shows as "". A dict, so
    that the lookup per row is one C-level call and each person is hashed once."""

    def __init__(self, *, real_names: bool, secret: bytes) -> None:
        super().__init__({None: ""})
        self.real_names = real_names
        self.secret = secret

    @property
    def column(self) -> str:
        """What a query selects for an `author` foreign key."""
        return f"author__{get_user_model().USERNAME_FIELD}" if self.real_names else "author_id"

    def __missing__(self, value) -> str:
        name = self[value] = value if self.real_names else pseudonym(value, self.secret)
        return name


def claim_q(filters: ExportFilters, prefix: str = "") -> Q:
    """Claims in the export (the documents aside)."""
    q = Q()
    if not filters.include_hidden:
        q &= Q(**{f"{prefix}hidden_at__isnull": True})
    if filters.min_votes:
        q &= Q(**{f"{prefix}consensus__votes__gte": filters.min_votes})
    if filters.status:
        by_status = Q(**{f"{prefix}consensus__status__in": filters.status})
        if ConsensusStatus.NOT_ENOUGH_VOTES in filters.status:
            by_status |= Q(**{f"{prefix}consensus__isnull": True})
        q &= by_status
    return q


def annotation_q(
    filters: ExportFilters, *, author_ids: tuple[int, ...] | None, prefix: str = "", within_plan: bool = False
) -> Q:
    """Annotations in the export; `author_ids` are the `annotators` filter's users. With
    `within_plan` the caller limits them to the plan's documents, whose articles are known to
    pass (one join fewer per row)."""
    p = prefix
    q = Q()
    if not within_plan:
        q &= Q(**{f"{p}article__current_revision__isnull": False})
        if filters.articles:
            q &= Q(**{f"{p}article_id__in": filters.articles})
    if filters.tags:
        q &= Q(**{f"{p}tag__in": filters.tags})
    if filters.since:
        q &= Q(**{f"{p}created_at__gte": filters.since_at})
    if filters.until:
        q &= Q(**{f"{p}created_at__lt": filters.until_at})
    if author_ids is not None:
        q &= Q(**{f"{p}author_id__in": author_ids})
    if not filters.include_hidden:
        q &= Q(**{f"{p}hidden_at__isnull": True})
    claims = claim_q(filters)
    if claims and Claim.objects.exclude(claims).exists():
        q &= Q(**{f"{p}claim__isnull": True}) | Q(**{f"{p}claim__in": Claim.objects.filter(claims).values("pk")})
    return q


def split_of(document_ids: list[int], shares: tuple[int, ...], names: tuple[str, ...], seed: int) -> dict[int, str]:
    """Document-level split: documents ranked by a hash of seed and id, then cut by the shares
    (rounded to whole documents). The same documents and seed always give the same split."""
    ranked = sorted(document_ids, key=lambda pk: hashlib.sha256(f"{seed}:{pk}".encode()).digest())
    split: dict[int, str] = {}
    start, cumulative = 0, 0
    for share, name in zip(shares, names, strict=True):
        cumulative += share
        stop = (len(ranked) * cumulative + 50) // 100
        split.update((pk, name) for pk in ranked[start:stop])
        start = stop
    return split


@dataclass(frozen=True)
class ExportPlan:
    """What an export will hold, counted before anything is written."""

    documents: tuple[tuple[int, int], ...]
    """(document id, its annotations in the export), by id."""
    author_ids: tuple[int, ...] | None
    """The users of the `annotators` filter."""

    @property
    def annotations(self) -> int:
        return sum(n for _, n in self.documents)


def export_plan(filters: ExportFilters) -> ExportPlan:
    """The documents an export holds and how many annotations each (one query)."""
    author_ids = None
    if filters.annotators:
        User = get_user_model()
        author_ids = tuple(
            User.objects.filter(**{f"{User.USERNAME_FIELD}__in": filters.annotators}).values_list("pk", flat=True)
        )
    counts = (
        Annotation.objects.filter(annotation_q(filters, author_ids=author_ids)).values_list("article_id")
        .annotate(n=Count("id")).order_by("article_id")
    )
    return ExportPlan(documents=tuple(counts), author_ids=author_ids)

