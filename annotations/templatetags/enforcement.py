"""What templates ask the policy: may this user do this here, and if not, why.

Pages offer a write form only when the policy would accept it, and say why not instead (a
silenced member sees the silence and when it ends). The services check again on submit.
"""
from __future__ import annotations

from django import template

from annotations.policy import Act, Refusal, allowed, check

register = template.Library()


@register.simple_tag
def may(user, act: str, target=None) -> bool:
    """`{% may user "revise_article" article as can_revise %}`"""
    return allowed(user, Act(act), target)


@register.simple_tag
def write_refusal(user) -> str:
    """Why a signed-in user may write nothing now (silenced or suspended), or "". Anonymous
    visitors get "" here: pages invite them to sign in instead."""
    if not user.is_authenticated:
        return ""
    refusal = check(user, Act.ANNOTATE)
    if refusal is None or refusal.code not in (Refusal.SILENCED, Refusal.SUSPENDED):
        return ""
    return str(refusal)


@register.filter
def flags_of(counts: dict[int, int], pk: int) -> int:
    """`{{ page.source_flags|flags_of:source.pk }}`: the open flags on one item, 0 if none."""
    return counts.get(pk, 0) if counts else 0
