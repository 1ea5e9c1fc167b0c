"""Reads that explain the consensus: whether opinion groups exist yet (and, if not, how many
more votes they need), and the numbers of the "How is this computed?" page, read live from the
latest full refit and the current claims.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Case, Count, IntegerField, Value, When

from annotations.consensus.groups import MIN_VOTERS, MIN_VOTES, votes_needed_for_groups
from annotations.models import Claim, ConsensusRun, ConsensusStatus, UserViewpoint, Vote
from annotations.policy import hidden_filter
from annotations.selectors.consensus import VERDICTS, Viewer, last_refit, thresholds
from annotations.selectors.consensus_pages import ClaimsSummary, claims_summary


@dataclass(frozen=True)
class GroupsState:
    """Opinion groups as of the last full refit, or why there are none yet."""

    sizes: list[int]
    """Members of group A, B, … (empty, or one group, when the voters were not split)."""
    votes_needed: int | None
    """With no groups: the fewest further votes that let the next refit split the voters (0:
    enough already); None when there are too few claims for anyone to vote that often."""
    claims_needed: int
    min_votes: int = MIN_VOTES
    min_voters: int = MIN_VOTERS

    @property
    def exist(self) -> bool:
        return len(self.sizes) >= 2

    @property
    def refit_minutes(self) -> int:
        return max(1, round(settings.CONSENSUS_REFIT_SECONDS / 60))

    @property
    def max_groups(self) -> int:
        return settings.CONSENSUS_MAX_GROUPS


def groups_state(run: ConsensusRun | None) -> GroupsState:
    """Whether the refit `run` (the latest) found opinion groups; if not, how far the votes
    are from letting it (two queries then, over every vote: only while there are no groups)."""
    sizes = list(run.group_sizes) if run is not None else []
    if len(sizes) >= 2:
        return GroupsState(sizes=sizes, votes_needed=None, claims_needed=0)
    busiest = (
        Vote.objects.order_by().values("user_id").annotate(n=Count("pk")).order_by("-n").values_list("n", flat=True)
    )
    claims = Claim.objects.filter(hidden_at__isnull=True).count()
    return GroupsState(
        sizes=sizes,
        votes_needed=votes_needed_for_groups(list(busiest[:MIN_VOTERS]), n_claims=claims),
        claims_needed=max(0, MIN_VOTES - claims),
    )


@dataclass(frozen=True)
class GroupProfile:
    """An opinion group's typical voter: the mean intercept and factor of its members."""

    group: int
    members: int
    intercept: float
    factor: float


@dataclass(frozen=True)
class GroupPrediction:
    group: int
    members: int
    voter_intercept: float
    voter_factor: float
    """The group's average voter's numbers."""
    predicted: float
    """μ + voter_intercept + i_claim + voter_factor · f_claim."""
    share: float | None
    """How the group's members actually voted: their agree share (None: no votes)."""


@dataclass(frozen=True)
class WorkedExample:
    """One claim's numbers and how its status follows from them."""

    id: int
    quote: str
    article_title: str
    status: str
    verdict: str
    votes: int
    ratings: int
    agree_share: float | None
    intercept: float
    factor: float
    typical: float
    """μ + i_claim: the model's prediction for a voter with intercept and factor 0."""
    clears_agree_line: bool
    appeals_to_all: bool
    reject_line: float
    """i_claim at or below this is rejected, for this claim's factor."""
    groups: list[GroupPrediction]


@dataclass(frozen=True)
class ConsensusAbout:
    run: ConsensusRun | None
    thresholds: dict
    """As the last refit applied them; the settings' when none has run."""
    claims: ClaimsSummary
    groups: GroupsState
    profiles: list[GroupProfile]
    example: WorkedExample | None


def _profiles() -> list[GroupProfile]:
    rows = (
        UserViewpoint.objects.filter(group__gte=0).order_by("group").values("group")
        .annotate(members=Count("pk"), intercept=Avg("intercept"), factor=Avg("factor"))
    )
    return [GroupProfile(**row) for row in rows]


def _example(user: Viewer, run: ConsensusRun, th: dict, profiles: list[GroupProfile]) -> WorkedExample | None:
    """The visible claim with the most votes among those agreed across viewpoints, else among
    all with numbers that are up to date."""
    claim = (
        Claim.objects.filter(
            hidden_filter(user, author_field="created_by"), consensus__dirty=False, consensus__intercept__isnull=False
        )
        .select_related("consensus", "article")
        .only("pk", "quote", "article__title", *(f"consensus__{f}" for f in (
            "status", "votes", "agree", "disagree", "agree_share", "intercept", "factor", "groups", "dirty",
        )))
        .annotate(agreed=Case(When(consensus__status=ConsensusStatus.AGREED, then=Value(1)), default=Value(0),
                              output_field=IntegerField()))
        .order_by("-agreed", "-consensus__votes", "pk")
        .first()
    )
    if claim is None:
        return None
    row = claim.consensus
    shares = {g["group"]: g["share"] for g in row.groups}
    return WorkedExample(
        id=claim.pk, quote=claim.quote, article_title=claim.article.title, status=row.status,
        verdict=VERDICTS[row.status], votes=row.votes, ratings=row.agree + row.disagree, agree_share=row.agree_share,
        intercept=row.intercept, factor=row.factor, typical=run.mu + row.intercept,
        clears_agree_line=row.intercept >= th["agree_intercept"],
        appeals_to_all=abs(row.factor) <= th["max_abs_factor"],
        reject_line=th["reject_base"] - th["reject_slope"] * abs(row.factor),
        groups=[
            GroupPrediction(
                group=p.group, members=p.members, voter_intercept=p.intercept, voter_factor=p.factor,
                predicted=run.mu + p.intercept + row.intercept + p.factor * row.factor, share=shares.get(p.group),
            )
            for p in profiles
        ],
    )


def consensus_about(*, user: Viewer) -> ConsensusAbout:
    """The corpus' own numbers for the page that explains the model: the last refit's, the
    claims `user` may see by status, the opinion groups' typical voters and one worked example
    (six queries at most)."""
    run = last_refit()
    if run is not None and run.mu is None:
        run = None
    th = {**thresholds(), **(run.thresholds if run is not None else {})}
    profiles = _profiles() if run is not None else []
    return ConsensusAbout(
        run=run,
        thresholds=th,
        claims=claims_summary(Claim.objects.filter(hidden_filter(user, author_field="created_by"))),
        groups=groups_state(run),
        profiles=profiles,
        example=_example(user, run, th, profiles) if run is not None else None,
    )
