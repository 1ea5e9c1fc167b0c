"""Annotations on article text, the claims they make, and the evidence and sources around claims."""
from django.conf import settings
from django.db import models
from django.urls import reverse

from annotations.models.articles import Article, Revision, Sentence
from annotations.models.hideable import Hideable


class Tag(models.TextChoices):
    CLAIM = "claim", "Claim"
    EVIDENCE = "evidence", "Evidence"
    OPINION = "opinion", "Opinion"


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    ORPHANED = "orphaned", "Orphaned"


class Claim(Hideable):
    """The proposition a claim-tagged span makes; everyone tagging that span shares it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="claims")
    quote = models.TextField()
    start = models.PositiveIntegerField(null=True, help_text="Position on the article's current revision.")
    end = models.PositiveIntegerField(null=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    thread_changed_at = models.DateTimeField(
        null=True, blank=True, help_text="Moves whenever the debate thread changes; live pages poll it."
    )
    thread_locked_at = models.DateTimeField(null=True, blank=True, help_text="Locked: only moderators comment.")
    thread_locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    thread_lock_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["article", "start", "id"]
        indexes = [
            models.Index(fields=["article", "start", "end"]),
            # The home page's stamp is the latest debate move anywhere (selectors/home.py).
            models.Index(fields=["thread_changed_at"], name="claim_by_thread_change"),
        ]

    def __str__(self) -> str:
        return self.quote[:80]

    def get_absolute_url(self) -> str:
        return reverse("claim-detail", args=[self.pk])


class Annotation(Hideable):
    """One person's mark on a span. The W3C selectors describe it on the revision it was made on;
    `start`/`end` are its position on the article's current revision (None when orphaned)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    tag = models.CharField(max_length=16, choices=Tag.choices)
    note = models.TextField(blank=True, help_text="Markdown")
    note_html = models.TextField(blank=True, editable=False, help_text="The note rendered and sanitised.")
    claim = models.ForeignKey(Claim, null=True, blank=True, on_delete=models.SET_NULL, related_name="annotations")

    selector_start = models.PositiveIntegerField()
    selector_end = models.PositiveIntegerField()
    exact = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)

    anchored_revision = models.ForeignKey(Revision, on_delete=models.PROTECT, related_name="+")
    start = models.PositiveIntegerField(null=True)
    end = models.PositiveIntegerField(null=True)
    anchor_state = models.CharField(max_length=16, choices=AnchorState.choices, default=AnchorState.ANCHORED)
    anchor_method = models.CharField(max_length=16, default="position")
    anchor_score = models.FloatField(default=1.0)
    sentences = models.ManyToManyField(Sentence, related_name="annotations", blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "start", "id"]
        indexes = [
            models.Index(fields=["article", "anchor_state"]),
            models.Index(fields=["article", "tag"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(selector_end__gt=models.F("selector_start")), name="annotation_not_empty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag}: {self.exact[:60]}"


class AnnotationEdit(models.Model):
    """What an annotation was before an edit: the history its author and moderators see."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="edits")
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    tag = models.CharField(max_length=16, choices=Tag.choices)
    note = models.TextField(blank=True)
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annotation", "-edited_at", "-id"]

    def __str__(self) -> str:
        return f"{self.annotation_id} before {self.edited_at:%Y-%m-%d %H:%M}"


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    REFUTES = "refutes", "Refutes"


class EvidenceLink(models.Model):
    evidence = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="evidence_links")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence_links")
    stance = models.CharField(max_length=16, choices=Stance.choices)
    note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["evidence", "claim"], name="unique_evidence_claim")]

    def __str__(self) -> str:
        return f"{self.evidence_id} {self.stance} claim {self.claim_id}"


class SourceStance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"


class Source(Hideable):
    """A counter-source on a claim: an external link (never fetched) or a passage of an article."""

    class Kind(models.TextChoices):
        LINK = "link", "External link"
        PASSAGE = "passage", "Passage in the corpus"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sources")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    stance = models.CharField(max_length=16, choices=SourceStance.choices)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=300, blank=True)
    passage_article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.CASCADE, related_name="cited_by"
    )
    passage_revision = models.ForeignKey(Revision, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    passage_start = models.PositiveIntegerField(null=True, blank=True)
    passage_end = models.PositiveIntegerField(null=True, blank=True)
    passage_quote = models.TextField(blank=True)
    note = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["claim", "-created_at"]

    def __str__(self) -> str:
        return self.title or self.url
