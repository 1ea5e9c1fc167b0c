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

__all__ = [
    "AnchorState",
    "Annotation",
    "AnnotationEdit",
    "Article",
    "Claim",
    "EvidenceLink",
    "Revision",
    "Sentence",
    "Source",
    "SourceStance",
    "Stance",
    "Tag",
]
