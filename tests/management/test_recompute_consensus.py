from io import StringIO

import pytest
from django.core.management import call_command

from annotations.models import Claim, ClaimConsensus, ConsensusRun, UserViewpoint
from annotations.services.votes import ImportedVote, votes_import
from tests.consensus.synthetic import planted
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = StringIO()
    call_command("recompute_consensus", stdout=out)
    return out.getvalue()


def test_recompute_consensus_refits_everything_and_reports_it():
    data = planted(40, 10, 10, seed=2)
    article = ArticleFactory()
    claims = [Claim.objects.create(article=article, quote=f"Claim {i}.") for i in range(10)]
    votes_import(
        votes=[
            ImportedVote(line=i, username=f"u{u}", claim_id=claims[c].pk, value=int(v) or -1)
            for i, (u, c, v) in enumerate(zip(data.users, data.claims, data.values, strict=True))
        ]
    )
    assert ClaimConsensus.objects.filter(dirty=True).count() == 10

    output = run()
    assert f"{data.users.size:,} votes ({data.users.size:,} agree/disagree) by 40 people on 10 claims" in output
    assert "opinion groups" in output and "Done in" in output and "fit " in output
    assert not ClaimConsensus.objects.filter(dirty=True).exists()
    assert UserViewpoint.objects.count() == 40
    first = list(ClaimConsensus.objects.order_by("claim").values_list("intercept", "factor", "status"))

    run()  # idempotent
    assert list(ClaimConsensus.objects.order_by("claim").values_list("intercept", "factor", "status")) == first
    assert ConsensusRun.objects.filter(finished_at__isnull=False).count() == 2


def test_recompute_consensus_with_no_votes_at_all():
    output = run()
    assert "0 votes (0 agree/disagree) by 0 people on 0 claims" in output
    assert "alpha n/a" in output
