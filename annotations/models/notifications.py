"""What a user is told about: replies, mentions, activity on claims they tagged, moderation."""
from django.conf import settings
from django.db import models


class NotificationKind(models.TextChoices):
    REPLY = "reply", "Reply to your comment"
    MENTION = "mention", "Mention of you"
    ACTIVITY = "activity", "New comment on a claim you tagged"
    MODERATION = "moderation", "Moderation decision"


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True, help_text="Where opening it leads.")
    claim = models.ForeignKey("annotations.Claim", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey("annotations.Comment", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at", "-created_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return f"to {self.recipient_id}: {self.message[:60]}"
