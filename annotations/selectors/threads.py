"""A claim's debate thread as pages and the API show it: one flat list in display order (a
pre-order walk of the reply tree), each entry with its depth.

`ordering` sorts the top-level comments (oldest or newest first); replies stay oldest first under
their parent. `side` keeps the top-level comments of that side, with their replies. Past
MAX_DISPLAY_DEPTH replies are shown flat at that depth, "replying to @name".

Hidden and deleted comments: a deleted one never shows its body; it is a "[deleted]" placeholder
while it has replies to show, and absent otherwise. A hidden one is shown, marked with the reason,
to its author and moderators; to everyone else it is a "hidden by moderators" placeholder (no
body, no author) while it has replies to show, and absent otherwise.

One query reads the whole thread, whatever its length; the viewer's role and standing are read
once more (and remembered on the user for the request).
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote as percent_encoded

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404
from django.urls import reverse

from annotations.models import MAX_DISPLAY_DEPTH, Claim, Comment, CommentEdit, CommentState, Side
from annotations.policy import Act, allowed, can_see, check, hidden_filter
from annotations.roles import is_moderator
from annotations.selectors.reader import stamp_of

User = AbstractBaseUser | AnonymousUser

OLDEST, NEWEST = "oldest", "newest"
ORDERINGS = (OLDEST, NEWEST)
HIDDEN_PLACEHOLDER = "hidden by moderators"
DELETED_PLACEHOLDER = "[deleted]"
_FRAGMENT_WORDS = 4
_WHOLE_QUOTE_CHARS = 100


def _fragment_text(words: str) -> str:
    # Text fragments reserve "-", "," and "&": encode everything but letters and digits.
    return percent_encoded(words, safe="").replace("-", "%2D")


def quote_url(article_id: int, start: int, end: int, text: str) -> str:
    """The quoted passage in its article's reader: the offsets in the fragment, and a text
    fragment (`:~:text=`) that browsers scroll to and highlight."""
    if len(text) <= _WHOLE_QUOTE_CHARS and "\n" not in text:
        directive = _fragment_text(" ".join(text.split()))
    else:
        lines = [line for line in text.splitlines() if line.strip()]
        first, last = lines[0].split()[:_FRAGMENT_WORDS], lines[-1].split()[-_FRAGMENT_WORDS:]
        directive = f"{_fragment_text(' '.join(first))},{_fragment_text(' '.join(last))}"
    return f"{reverse('article-detail', args=[article_id])}#passage-{start}-{end}:~:text={directive}"


@dataclass(frozen=True)
class Quote:
    article_id: int
    start: int
    end: int
    text: str

    @property
    def url(self) -> str:
        return quote_url(self.article_id, self.start, self.end, self.text)


@dataclass(frozen=True)
class ThreadItem:
    """One entry of a thread as a viewer sees it. A placeholder has no body and no author."""

    id: int
    key: str  # the id as text: templates use it many times, and text needs no localising
    claim_id: int
    parent_id: int | None
    depth: int
    display_depth: int
    state: str
    placeholder: bool
    author: str | None
    author_url: str | None
    side: str
    body_html: str
    body: str | None  # the Markdown, for those who may edit it
    quote: Quote | None
    created: dt.datetime
    edited: dt.datetime | None
    hidden_reason: str | None  # for the author and moderators
    replying_to: str | None
    can_reply: bool
    can_edit: bool
    can_delete: bool
    can_flag: bool
    can_see_history: bool

    @property
    def placeholder_text(self) -> str:
        return DELETED_PLACEHOLDER if self.state == CommentState.DELETED else HIDDEN_PLACEHOLDER

    # The comment's own routes, for the thread's links and forms.
    @property
    def reply_url(self) -> str:
        return comment_url("comment-reply", self.key)

    @property
    def edit_url(self) -> str:
        return comment_url("comment-edit", self.key)

    @property
    def delete_url(self) -> str:
        return comment_url("comment-delete", self.key)

    @property
    def flag_url(self) -> str:
        return comment_url("comment-flag", self.key)

    @property
    def history_url(self) -> str:
        return comment_url("comment-history", self.key)



@dataclass(frozen=True)
class Thread:
    claim: Claim
    items: list[ThreadItem]
    stamp: str
    side: str
    ordering: str
    can_comment: bool
    refusal: str  # why the viewer may not comment ("" for anonymous visitors: they sign in)
    locked: bool
    moderator: bool


_FIELDS = (
    "id", "claim_id", "parent_id", "author_id", "author__username", "depth", "side", "body", "body_html",
    "quote_article_id", "quote_start", "quote_end", "quote_text", "created_at", "edited_at", "deleted_at",
    "hidden_at", "hidden_reason",
)


def _comments(claim_id: int) -> list[Comment]:
    return list(
        Comment.objects.filter(claim_id=claim_id).select_related("author").only(*_FIELDS).order_by("created_at", "id")
    )


def _display_order(comments: list[Comment], *, side: str, ordering: str) -> list[Comment]:
    """Pre-order walk: each top-level comment (filtered, sorted) followed by its replies."""
    replies: dict[int, list[Comment]] = defaultdict(list)
    tops = []
    for comment in comments:
        (replies[comment.parent_id] if comment.parent_id else tops).append(comment)
    if side:
        tops = [comment for comment in tops if comment.side == side]
    if ordering == NEWEST:
        tops.reverse()
    order: list[Comment] = []
    stack = tops[::-1]
    while stack:
        comment = stack.pop()
        order.append(comment)
        stack.extend(reversed(replies.get(comment.pk, ())))
    return order


@lru_cache(maxsize=16)
def _comment_route(name: str) -> tuple[str, str]:
    """A comment route split around its id. A thread of 1,000 comments links each several times;
    reversing once per route rather than once per link saves a sixth of the page's time."""
    head, _, tail = reverse(name, args=[0]).rpartition("/0/")
    return f"{head}/", f"/{tail}"


def comment_url(name: str, comment_id: str) -> str:
    head, tail = _comment_route(name)
    return f"{head}{comment_id}{tail}"


@lru_cache(maxsize=4096)
def _profile_url(username: str) -> str:
    return reverse("user-profile", args=[username])


def _item(comment: Comment, *, user: User, whole: bool, replying_to: str | None, may_comment: bool) -> ThreadItem:
    """`whole`: the viewer sees the comment itself, not a placeholder."""
    state = comment.state
    author = comment.author.get_username() if whole and comment.author_id else None
    editable = whole and user.is_authenticated and (comment.author_id == user.pk or is_moderator(user))
    quote = None
    if whole and comment.quote_article_id and comment.quote_start is not None:
        quote = Quote(comment.quote_article_id, comment.quote_start, comment.quote_end, comment.quote_text)
    return ThreadItem(
        id=comment.pk,
        key=str(comment.pk),
        claim_id=comment.claim_id,
        parent_id=comment.parent_id,
        depth=comment.depth,
        display_depth=min(comment.depth, MAX_DISPLAY_DEPTH),
        state=state,
        placeholder=not whole,
        author=author,
        author_url=_profile_url(author) if author else None,
        side=comment.side,
        body_html=comment.body_html if whole else "",
        body=comment.body if editable else None,
        quote=quote,
        created=comment.created_at,
        edited=comment.edited_at if whole else None,
        hidden_reason=comment.hidden_reason if whole and state == CommentState.HIDDEN else None,
        replying_to=replying_to if comment.depth > MAX_DISPLAY_DEPTH else None,
        can_reply=may_comment and whole,
        can_edit=editable and allowed(user, Act.EDIT, comment),
        can_delete=editable and allowed(user, Act.DELETE, comment),
        can_flag=whole and user.is_authenticated and comment.author_id != user.pk and allowed(user, Act.FLAG),
        can_see_history=editable and comment.edited_at is not None,
    )


def _visible_items(order: list[Comment], *, user: User, may_comment: bool) -> list[ThreadItem]:
    """The entries the viewer sees, placeholders where a hidden or deleted comment holds replies."""
    whole: dict[int, bool] = {}
    holds_replies: set[int] = set()
    for comment in reversed(order):  # replies come before their parents
        itself = comment.deleted_at is None and can_see(user, comment)
        if itself or comment.pk in holds_replies:
            whole[comment.pk] = itself
            if comment.parent_id:
                holds_replies.add(comment.parent_id)
    names: dict[int, str | None] = {}
    items = []
    for comment in order:
        if comment.pk not in whole:
            continue
        item = _item(
            comment, user=user, whole=whole[comment.pk], replying_to=names.get(comment.parent_id),
            may_comment=may_comment,
        )
        names[comment.pk] = item.author
        items.append(item)
    return items


def comment_refusal(user: User, claim: Claim) -> str:
    """Why `user` may not comment on the claim's thread now ("" if they may, or are anonymous)."""
    if not user.is_authenticated:
        return ""
    refusal = check(user, Act.COMMENT, claim)
    return "" if refusal is None else str(refusal)


def visible_claim(claim_id: int, *, user: User) -> Claim:
    """The claim, or 404 when it does not exist or is hidden from `user`."""
    claim = Claim.objects.filter(pk=claim_id).only(
        "id", "article_id", "quote", "created_by_id", "hidden_at", "hidden_reason", "thread_changed_at",
        "thread_locked_at", "thread_locked_by_id", "thread_lock_reason",
    ).first()
    if claim is None or not can_see(user, claim):
        raise Http404("No such claim.")
    return claim


def claim_thread(claim: Claim, *, user: User, side: str = "", ordering: str = OLDEST) -> Thread:
    """The thread of `claim` for `user`, filtered by `side` and sorted by `ordering`."""
    if side and side not in Side.values:
        raise ValueError(f"Unknown side {side!r}.")
    if ordering not in ORDERINGS:
        raise ValueError(f"Unknown ordering {ordering!r}.")
    may_comment = user.is_authenticated and allowed(user, Act.COMMENT, claim)
    order = _display_order(_comments(claim.pk), side=side, ordering=ordering)
    return Thread(
        claim=claim,
        items=_visible_items(order, user=user, may_comment=may_comment),
        stamp=stamp_of(claim.thread_changed_at),
        side=side,
        ordering=ordering,
        can_comment=may_comment,
        refusal="" if may_comment else comment_refusal(user, claim),
        locked=claim.thread_locked_at is not None,
        moderator=is_moderator(user),
    )


def visible_comment(comment_id: int, *, user: User) -> Comment:
    """A comment with its claim, or 404 when it, or its claim, is hidden from `user`."""
    comment = Comment.objects.select_related("claim", "author").filter(pk=comment_id).first()
    if comment is None or not can_see(user, comment) or not can_see(user, comment.claim):
        raise Http404("No such comment.")
    return comment


def comment_item(comment: Comment, *, user: User) -> ThreadItem:
    """One comment as `user` sees it on its own (a deleted one as a placeholder)."""
    parent_author = None
    if comment.depth > MAX_DISPLAY_DEPTH and comment.parent_id:
        parent = Comment.objects.select_related("author").only(*_FIELDS).get(pk=comment.parent_id)
        if parent.deleted_at is None and can_see(user, parent) and parent.author_id:
            parent_author = parent.author.get_username()
    may_comment = user.is_authenticated and allowed(user, Act.COMMENT, comment.claim)
    return _item(
        comment, user=user, whole=comment.deleted_at is None, replying_to=parent_author, may_comment=may_comment,
    )


def comment_history(comment: Comment) -> list[CommentEdit]:
    """What the comment said before each edit, newest first."""
    return list(comment.edits.select_related("editor").order_by("-edited_at", "-id"))


def may_see_history(user: User, comment: Comment) -> bool:
    return user.is_authenticated and (comment.author_id == user.pk or is_moderator(user))


def recent_comments_by(author: AbstractBaseUser, *, viewer: User, limit: int = 50) -> list[Comment]:
    """The author's latest comments that `viewer` may see, on claims `viewer` may see, newest
    first, each with its claim."""
    return list(
        Comment.objects.filter(author=author, deleted_at__isnull=True)
        .filter(hidden_filter(viewer))
        .filter(hidden_filter(viewer, prefix="claim__", author_field="created_by"))
        .select_related("claim")
        .order_by("-created_at", "-id")[:limit]
    )
