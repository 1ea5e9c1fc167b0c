"""The notification bell in the navigation: `{% notification_bell %}` (signed-in users only)."""
from django import template

from annotations.selectors.notifications import unread_count

register = template.Library()


@register.inclusion_tag("annotations/partials/notification_bell.html", takes_context=True)
def notification_bell(context) -> dict:
    return {"unread": unread_count(context["request"].user)}
