"""Marking the demo readers `manage.py seed_demo` makes."""
from django import template

from annotations.roles import is_demo

register = template.Library()


@register.filter
def is_demo_reader(user) -> bool:
    return user is not None and is_demo(user)
