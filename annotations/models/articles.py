"""Articles, their immutable text revisions, and the sentences each revision is split into."""
from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.urls import reverse


class Article(models.Model):
    title = models.CharField(max_length=300)
    author = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=500, blank=True, help_text="URL or name of the publisher")
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, default="en")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    current_revision = models.OneToOneField(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    annotations_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="Moves whenever an annotation changes; live readers poll it."
    )
    changed_at = models.DateTimeField(
        auto_now=True, db_default=Now(), help_text="Moves when the article's own fields are saved; conditional GETs use it."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("moderate_content", "Can moderate annotations, debates and users")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article-detail", args=[self.pk])


class Revision(models.Model):
    """One version of an article's text. Never changed once saved: offsets point into it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    content_hash = models.CharField(max_length=64, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    segmented_at = models.DateTimeField(null=True, blank=True)
    sentence_count = models.PositiveIntegerField(
        default=0, db_default=0, help_text="Its annotatable sentences, stored when it is segmented: the article list reads it."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number"),
        ]
        ordering = ["article", "number"]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class Sentence(models.Model):
    class Kind(models.TextChoices):
        CONTENT = "content", "Content"
        HEADING = "heading", "Heading"
        TITLE = "title", "Title"
        BYLINE = "byline", "By-line"
        BOILERPLATE = "boilerplate", "Site boilerplate"

    ANNOTATABLE = (Kind.CONTENT, Kind.HEADING)

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="sentences")
    index = models.PositiveIntegerField()
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    paragraph = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.CONTENT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "index"], name="unique_sentence_index"),
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="sentence_not_empty"),
        ]
        ordering = ["revision", "index"]

    def __str__(self) -> str:
        return f"{self.revision_id}#{self.index} [{self.start}:{self.end}]"

    @property
    def annotatable(self) -> bool:
        return self.kind in self.ANNOTATABLE
