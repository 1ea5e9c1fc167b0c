"""Reads for moderators: the queue (each item with what it is, where it sits, its flags and its
author's record), the audit log with its filters, and the user search.

A queue page costs a fixed number of queries however many items and flags there are: the page
of items, their flags, each kind of target in one query, and the authors' records in two.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from annotations.models import (
    Annotation,
    Claim,
    Comment,
    Flag,
    ModerationAction,
    QueueItem,
    QueueState,
    Sanction,
    SanctionKind,
    Source,
    TargetType,
)
from annotations.policy import active_sanctions
from annotations.roles import role_of

QUEUE_PAGE_SIZE = 50
LOG_PAGE_SIZE = 50
USER_SEARCH_LIMIT = 50
HISTORY_SANCTIONS = 5
# Resolutions that count against an author in their moderation history.
AGAINST_AUTHOR = (QueueState.HIDDEN, QueueState.DELETED)


@dataclass
class AuthorHistory:
    """An author's recent moderation record: sanctions (newest first) and how many of their
    items moderators hid or deleted before."""

    sanctions: list[Sanction] = field(default_factory=list)
    removed_items: int = 0
    last_removed_at: object = None

    @property
    def clean(self) -> bool:
        return not self.sanctions and not self.removed_items


@dataclass
class QueueEntry:
    item: QueueItem
    flags: list[Flag]
    context: dict | None
    history: AuthorHistory


def _context(target_type: str, obj) -> dict:
    """What a moderator needs to judge the item without leaving the queue."""
    base = {"hidden": obj.hidden_at is not None, "hidden_reason": obj.hidden_reason}
    if target_type == TargetType.COMMENT:
        return base | {
            "text": obj.body, "html": obj.body_html, "deleted": obj.deleted_at is not None,
            "claim_quote": obj.claim.quote, "url": obj.get_absolute_url(), "link_label": "the thread",
        }
    if target_type == TargetType.ANNOTATION:
        return base | {
            "text": obj.exact, "tag": obj.tag, "note": obj.note, "prefix": obj.prefix, "suffix": obj.suffix,
            "url": reverse("article-detail", args=[obj.article_id]), "link_label": "the sentence in the reader",
        }
    if target_type == TargetType.SOURCE:
        return base | {
            "text": obj.title or obj.passage_quote, "external_url": obj.url, "quote": obj.passage_quote,
            "note": obj.note, "claim_quote": obj.claim.quote,
            "url": reverse("claim-detail", args=[obj.claim_id]) + "#sources-title", "link_label": "the claim page",
        }
    return base | {"text": obj.quote, "url": obj.get_absolute_url(), "link_label": "the claim page"}


_TARGETS = {
    TargetType.COMMENT: Comment.objects.select_related("claim").only(
        "body", "body_html", "claim__quote", "claim_id", "deleted_at", "hidden_at", "hidden_reason"
    ),
    TargetType.ANNOTATION: Annotation.objects.only(
        "exact", "tag", "note", "prefix", "suffix", "article_id", "hidden_at", "hidden_reason"
    ),
    TargetType.SOURCE: Source.objects.select_related("claim").only(
        "title", "url", "passage_quote", "note", "claim__quote", "claim_id", "hidden_at", "hidden_reason"
    ),
    TargetType.CLAIM: Claim.objects.only("quote", "hidden_at", "hidden_reason"),
}


def _targets(items: Sequence[QueueItem]) -> dict[tuple[str, int], dict]:
    """Each item's context, one query per kind of target on the page."""
    wanted: dict[str, list[int]] = defaultdict(list)
    for item in items:
        wanted[item.target_type].append(item.target_id)
    found = {}
    for target_type, ids in wanted.items():
        for obj in _TARGETS[target_type].filter(pk__in=ids):
            found[(target_type, obj.pk)] = _context(target_type, obj)
    return found


def author_histories(author_ids: Iterable[int], *, exclude_items: Iterable[int] = ()) -> dict[int, AuthorHistory]:
    """The moderation record of each author, in two queries."""
    ids = {pk for pk in author_ids if pk is not None}
    histories = {pk: AuthorHistory() for pk in ids}
    if not ids:
        return histories
    for sanction in Sanction.objects.filter(user_id__in=ids).select_related("created_by").order_by("-starts_at"):
        record = histories[sanction.user_id].sanctions
        if len(record) < HISTORY_SANCTIONS:
            record.append(sanction)
    removed = (
        QueueItem.objects.filter(target_author_id__in=ids, state__in=AGAINST_AUTHOR)
        .exclude(pk__in=list(exclude_items))
        .values("target_author_id")
        .annotate(n=Count("pk"), last=Max("resolved_at"))
    )
    for row in removed:
        history = histories[row["target_author_id"]]
        history.removed_items, history.last_removed_at = row["n"], row["last"]
    return histories


def queue_entries(items: Sequence[QueueItem]) -> list[QueueEntry]:
    """Items with their flags, context and author's record (items come with flags prefetched)."""
    contexts = _targets(items)
    histories = author_histories((item.target_author_id for item in items), exclude_items=(i.pk for i in items))
    return [
        QueueEntry(
            item=item,
            flags=list(item.flags.all()),
            context=contexts.get((item.target_type, item.target_id)),
            history=histories.get(item.target_author_id, AuthorHistory()),
        )
        for item in items
    ]


def _queue_items() -> QuerySet[QueueItem]:
    return QueueItem.objects.select_related("target_author", "resolved_by").prefetch_related(
        Prefetch(
            "flags",
            queryset=Flag.objects.filter(cleared_at__isnull=True).select_related("flagger").order_by("created_at", "pk"),
        )
    )


def open_queue_items() -> QuerySet[QueueItem]:
    """Open items, highest flag score first (then oldest), their counting flags prefetched."""
    return _queue_items().filter(state=QueueState.OPEN).order_by("-score", "created_at", "pk")


def open_queue(*, page: int | str = 1, per_page: int = QUEUE_PAGE_SIZE) -> tuple[Page, list[QueueEntry]]:
    """One page of the open queue, each item with its context, flags and author's record."""
    paginator = Paginator(open_queue_items(), per_page)
    current = paginator.get_page(page)
    return current, queue_entries(list(current.object_list))


def queue_entry(item_id: int) -> QueueEntry | None:
    """One item as the queue shows it, whatever its state (for answers after an action)."""
    item = _queue_items().filter(pk=item_id).first()
    return queue_entries([item])[0] if item is not None else None


def open_queue_count() -> int:
    return QueueItem.objects.filter(state=QueueState.OPEN).count()


@dataclass(frozen=True)
class LogFilters:
    actor: str = ""
    action: str = ""
    target_user: str = ""


def _by_username(user_field: str, copied_field: str, username: str) -> Q:
    """Rows whose user in `user_field` has this name now, or had it when the row was written."""
    person = get_user_model().objects.filter(username=username).values_list("pk", flat=True).first()
    copied = Q(**{copied_field: username})
    return copied | Q(**{f"{user_field}_id": person}) if person is not None else copied


def moderation_log(filters: LogFilters) -> QuerySet[ModerationAction]:
    """The audit log, newest first, filtered by who acted, the action, and whom it was about."""
    rows = ModerationAction.objects.all()
    if filters.actor:
        rows = rows.filter(_by_username("actor", "actor_username", filters.actor))
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.target_user:
        rows = rows.filter(_by_username("target_user", "target_username", filters.target_user))
    return rows.order_by("-created_at", "-pk")


def log_actions() -> list[str]:
    """The action names that occur in the log, for the filter."""
    return sorted(ModerationAction.objects.order_by().values_list("action", flat=True).distinct())


@dataclass
class UserRow:
    user: AbstractBaseUser
    role: str
    silenced_until: object
    suspended_until: object
    silenced: bool
    suspended: bool
    sanctions: list[Sanction]


def _row(person: AbstractBaseUser) -> UserRow:
    active = person.active_sanctions
    silences = [s.ends_at for s in active if s.kind == SanctionKind.SILENCE]
    suspensions = [s.ends_at for s in active if s.kind == SanctionKind.SUSPENSION]

    def until(values: list) -> object:
        return None if not values or None in values else max(values)

    return UserRow(
        user=person, role=role_of(person), silenced=bool(silences), suspended=bool(suspensions),
        silenced_until=until(silences), suspended_until=until(suspensions),
        sanctions=person.recent_sanctions[:HISTORY_SANCTIONS],
    )


def user_search(query: str, *, limit: int = USER_SEARCH_LIMIT) -> list[UserRow]:
    """Users whose name or email contains `query` (everyone, newest first, when it is empty), with
    their role, standing and recent sanctions: three queries."""
    people = get_user_model().objects.order_by("-date_joined", "-pk")
    query = query.strip()
    if query:
        people = people.filter(Q(username__icontains=query) | Q(email__icontains=query))
    people = people.prefetch_related(
        Prefetch("groups"),
        Prefetch(
            "sanctions",
            queryset=Sanction.objects.filter(active_sanctions(timezone.now())),
            to_attr="active_sanctions",
        ),
        Prefetch("sanctions", queryset=Sanction.objects.order_by("-starts_at", "-pk"), to_attr="recent_sanctions"),
    )
    return [_row(person) for person in people[:limit]]

