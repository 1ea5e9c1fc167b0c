"""python manage.py seed_demo [--remove]"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from annotations.policy import NotAllowed
from annotations.selectors.demo import claim_status_counts
from annotations.services.consensus import consensus_refit
from annotations.services.demo import DEMO_READERS, demo_remove, demo_seed
from annotations.services.ratelimits import RateLimited


class Command(BaseCommand):
    help = (
        "Add demo readers (demo-reader-01…, in the group \"demo\"; they cannot sign in) with claims, "
        "evidence and votes on the articles, drawn so that opinion groups form and some claims are "
        "agreed across viewpoints, some divided and some rejected; then refit the consensus. Running "
        "it again adds nothing. --remove deletes every demo reader and all they made."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("--remove", action="store_true", help="Delete the demo readers and all they made.")
        parser.add_argument("--readers", type=int, default=DEMO_READERS, help="Demo readers (default %(default)s).")
        parser.add_argument("--seed", type=int, default=0, help="Seed of the random draw (default %(default)s).")

    def handle(self, *args, remove: bool, readers: int, seed: int, **options):
        try:
            if remove:
                counts = demo_remove()
                self.stdout.write(
                    f"Removed {counts.readers} demo readers, {counts.annotations} annotations, "
                    f"{counts.links} evidence links, {counts.votes} votes and {counts.claims} claims."
                )
            else:
                counts = demo_seed(readers=readers, seed=seed)
                self.stdout.write(
                    f"Demo: {counts.readers} new readers, {counts.annotations} annotations "
                    f"({counts.claims} new claims), {counts.links} evidence links, {counts.votes} votes"
                    + (" (it was there already)." if not any(vars(counts).values()) else ".")
                )
        except (ValueError, NotAllowed, RateLimited) as error:
            raise CommandError(f"Nothing was changed: {error}") from error
        run = consensus_refit()
        statuses = ", ".join(f"{count} {status}" for status, count in claim_status_counts().items()) or "none"
        self.stdout.write(f"Consensus refitted: {run.n_groups} opinion groups {run.group_sizes}; claims: {statuses}.")

