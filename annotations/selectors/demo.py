"""Reads for `manage.py seed_demo`: what the consensus says once the demo is in."""
from __future__ import annotations

from django.db.models import Count

from annotations.models import ClaimConsensus


def claim_status_counts() -> dict[str, int]:
    """How many claims have each consensus status (agreed, divided, …), by status."""
    rows = ClaimConsensus.objects.values("status").annotate(n=Count("pk")).order_by("status")
    return {row["status"]: row["n"] for row in rows}
