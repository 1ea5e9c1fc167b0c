"""The domain, one module per part once it grows."""
from annotations.models.articles import Article, Revision, Sentence

__all__ = ["Article", "Revision", "Sentence"]
