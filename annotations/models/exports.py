"""Export jobs: a corpus written in one format by a background worker, offered for download."""
from django.conf import settings
from django.db import models


class ExportFormat(models.TextChoices):
    JSONL = "jsonl", "JSON Lines bundle (Hugging Face datasets, pandas)"
    W3C = "w3c", "W3C Web Annotation (JSON-LD)"
    BRAT = "brat", "brat standoff"
    DOCCANO = "doccano", "doccano JSONL"
    LABELSTUDIO = "labelstudio", "Label Studio JSON"
    CSV = "csv", "CSV"
    ALL = "all", "All formats"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class ExportJob(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    format = models.CharField(max_length=16, choices=ExportFormat.choices, default=ExportFormat.JSONL)
    filters = models.JSONField(default=dict, help_text="As given, after validation.")
    status = models.CharField(max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.FloatField(default=0, help_text="0 to 1.")
    rows = models.PositiveBigIntegerField(default=0, help_text="Rows written so far.")
    total = models.PositiveBigIntegerField(default=0, help_text="Rows expected.")
    summary = models.JSONField(default=dict, help_text="What was written, per file; what was left out.")
    file_path = models.CharField(max_length=500, blank=True, help_text="Relative to REDNOTE_EXPORT_DIR.")
    file_size = models.PositiveBigIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_by_owner"),
            models.Index(fields=["status", "expires_at"], name="export_by_expiry"),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.format}): {self.status}"
