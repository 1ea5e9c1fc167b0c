"""`manage.py recompute_consensus` end to end on the configured database: read every vote, fit,
find opinion groups, write every voter's viewpoint and every claim's consensus.

100,000 users x 10,000 claims with planted camps (tests/consensus/synthetic.py), at 100k and
1M votes (and 10M with --max-votes 10000000). The votes are bulk-loaded into a throwaway test
database (COPY on PostgreSQL, with the vote table's indexes and constraints built afterwards;
bulk_create on SQLite); the command then runs in a fresh process, so its wall time includes
starting Django and its peak RSS is its own. Targets at 10M votes on PostgreSQL: at most 15 s
end to end, at most 1 GB.

    DATABASE_URL=postgres://... .venv/bin/python bench/consensus_recompute.py [--max-votes N]
"""
from __future__ import annotations

import argparse
import io
import os
import time

import numpy as np
from django_env import django_test_database, run_manage

N_USERS, N_CLAIMS = 100_000, 10_000
SIZES = (100_000, 1_000_000, 10_000_000)
CHUNK = 1_000_000


def _copy(cursor, table: str, columns: str, lines) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for block in lines:
            copy.write(block)


def load_people_and_claims() -> tuple[np.ndarray, np.ndarray]:
    """100k voters and 10k claims on one article; returns their ids in index order."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotations.models import Claim
    from annotations.services.articles import article_create

    User = get_user_model()
    article = article_create(text="Benchmark Article\nOne sentence to hang the claims on.")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            _copy(
                cursor, User._meta.db_table,
                "password, is_superuser, username, first_name, last_name, email, is_staff, is_active, date_joined",
                ["".join(f"!\tf\tb{u:06d}\t\t\t\tf\tt\t2026-01-01 00:00:00+00\n" for u in range(N_USERS))],
            )
            _copy(
                cursor, Claim._meta.db_table, "article_id, quote, created_at, hidden_reason, thread_lock_reason",
                ["".join(f"{article.pk}\tClaim {c}.\t2026-01-01 00:00:00+00\t\t\n" for c in range(N_CLAIMS))],
            )
    else:
        User.objects.bulk_create((User(username=f"b{u:06d}", password="!") for u in range(N_USERS)), batch_size=5000)
        Claim.objects.bulk_create((Claim(article=article, quote=f"Claim {c}.") for c in range(N_CLAIMS)), batch_size=5000)
    users = np.array(User.objects.filter(username__startswith="b").order_by("username").values_list("pk", flat=True))
    claims = np.array(Claim.objects.order_by("pk").values_list("pk", flat=True))
    return users, claims


def _drop_constraints_and_indexes(cursor, table: str) -> list[str]:
    """Drop the table's unique and foreign key constraints and its other indexes (not the
    primary key); returns the statements that put them back. Building them once after a bulk
    load is several times faster than keeping them up to date row by row."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
        "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _ in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints
    ]


def load_votes(user_ids: np.ndarray, claim_ids: np.ndarray, users, claims, values) -> None:
    from django.db import connection, transaction

    from annotations.models import ClaimConsensus, ConsensusRun, UserViewpoint, Vote

    with transaction.atomic():
        for model in (Vote, ClaimConsensus, UserViewpoint, ConsensusRun):
            model.objects.all().delete()
    vote = np.where(values > 0, 1, -1)
    if connection.vendor == "postgresql":

        def blocks():
            for start in range(0, users.size, CHUNK):
                part = slice(start, start + CHUNK)
                buffer = io.StringIO()
                table = np.column_stack([user_ids[users[part]], claim_ids[claims[part]], vote[part]])
                np.savetxt(buffer, table, fmt="%d", delimiter="\t",
                           footer="", comments="", newline="\t2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\n")
                yield buffer.getvalue()

        with transaction.atomic(), connection.cursor() as cursor:
            rebuild = _drop_constraints_and_indexes(cursor, Vote._meta.db_table)
            _copy(cursor, Vote._meta.db_table, "user_id, claim_id, value, created_at, updated_at", blocks())
            for statement in rebuild:
                cursor.execute(statement)
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {Vote._meta.db_table}")
    else:
        Vote.objects.bulk_create(
            (Vote(user_id=int(user_ids[u]), claim_id=int(claim_ids[c]), value=int(v))
             for u, c, v in zip(users, claims, vote, strict=True)),
            batch_size=10_000,
        )


def recompute(database_url: str) -> tuple[float, int, str]:
    """Run the command in a fresh process: (wall seconds, peak RSS in bytes, its output)."""
    return run_manage("recompute_consensus", env={**os.environ, "DATABASE_URL": database_url})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-votes", type=int, default=1_000_000, help="largest size (10000000 adds 10M)")
    args = parser.parse_args()

    with django_test_database():
        from django.db import connection

        from annotations.models import ClaimConsensus, ConsensusRun, UserViewpoint
        from tests.consensus.synthetic import planted
        from tests.worker.conftest import database_url

        print(f"backend: {connection.vendor}; {N_USERS:,} users x {N_CLAIMS:,} claims; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        user_ids, claim_ids = load_people_and_claims()
        print(f"{'votes':>11} {'load s':>7} {'total s':>8} {'read':>6} {'fit':>6} {'groups':>6} {'claims':>6} "
              f"{'w.users':>7} {'w.claims':>8} {'labels':>6} {'peak MB':>8} {'rows':>7}")
        for size in (s for s in SIZES if s <= args.max_votes):
            data = planted(N_USERS, N_CLAIMS, size // N_USERS, seed=0)
            started = time.perf_counter()
            load_votes(user_ids, claim_ids, data.users, data.claims, data.values)
            loaded = time.perf_counter() - started
            wall, peak, output = recompute(database_url())
            run = ConsensusRun.objects.get()
            rows = ClaimConsensus.objects.count()
            assert run.n_votes == data.users.size and UserViewpoint.objects.count() == N_USERS, output
            phases = run.seconds
            print(
                f"{data.users.size:>11,} {loaded:>7.1f} {wall:>8.2f} {phases['read']:>6.2f} {phases['fit']:>6.2f} "
                f"{phases['groups']:>6.2f} {phases['claims']:>6.2f} {phases['write_viewpoints']:>7.2f} "
                f"{phases['write_claims']:>8.2f} {phases['labels']:>6.2f} {peak / 2**20:>8.0f} {rows:>7,}",
                flush=True,
            )
        print("total: the command's wall time in a fresh process (Django start-up included); peak: its max RSS")
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
