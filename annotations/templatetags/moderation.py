"""What the flag control and the moderation pages need in any template."""
from __future__ import annotations

from django import template

from annotations.models import FlagReason

register = template.Library()


@register.simple_tag
def flag_reasons() -> list[tuple[str, str]]:
    """The reasons a flag can give, as (value, label) pairs for a select."""
    return list(FlagReason.choices)
