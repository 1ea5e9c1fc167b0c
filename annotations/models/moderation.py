"""Flags, the moderator queue, sanctions on users, and the append-only audit log."""
from django.conf import settings
from django.db import models


class TargetType(models.TextChoices):
    """What can be flagged and moderated."""

    COMMENT = "comment", "Comment"
    ANNOTATION = "annotation", "Annotation"
    SOURCE = "source", "Source"
    CLAIM = "claim", "Claim"


class FlagReason(models.TextChoices):
    SPAM = "spam", "Spam"
    HARASSMENT = "harassment", "Harassment"
    OFF_TOPIC = "off_topic", "Off topic"
    MISLEADING = "misleading", "Misleading"
    ILLEGAL = "illegal", "Illegal"
    OTHER = "other", "Other (say why)"


class QueueState(models.TextChoices):
    OPEN = "open", "Open"
    DISMISSED = "dismissed", "Dismissed"
    HIDDEN = "hidden", "Hidden"
    RESTORED = "restored", "Restored"
    DELETED = "deleted", "Deleted"


class QueueItem(models.Model):
    """One per flagged item: its place in the moderator queue. `version` moves with every change,
    so a moderator's action applies only to the state they saw (optimistic locking)."""

    target_type = models.CharField(max_length=16, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    target_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claim = models.ForeignKey(
        "annotations.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The claim whose thread or page shows the item.",
    )
    article = models.ForeignKey(
        "annotations.Article", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text="The article the item sits in.",
    )
    state = models.CharField(max_length=16, choices=QueueState.choices, default=QueueState.OPEN)
    score = models.FloatField(default=0, help_text="Flag score from the brigade rule; the queue's order.")
    flaggers = models.PositiveIntegerField(default=0, help_text="Distinct people whose flags count now.")
    flagger_groups = models.PositiveSmallIntegerField(default=0, help_text="Opinion groups they come from.")
    auto_hidden = models.BooleanField(default=False, help_text="Hidden pending review by the flags.")
    version = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-score", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["target_type", "target_id"], name="one_queue_item_per_target"),
        ]
        indexes = [models.Index(fields=["state", "-score", "created_at"], name="queue_open_by_score")]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id}: {self.state}"


class Flag(models.Model):
    """One person's flag on one item. It counts towards its queue item until a moderator
    resolves the item (`cleared_at`); one per person and item, ever."""

    flagger = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    item = models.ForeignKey(QueueItem, on_delete=models.CASCADE, related_name="flags")
    target_type = models.CharField(max_length=16, choices=TargetType.choices)
    target_id = models.PositiveBigIntegerField()
    reason = models.CharField(max_length=16, choices=FlagReason.choices)
    note = models.TextField(blank=True)
    flagger_group = models.SmallIntegerField(
        null=True, blank=True, help_text="The flagger's opinion group at the latest refit when they flagged."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cleared_at = models.DateTimeField(null=True, blank=True, help_text="When a moderator resolved the item.")

    class Meta:
        ordering = ["item", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["flagger", "target_type", "target_id"], name="one_flag_per_person"),
        ]
        indexes = [models.Index(fields=["flagger", "created_at"], name="flag_by_flagger")]

    def __str__(self) -> str:
        return f"{self.flagger_id} flags {self.target_type} {self.target_id}: {self.reason}"


class SanctionKind(models.TextChoices):
    WARNING = "warning", "Warning"
    SILENCE = "silence", "Silenced"
    SUSPENSION = "suspension", "Suspended"


class Sanction(models.Model):
    """A warning, silence or suspension. Whether a user is silenced or suspended now is derived
    from these rows: not lifted, started, and not yet ended (`ends_at` null: permanent)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sanctions")
    kind = models.CharField(max_length=16, choices=SanctionKind.choices)
    reason = models.TextField()
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["user", "kind", "lifted_at"], name="sanction_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} until {self.ends_at or 'lifted'}"


class AppendOnlyError(RuntimeError):
    """The audit log is append-only."""


class ModerationActionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Moderation log rows cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Moderation log rows cannot be deleted.")


class ModerationAction(models.Model):
    """The audit log: one row per moderator action, written in the same transaction as the
    action. Usernames are copied in so that the row still says who and whom after an account
    goes. Nothing updates or deletes a row."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=32)
    target_type = models.CharField(max_length=16)
    target_id = models.CharField(max_length=150, help_text="An item's id, or a username.")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+",
        db_constraint=False,
    )
    target_username = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    before = models.JSONField(default=dict)
    after = models.JSONField(default=dict)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModerationActionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["actor", "-created_at"], name="log_by_actor"),
            models.Index(fields=["target_user", "-created_at"], name="log_by_target_user"),
            models.Index(fields=["action", "-created_at"], name="log_by_action"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.target_type} {self.target_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("Moderation log rows cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Moderation log rows cannot be deleted.")


class RateCounter(models.Model):
    """A fixed-window counter for posting limits when no Redis is configured; incremented with
    one atomic upsert."""

    key = models.CharField(max_length=200, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"
