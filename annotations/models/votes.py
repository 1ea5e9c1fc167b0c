"""Votes on claims and what the workers make of them: per-claim consensus, each voter's
viewpoint from the last refit, the refits themselves, and agreement on sentence tags."""
from django.conf import settings
from django.db import models

from annotations.models.annotations import Claim, Tag
from annotations.models.articles import Article, Sentence


class VoteValue(models.IntegerChoices):
    """Stored on Polis' scale, so that bulk reads are three small integers per vote."""

    AGREE = 1, "agree"
    DISAGREE = -1, "disagree"
    UNSURE = 0, "unsure"


class Vote(models.Model):
    """One person's vote on one claim; voting again replaces it.

    Neither foreign key has an index of its own: the unique (user, claim) constraint and the
    (claim, user) index lead with each, serve every query on votes as well, and a million-vote
    import spends less time keeping indexes up (bench/import_scale.py shows the plans)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes", db_index=False)
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="votes", db_index=False)
    value = models.SmallIntegerField(choices=VoteValue.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "claim"], name="one_vote_per_user_and_claim")]
        indexes = [models.Index(fields=["claim", "user"], name="vote_by_claim")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.get_value_display()} claim {self.claim_id}"


class ConsensusStatus(models.TextChoices):
    AGREED = "agreed", "Agreed across viewpoints"
    REJECTED = "rejected", "Rejected across viewpoints"
    DIVIDED = "divided", "Divided"
    NOT_ENOUGH_VOTES = "not_enough_votes", "Not enough votes yet"


class ConsensusRun(models.Model):
    """One full refit: the model's global parameters that refreshes between refits reuse, the
    thresholds applied, what it saw, how long it took, and the corpus' tag agreement."""

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    mu = models.FloatField(null=True, help_text="Global mean μ of the fit.")
    claim_ridge_intercept = models.FloatField(null=True, help_text="Per-claim ridge weight on i_claim.")
    claim_ridge_factor = models.FloatField(null=True, help_text="Per-claim ridge weight on f_claim.")
    thresholds = models.JSONField(default=dict)
    n_votes = models.PositiveIntegerField(default=0)
    n_ratings = models.PositiveIntegerField(default=0, help_text="Agree and disagree votes (unsure ones are not ratings).")
    n_users = models.PositiveIntegerField(default=0)
    n_claims = models.PositiveIntegerField(default=0)
    n_groups = models.PositiveSmallIntegerField(default=0)
    group_sizes = models.JSONField(default=list, help_text="Members of opinion group 0, 1, …")
    n_iter = models.PositiveIntegerField(default=0)
    converged = models.BooleanField(default=False)
    seconds = models.JSONField(default=dict, help_text="Wall-clock seconds per phase.")
    corpus_alpha = models.FloatField(null=True, blank=True)
    corpus_units = models.PositiveIntegerField(default=0)
    corpus_taggers = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = ["finished_at", "id"]

    def __str__(self) -> str:
        return f"refit {self.started_at:%Y-%m-%d %H:%M:%S}"


class UserViewpoint(models.Model):
    """A voter's parameters from the last refit: intercept (how agreeable), factor (which side)
    and opinion group (−1: too few votes to place).

    Every refit replaces the whole table, so it has no foreign key constraint in the database:
    checking 100k keys at commit took as long as writing the rows. Deleting a user still
    deletes their viewpoint (Django cascades it), and a refit drops any other leftover.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="viewpoint",
        db_constraint=False,
    )
    intercept = models.FloatField()
    factor = models.FloatField()
    group = models.SmallIntegerField(default=-1)

    def __str__(self) -> str:
        return f"{self.user_id}: i={self.intercept:.3f} f={self.factor:.3f} group {self.group}"


class ClaimConsensus(models.Model):
    """What the votes on a claim add up to, as of `computed_at`.

    A vote bumps `version` and sets `dirty` in its own transaction; a recompute clears `dirty`
    only when `version` is still the one it read before reading the votes, so a vote that lands
    mid-computation is never lost.
    """

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, primary_key=True, related_name="consensus")
    votes = models.PositiveIntegerField(default=0)
    agree = models.PositiveIntegerField(default=0)
    disagree = models.PositiveIntegerField(default=0)
    unsure = models.PositiveIntegerField(default=0)
    agree_share = models.FloatField(null=True, help_text="agree / votes (unsure counts as seen, not agreed).")
    wilson_low = models.FloatField(null=True)
    wilson_high = models.FloatField(null=True)
    intercept = models.FloatField(null=True, help_text="Bridging score: agreement no side explains.")
    factor = models.FloatField(null=True, help_text="Which side the claim appeals to.")
    status = models.CharField(max_length=16, choices=ConsensusStatus.choices, default=ConsensusStatus.NOT_ENOUGH_VOTES)
    groups = models.JSONField(default=list, help_text="Per opinion group: group, agree, disagree, unsure, share.")
    group_consensus = models.FloatField(null=True, help_text="Polis' group-aware consensus.")
    divisiveness = models.FloatField(null=True)
    computed_at = models.DateTimeField(null=True)
    dirty = models.BooleanField(default=False)
    dirty_at = models.DateTimeField(null=True, help_text="When the latest vote made it out of date.")
    version = models.PositiveBigIntegerField(default=0, help_text="Bumped by every vote.")

    class Meta:
        indexes = [
            models.Index(fields=["dirty_at"], condition=models.Q(dirty=True), name="consensus_dirty"),
            models.Index(fields=["intercept"], name="consensus_by_intercept"),
            models.Index(fields=["divisiveness"], name="consensus_by_divisiveness"),
            # The home page's stamp: the latest vote or recompute anywhere (selectors/home.py).
            models.Index(fields=["computed_at"], name="consensus_by_computed_at"),
            models.Index(fields=["dirty_at"], name="consensus_by_dirty_at"),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id}: {self.status}"


class SentenceLabel(models.Model):
    """The consensus tag of a sentence (Dawid–Skene over its taggers)."""

    sentence = models.OneToOneField(Sentence, on_delete=models.CASCADE, primary_key=True, related_name="label")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    label = models.CharField(max_length=16, choices=Tag.choices)
    confidence = models.FloatField()
    n_taggers = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.sentence_id}: {self.label} ({self.confidence:.2f})"


class ArticleAgreement(models.Model):
    """Inter-annotator agreement on an article's sentence tags (Krippendorff's alpha, nominal).

    `source_changed_at` is the article's `annotations_changed_at` as read before the tags
    were: the agreement is up to date while the two are equal.
    """

    article = models.OneToOneField(Article, on_delete=models.CASCADE, primary_key=True, related_name="agreement")
    alpha = models.FloatField(null=True, help_text="Null when no disagreement was possible.")
    reading = models.CharField(max_length=16)
    n_units = models.PositiveIntegerField(help_text="Sentences tagged by at least two people.")
    n_taggers = models.PositiveIntegerField()
    label_method = models.CharField(
        max_length=16, default="majority_vote", help_text="How the sentences' consensus tags were found."
    )
    source_changed_at = models.DateTimeField(null=True)
    computed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"article {self.article_id}: α={self.alpha}"
