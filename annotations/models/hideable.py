"""What moderators can hide: comments, annotations, sources and claims share these fields."""
from django.db import models


class Hideable(models.Model):
    """Hidden items are gone for members and anonymous readers; their authors and moderators
    still see them, marked with the reason. Set and cleared only by the moderation services."""

    hidden_at = models.DateTimeField(null=True, blank=True, help_text="Hidden pending review or by a moderator.")
    hidden_reason = models.TextField(blank=True, help_text="Shown to the author and moderators.")

    class Meta:
        abstract = True

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None
