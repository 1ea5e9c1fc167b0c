"""Flag counts that moderators see beside items in the reader and on the claim page."""
from __future__ import annotations

from collections.abc import Iterable

from annotations.models import QueueItem, QueueState


def flag_counts(target_type: str, ids: Iterable[int]) -> dict[int, int]:
    """{item id: people whose flags on it are open} for the items of `target_type` among `ids`
    that are in the moderator queue now (one query; none when `ids` is empty)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = QueueItem.objects.filter(
        target_type=target_type, target_id__in=ids, state=QueueState.OPEN, flaggers__gt=0
    ).values_list("target_id", "flaggers")
    return dict(rows)
