"""Shared set-up for the consensus views' tests: a sample text, tagging a sentence, voters, and
reading the claim block, its pressed vote buttons and the reader's live-poll stamp."""
import re

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from annotations.models import Claim, ClaimConsensus, Sentence
from annotations.services.annotations import annotation_create
from tests.factories import UserFactory

HTMX = {"HTTP_HX_REQUEST": "true"}
TEXT = (
    "Prices And Wages\n"
    "Prices rose by 12% in a year. Wages did not follow. Rents doubled.\n"
    "Critics call the figures misleading."
)


def sentences(article) -> list[Sentence]:
    return list(article.current_revision.sentences.filter(kind__in=Sentence.ANNOTATABLE).order_by("index"))


def tag(article, user, index: int, tag_name: str = "claim"):
    s = sentences(article)[index]
    return annotation_create(author=user, article=article, start=s.start, end=s.end, tag=tag_name)


def claim_at(article, index: int, user=None) -> Claim:
    return tag(article, user or UserFactory(), index).claim


def voters(n: int, prefix: str = "voter") -> list:
    return [get_user_model().objects.create(username=f"{prefix}{i}") for i in range(n)]


def block(client, claim, **extra):
    url = reverse("claim-consensus", args=[claim.pk])
    return client.get(url, {"view": "block", "slot": f"c{claim.pk}"}, **HTMX, **extra)


def pressed(html: str) -> list[str]:
    return re.findall(r'data-vote="(\w+)" aria-pressed="true"', html)


def consensus_row(claim, status, **fields):
    return ClaimConsensus.objects.create(claim=claim, status=status, computed_at=timezone.now(), **fields)


def since_of(html: str) -> str:
    """The change stamp the reader sends back with its live poll."""
    return re.search(r'id="live-since" name="since" value="([\d-]+)"', html).group(1)
