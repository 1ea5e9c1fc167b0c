"""Debate threads on claims: comments in a tree, with their edit history."""
from django.conf import settings
from django.db import models
from django.urls import reverse

from annotations.models.annotations import Claim
from annotations.models.articles import Article, Revision
from annotations.models.hideable import Hideable

# Replies deeper than this are shown flat, "replying to @name".
MAX_DISPLAY_DEPTH = 4


class Side(models.TextChoices):
    """The side a top-level comment takes in the debate (Kialo's pro and con, and questions)."""

    SUPPORTS = "supports", "Supports"
    OPPOSES = "opposes", "Opposes"
    QUESTION = "question", "Question"


class CommentState(models.TextChoices):
    VISIBLE = "visible", "Visible"
    HIDDEN = "hidden", "Hidden"
    DELETED = "deleted", "Deleted"


class Comment(Hideable):
    """One post in a claim's thread. A deleted comment keeps its row (and its replies) and shows
    as "[deleted]"; a hidden one shows as "hidden by moderators" to everyone but its author and
    moderators."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="comments"
    )
    depth = models.PositiveSmallIntegerField(default=0, help_text="0 for a top-level comment.")
    side = models.CharField(max_length=16, choices=Side.choices, blank=True, help_text="Top-level comments only.")
    body = models.TextField(help_text="Markdown")
    body_html = models.TextField(editable=False, help_text="The body rendered and sanitised (nh3).")
    quote_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="quoted_in"
    )
    quote_revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quote_start = models.PositiveIntegerField(null=True, blank=True)
    quote_end = models.PositiveIntegerField(null=True, blank=True)
    quote_text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["claim", "created_at", "id"]
        indexes = [
            models.Index(fields=["claim", "created_at"], name="comment_by_claim"),
            models.Index(fields=["author", "created_at"], name="comment_by_author"),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on claim {self.claim_id}"

    @property
    def state(self) -> str:
        if self.deleted_at is not None:
            return CommentState.DELETED
        if self.hidden_at is not None:
            return CommentState.HIDDEN
        return CommentState.VISIBLE

    def get_absolute_url(self) -> str:
        return reverse("claim-detail", args=[self.claim_id]) + f"#comment-{self.pk}"


class CommentEdit(models.Model):
    """What a comment said before an edit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body = models.TextField()
    side = models.CharField(max_length=16, blank=True)
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "-edited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.comment_id} before {self.edited_at:%Y-%m-%d %H:%M}"
