"""python manage.py recompute_consensus"""
from __future__ import annotations

from django.core.management.base import BaseCommand

from annotations.services.consensus import consensus_refit


class Command(BaseCommand):
    help = (
        "Refit the consensus model on every vote now and rewrite every voter's viewpoint, every "
        "claim's consensus and every article's tag agreement (what the scheduled refit does)."
    )
    # A data job, not a server start: the system checks (a second or so) are `manage.py check`'s.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        run = consensus_refit()
        self.stdout.write(
            f"{run.n_votes:,} votes ({run.n_ratings:,} agree/disagree) by {run.n_users:,} people on "
            f"{run.n_claims:,} claims; {run.n_groups} opinion groups {run.group_sizes}; "
            f"fit {'converged' if run.converged else 'did not converge'} in {run.n_iter} sweeps."
        )
        alpha = "n/a" if run.corpus_alpha is None else f"{run.corpus_alpha:.3f}"
        self.stdout.write(f"Corpus tag agreement: alpha {alpha} over {run.corpus_units:,} sentences.")
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in run.seconds.items())
        total = (run.finished_at - run.started_at).total_seconds()
        self.stdout.write(f"Done in {total:.2f} s ({phases}).")
