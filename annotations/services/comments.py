"""Debate threads: posting, editing and deleting comments on a claim.

Every write asks the policy first (signed in, not silenced, thread not locked, item visible),
renders the Markdown to safe HTML with `@mentions` of real people linked, moves the claim's
thread stamp that live pages poll, and writes its notifications in the same transaction, so a
write that rolls back tells nobody. A moderator changing someone else's comment leaves an audit
row and tells its author.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from annotations.models import (
    Annotation,
    Article,
    Claim,
    Comment,
    CommentEdit,
    NotificationKind,
    Side,
)
from annotations.policy import Act, NotAllowed, Refusal, require
from annotations.services.audit import audit_record
from annotations.services.notifications import notify, notify_each
from annotations.services.ratelimits import ratelimit_consume
from annotations.text.mentions import find_mentions, render_with_mentions

COMMENT_MAX_CHARS = 10_000
QUOTE_MAX_CHARS = 2_000


class CommentError(ValueError):
    """Bad input for a comment; `field` names what is at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class QuoteRef:
    """A passage to quote: `start` and `end` are code point offsets on the article's current text."""

    article_id: int
    start: int
    end: int


def profile_url(username: str) -> str:
    return reverse("user-profile", args=[username])


def _checked_body(body: str) -> str:
    if not body.strip():
        raise CommentError("Write something first.", field="body")
    if len(body) > COMMENT_MAX_CHARS:
        raise CommentError(f"Comments are at most {COMMENT_MAX_CHARS:,} characters.", field="body")
    return body


def _checked_side(side: str, *, is_reply: bool) -> str:
    if side and side not in Side.values:
        raise CommentError(f"“{side}” is not a side; use one of {', '.join(Side.values)}.", field="side")
    if side and is_reply:
        raise CommentError("Only top-level comments take a side; a reply belongs to its thread's side.", field="side")
    return side


def _quote_fields(quote: QuoteRef | None) -> dict:
    """The quoted passage's fields, checked against the article's current text."""
    if quote is None:
        return {}
    article = Article.objects.select_related("current_revision").filter(pk=quote.article_id).first()
    if article is None or article.current_revision is None:
        raise CommentError("That article is not in the corpus.", field="quote")
    text = article.current_revision.text
    if not 0 <= quote.start < quote.end <= len(text):
        raise CommentError("The quote's offsets are outside the article's text.", field="quote")
    if quote.end - quote.start > QUOTE_MAX_CHARS:
        raise CommentError(f"Quotes are at most {QUOTE_MAX_CHARS:,} characters.", field="quote")
    quoted = text[quote.start : quote.end]
    if not quoted.strip():
        raise CommentError("The quote is only white space.", field="quote")
    return {
        "quote_article": article, "quote_revision": article.current_revision,
        "quote_start": quote.start, "quote_end": quote.end, "quote_text": quoted,
    }


def mentioned_users(body: str) -> list[AbstractBaseUser]:
    """The active users a body mentions by `@username` (ignoring case)."""
    names = find_mentions(body)
    if not names:
        return []
    lowered = {name.lower() for name in names}
    return list(
        get_user_model().objects.annotate(lowered_name=Lower("username"))
        .filter(Q(username__in=names) | Q(lowered_name__in=lowered), is_active=True)
        .order_by("pk")
    )


def _rendered(body: str, mentioned: Iterable[AbstractBaseUser]) -> str:
    links = {}
    for person in mentioned:
        links[person.get_username().lower()] = profile_url(person.get_username())
    return render_with_mentions(body, links)


def _claim_words(claim: Claim) -> str:
    quote = claim.quote if len(claim.quote) <= 60 else claim.quote[:59] + "…"
    return f"“{quote}”"


def _touch(claim_id: int) -> None:
    """Move the thread's change stamp, which live pages poll."""
    Claim.objects.filter(pk=claim_id).update(thread_changed_at=timezone.now())


def _locked_claim(claim_id: int) -> Claim:
    claim = Claim.objects.select_for_update().filter(pk=claim_id).first()
    if claim is None:
        raise NotAllowed("That claim does not exist.", code=Refusal.NOT_FOUND)
    return claim


def _notify_new_comment(
    comment: Comment, *, claim: Claim, parent: Comment | None, mentioned: list[AbstractBaseUser]
) -> None:
    """One notification per person: a reply to the parent's author, else a mention, else
    activity for those who tagged the claim."""
    author = comment.author
    name = author.get_username()
    told = {author.pk}
    common = {"actor": author, "url": comment.get_absolute_url(), "claim": claim, "comment": comment}
    words = _claim_words(claim)
    if parent is not None and parent.author_id and parent.author_id not in told:
        notify_each(
            recipient_ids=[parent.author_id], kind=NotificationKind.REPLY,
            message=f"{name} replied to your comment on {words}", **common,
        )
        told.add(parent.author_id)
    mention_ids = [person.pk for person in mentioned if person.pk not in told]
    notify_each(
        recipient_ids=mention_ids, kind=NotificationKind.MENTION,
        message=f"{name} mentioned you in a comment on {words}", **common,
    )
    told.update(mention_ids)
    taggers = Annotation.objects.filter(claim=claim).values_list("author_id", flat=True).distinct().order_by()
    notify_each(
        recipient_ids=[pk for pk in taggers if pk not in told], kind=NotificationKind.ACTIVITY,
        message=f"{name} commented on a claim you tagged: {words}", **common,
    )


@transaction.atomic
def comment_create(
    *,
    author: AbstractBaseUser,
    claim_id: int,
    body: str,
    parent_id: int | None = None,
    side: str = "",
    quote: QuoteRef | None = None,
) -> Comment:
    """Post a comment on a claim's thread: top level (with a side, or none) or a reply to
    `parent_id`, optionally quoting a passage of any article."""
    claim = _locked_claim(claim_id)  # serialises with a moderator locking the thread
    require(author, Act.COMMENT, claim)
    parent = None
    if parent_id is not None:
        parent = Comment.objects.select_related("author").filter(pk=parent_id).first()
        if parent is None or parent.claim_id != claim.pk:
            raise CommentError("That comment is not in this claim's thread.", field="parent")
        parent.claim = claim
        require(author, Act.COMMENT, parent)
    body = _checked_body(body)
    side = _checked_side(side, is_reply=parent is not None)
    quoted = _quote_fields(quote)
    ratelimit_consume(user=author, scope="comment")
    mentioned = mentioned_users(body)
    comment = Comment.objects.create(
        claim=claim, parent=parent, author=author, depth=0 if parent is None else parent.depth + 1,
        side=side, body=body, body_html=_rendered(body, mentioned), **quoted,
    )
    _touch(claim.pk)
    _notify_new_comment(comment, claim=claim, parent=parent, mentioned=mentioned)
    return comment


def _moderated(comment: Comment, user: AbstractBaseUser, *, action: str, before: dict, after: dict) -> None:
    """A moderator changed someone else's comment: the audit row and a word to its author."""
    if comment.author_id is None or comment.author_id == user.pk:
        return
    audit_record(
        actor=user, action=action, target_type="comment", target_id=comment.pk, target_user=comment.author,
        before=before, after=after,
    )
    verb = "edited" if action == "edit" else "deleted"
    notify(
        recipient=comment.author, kind=NotificationKind.MODERATION, actor=user,
        message=f"A moderator {verb} your comment on {_claim_words(comment.claim)}",
        url=comment.get_absolute_url(), claim=comment.claim, comment=comment,
    )


def _for_change(comment: Comment) -> Comment:
    """The comment, locked; one removed meanwhile (a concurrent change won) is not found."""
    locked = Comment.objects.select_for_update(of=("self",)).select_related("claim", "author").filter(pk=comment.pk)
    comment = locked.first()
    if comment is None:
        raise NotAllowed("That comment does not exist.", code=Refusal.NOT_FOUND)
    return comment


@transaction.atomic
def comment_update(
    *, comment: Comment, user: AbstractBaseUser, body: str | None = None, side: str | None = None
) -> Comment:
    """Change a comment's body or side, keeping what it said before in its history. People newly
    mentioned are told."""
    comment = _for_change(comment)
    require(user, Act.EDIT, comment)
    new_body = comment.body if body is None else _checked_body(body)
    new_side = comment.side if side is None else _checked_side(side, is_reply=comment.parent_id is not None)
    if (new_body, new_side) == (comment.body, comment.side):
        return comment
    before = {"body": comment.body, "side": comment.side}
    CommentEdit.objects.create(comment=comment, editor=user, body=comment.body, side=comment.side)
    already = {person.pk for person in mentioned_users(comment.body)}
    mentioned = mentioned_users(new_body)
    comment.body, comment.side = new_body, new_side
    comment.body_html = _rendered(new_body, mentioned)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "side", "body_html", "edited_at"])
    _touch(comment.claim_id)
    notify_each(
        recipient_ids=[person.pk for person in mentioned if person.pk not in already and person.pk != user.pk],
        kind=NotificationKind.MENTION, actor=user, url=comment.get_absolute_url(), claim=comment.claim,
        comment=comment, message=f"{user.get_username()} mentioned you in a comment on {_claim_words(comment.claim)}",
    )
    _moderated(comment, user, action="edit", before=before, after={"body": new_body, "side": new_side})
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: AbstractBaseUser) -> Comment:
    """Delete a comment softly: its row stays (its replies hang off it and the record keeps what
    it said) and the thread shows "[deleted]" where it has replies, nothing where it has none."""
    comment = _for_change(comment)
    require(user, Act.DELETE, comment)
    before = {"state": comment.state, "body": comment.body}
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["deleted_at"])
    _touch(comment.claim_id)
    _moderated(comment, user, action="delete", before=before, after={"state": comment.state})
    return comment
