"""Consensus reads: a claim's consensus view, an article's tag agreement and the corpus view.

A consensus that is missing or out of date (a vote arrived since it was computed) is never
shown as a number: its status is "updating", its numbers are null, and the last computed ones
are under `previous`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Lower, Trim

from annotations.consensus.alpha import interpret_alpha
from annotations.models import (
    Article,
    ArticleAgreement,
    Claim,
    ClaimConsensus,
    ConsensusRun,
    ConsensusStatus,
    EvidenceLink,
    SentenceLabel,
    Source,
    SourceStance,
    Stance,
    Vote,
    VoteValue,
)
from annotations.policy import can_see, hidden_filter

Viewer = AbstractBaseUser | AnonymousUser

UPDATING = "updating"
VERDICTS = {**dict(ConsensusStatus.choices), UPDATING: "Updating"}


def thresholds() -> dict:
    return {
        "min_votes": settings.CONSENSUS_MIN_VOTES,
        "agree_intercept": settings.CONSENSUS_AGREE_INTERCEPT,
        "max_abs_factor": settings.CONSENSUS_MAX_ABS_FACTOR,
        "reject_base": settings.CONSENSUS_REJECT_BASE,
        "reject_slope": settings.CONSENSUS_REJECT_SLOPE,
    }


@dataclass(frozen=True)
class ConsensusNumbers:
    votes: int | None
    agree: int | None
    disagree: int | None
    unsure: int | None
    agree_share: float | None
    wilson_low: float | None
    wilson_high: float | None
    intercept: float | None
    factor: float | None
    groups: list[dict] | None
    group_consensus: float | None
    divisiveness: float | None
    computed_at: dt.datetime | None

    @classmethod
    def of(cls, row: ClaimConsensus) -> ConsensusNumbers:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    @classmethod
    def unknown(cls) -> ConsensusNumbers:
        return cls(**dict.fromkeys((f.name for f in fields(cls)), None))

    @classmethod
    def no_votes(cls) -> ConsensusNumbers:
        return cls(**{**cls.unknown().__dict__, "votes": 0, "agree": 0, "disagree": 0, "unsure": 0, "groups": []})


@dataclass(frozen=True)
class ClaimConsensusView(ConsensusNumbers):
    claim: int
    article: int
    status: str
    verdict: str
    up_to_date: bool
    updating_since: dt.datetime | None
    previous: ConsensusNumbers | None
    your_vote: str | None
    evidence_for: int
    evidence_against: int
    sources_supporting: int
    sources_contradicting: int
    thresholds: dict

    @property
    def votes_to_verdict(self) -> int | None:
        """More agree or disagree votes a verdict needs (0 when it has enough)."""
        if self.agree is None:
            return None
        return max(0, self.thresholds["min_votes"] - self.agree - self.disagree)


def _state(row: ClaimConsensus | None, *, has_votes: bool) -> tuple[str, ConsensusNumbers, ConsensusNumbers | None]:
    """(status, numbers to show, previous numbers) for a consensus row."""
    if row is None:
        if has_votes:  # votes imported or cast, not computed yet
            return UPDATING, ConsensusNumbers.unknown(), None
        return ConsensusStatus.NOT_ENOUGH_VOTES, ConsensusNumbers.no_votes(), None
    if row.dirty:
        return UPDATING, ConsensusNumbers.unknown(), ConsensusNumbers.of(row) if row.computed_at else None
    return row.status, ConsensusNumbers.of(row), None


def _counts(queryset: QuerySet, field: str) -> dict[str, int]:
    return dict(queryset.order_by().values_list(field).annotate(n=Count("pk")))


def claim_consensus(claim_id: int, *, user: Viewer) -> ClaimConsensusView | None:
    """The consensus view of a claim (None if there is no such claim, or it is hidden from
    `user`): five queries at most. Evidence and sources hidden from `user` are not counted."""
    claim = Claim.objects.select_related("consensus").filter(pk=claim_id).first()
    if claim is None or not can_see(user, claim):
        return None
    row = getattr(claim, "consensus", None)
    has_votes = row is not None or Vote.objects.filter(claim_id=claim_id).exists()
    status, numbers, previous = _state(row, has_votes=has_votes)
    your_vote = None
    if user.is_authenticated:
        value = Vote.objects.filter(claim_id=claim_id, user=user).values_list("value", flat=True).first()
        your_vote = None if value is None else VoteValue(value).label
    evidence = _counts(EvidenceLink.objects.filter(hidden_filter(user, prefix="evidence__"), claim_id=claim_id), "stance")
    sources = _counts(Source.objects.filter(hidden_filter(user), claim_id=claim_id), "stance")
    return ClaimConsensusView(
        **numbers.__dict__,
        claim=claim.pk,
        article=claim.article_id,
        status=status,
        verdict=VERDICTS[status],
        up_to_date=status != UPDATING,
        updating_since=row.dirty_at if row is not None and row.dirty else None,
        previous=previous,
        your_vote=your_vote,
        evidence_for=evidence.get(Stance.SUPPORTS, 0),
        evidence_against=evidence.get(Stance.REFUTES, 0),
        sources_supporting=sources.get(SourceStance.SUPPORTS, 0),
        sources_contradicting=sources.get(SourceStance.CONTRADICTS, 0),
        thresholds=thresholds(),
    )


# ---- The corpus view ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaimSummary:
    id: int
    article: int
    article_title: str
    quote: str
    status: str
    up_to_date: bool
    votes: int | None
    agree_share: float | None
    intercept: float | None
    factor: float | None
    divisiveness: float | None

    @classmethod
    def of(cls, claim: Claim) -> ClaimSummary:
        row = getattr(claim, "consensus", None)
        status, numbers, _ = _state(row, has_votes=row is not None)
        return cls(
            id=claim.pk, article=claim.article_id, article_title=claim.article.title, quote=claim.quote,
            status=status, up_to_date=status != UPDATING, votes=numbers.votes, agree_share=numbers.agree_share,
            intercept=numbers.intercept, factor=numbers.factor, divisiveness=numbers.divisiveness,
        )


@dataclass(frozen=True)
class RepeatedClaim:
    quote: str
    articles: int
    claims: list[ClaimSummary]


@dataclass(frozen=True)
class AgreementNumbers:
    alpha: float | None
    reading: str | None
    units: int | None
    taggers: int | None
    computed_at: dt.datetime | None


@dataclass(frozen=True)
class CorpusConsensus:
    bridging: list[ClaimSummary]
    divisive: list[ClaimSummary]
    repeated: list[RepeatedClaim]
    last_refit: ConsensusRun | None
    agreement: AgreementNumbers | None


def _with_claim(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    return queryset.select_related("article", "consensus").only(
        "pk", "quote", "article_id", "article__title", *(f"consensus__{f.name}" for f in ClaimConsensus._meta.concrete_fields if f.name != "claim")
    )


def corpus_consensus(*, user: Viewer, limit: int = 10) -> CorpusConsensus:
    """Claims across all articles that `user` may see: those agreed across viewpoints, best
    bridged first; the most divisive between opinion groups; and claim texts that several
    articles make. Ranked by the last computed numbers (and statuses: a claim agreed when last
    computed is listed, as updating, while new votes on it are counted)."""
    claims = Claim.objects.filter(hidden_filter(user, author_field="created_by"))
    ranked = _with_claim(claims.filter(consensus__isnull=False))
    bridging = ranked.filter(
        consensus__status=ConsensusStatus.AGREED, consensus__intercept__isnull=False
    ).order_by(F("consensus__intercept").desc(), "pk")[:limit]
    divisive = ranked.filter(
        consensus__divisiveness__isnull=False, consensus__votes__gte=settings.CONSENSUS_MIN_VOTES
    ).order_by(F("consensus__divisiveness").desc(), "pk")[:limit]

    keyed = claims.annotate(key=Lower(Trim("quote")))
    keys = list(
        keyed.values("key").annotate(articles=Count("article", distinct=True)).filter(articles__gte=2)
        .order_by("-articles", "key").values_list("key", "articles")[:limit]
    )
    by_key: dict[str, list[ClaimSummary]] = {key: [] for key, _ in keys}
    for claim in _with_claim(keyed.filter(key__in=by_key)).order_by("article_id", "pk"):
        by_key[claim.key].append(ClaimSummary.of(claim))
    repeated = [RepeatedClaim(quote=by_key[key][0].quote, articles=n, claims=by_key[key]) for key, n in keys]

    run = last_refit()
    return CorpusConsensus(
        bridging=[ClaimSummary.of(c) for c in bridging],
        divisive=[ClaimSummary.of(c) for c in divisive],
        repeated=repeated,
        last_refit=run,
        agreement=corpus_agreement(run),
    )


def last_refit() -> ConsensusRun | None:
    return ConsensusRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-id").first()


def corpus_agreement(run: ConsensusRun | None) -> AgreementNumbers | None:
    """The tag agreement over the whole corpus, as of the refit `run`."""
    if run is None:
        return None
    return AgreementNumbers(
        alpha=run.corpus_alpha,
        reading=interpret_alpha(float("nan") if run.corpus_alpha is None else run.corpus_alpha),
        units=run.corpus_units,
        taggers=run.corpus_taggers,
        computed_at=run.finished_at,
    )


# ---- Agreement on sentence tags -------------------------------------------------------------


@dataclass(frozen=True)
class SentenceConsensus:
    sentence: int
    index: int
    start: int
    end: int
    label: str
    confidence: float
    taggers: int


@dataclass(frozen=True)
class ArticleAgreementView(AgreementNumbers):
    article: int
    label_method: str | None
    status: str
    up_to_date: bool
    sentences: list[SentenceConsensus] | None
    previous: AgreementNumbers | None
    corpus: AgreementNumbers | None


def stale_agreement_articles() -> QuerySet[Article]:
    """Articles whose annotations changed since their tag agreement was computed."""
    return Article.objects.filter(annotations_changed_at__isnull=False).filter(
        Q(agreement__isnull=True)
        | Q(agreement__source_changed_at__isnull=True)
        | Q(agreement__source_changed_at__lt=F("annotations_changed_at"))
        | Q(agreement__source_changed_at__gt=F("annotations_changed_at"))
    )


def _agreement_numbers(row: ArticleAgreement) -> AgreementNumbers:
    return AgreementNumbers(
        alpha=row.alpha, reading=row.reading, units=row.n_units, taggers=row.n_taggers, computed_at=row.computed_at
    )


def article_agreement(article_id: int) -> ArticleAgreementView | None:
    """An article's tag agreement and per-sentence consensus tags, with the corpus' alpha
    (None if there is no such article)."""
    article = Article.objects.filter(pk=article_id).select_related("agreement").first()
    if article is None:
        return None
    row = getattr(article, "agreement", None)
    fresh = article.annotations_changed_at is None or (
        row is not None and row.source_changed_at == article.annotations_changed_at
    )
    corpus = corpus_agreement(last_refit())
    if not fresh:
        previous = _agreement_numbers(row) if row is not None else None
        return ArticleAgreementView(
            alpha=None, reading=None, units=None, taggers=None, computed_at=None, article=article.pk,
            label_method=None, status=UPDATING, up_to_date=False, sentences=None, previous=previous, corpus=corpus,
        )
    labels = SentenceLabel.objects.filter(
        article_id=article.pk, sentence__revision_id=article.current_revision_id
    ).select_related("sentence").order_by("sentence__index")
    numbers = _agreement_numbers(row) if row is not None else AgreementNumbers(None, None, 0, 0, None)
    return ArticleAgreementView(
        **numbers.__dict__,
        article=article.pk,
        label_method=row.label_method if row is not None else None,
        status="ready",
        up_to_date=True,
        sentences=[
            SentenceConsensus(
                sentence=label.sentence_id, index=label.sentence.index, start=label.sentence.start,
                end=label.sentence.end, label=label.label, confidence=label.confidence, taggers=label.n_taggers,
            )
            for label in labels
        ],
        previous=None,
        corpus=corpus,
    )
