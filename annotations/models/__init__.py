"""The domain, one module per part."""
from annotations.models.annotations import (
    AnchorState,
    Annotation,
    AnnotationEdit,
    Claim,
    EvidenceLink,
    Source,
    SourceStance,
    Stance,
    Tag,
)
from annotations.models.articles import Article, Revision, Sentence
from annotations.models.votes import (
    ArticleAgreement,
    ClaimConsensus,
    ConsensusRun,
    ConsensusStatus,
    SentenceLabel,
    UserViewpoint,
    Vote,
    VoteValue,
)

__all__ = [
    "AnchorState",
    "Annotation",
    "AnnotationEdit",
    "Article",
    "ArticleAgreement",
    "Claim",
    "ClaimConsensus",
    "ConsensusRun",
    "ConsensusStatus",
    "EvidenceLink",
    "Revision",
    "Sentence",
    "SentenceLabel",
    "Source",
    "SourceStance",
    "Stance",
    "Tag",
    "UserViewpoint",
    "Vote",
    "VoteValue",
]
