"""Times as people say them: `{{ moment|ago }}` gives "just now", "5 minutes ago", "3 days ago"."""
import datetime as dt

from django import template
from django.utils import timezone
from django.utils.timesince import timesince

register = template.Library()


@register.filter
def ago(moment: dt.datetime | None) -> str:
    """How long ago `moment` was, in its largest unit only."""
    if moment is None:
        return ""
    if timezone.now() - moment < dt.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment, depth=1)} ago"
