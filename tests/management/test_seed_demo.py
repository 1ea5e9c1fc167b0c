"""`manage.py seed_demo` and `seed_demo --remove`: what they print, and the refit they run."""
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from annotations.models import Annotation, ClaimConsensus, ConsensusRun, Vote

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_then_remove(corpus_dir):
    call_command("import_articles", str(corpus_dir), no_progress=True, stdout=StringIO())
    seeded = run()
    assert seeded.startswith("Demo: 40 new readers, ")
    # The refit ran: the pages show groups and verdicts at once, without a worker.
    run_row = ConsensusRun.objects.latest()
    assert f"Consensus refitted: {run_row.n_groups} opinion groups" in seeded and run_row.n_groups >= 2
    for status in ("agreed", "divided", "rejected"):
        assert f" {status}" in seeded
    assert not ClaimConsensus.objects.filter(dirty=True).exists()
    assert "(it was there already)" in run()

    removed = run("--remove")
    assert removed.startswith("Removed 40 demo readers, ")
    assert not get_user_model().objects.exists()
    assert not Annotation.objects.exists() and not Vote.objects.exists()
    assert "claims: none." in removed


def test_without_articles_it_says_what_to_do():
    with pytest.raises(CommandError, match="Nothing was changed: There are no articles"):
        run()
