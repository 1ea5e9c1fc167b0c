"""Bulk imports at scale on PostgreSQL: `import_votes` of 1,000,000 votes by 100,000 people on
10,000 claims, against a raw COPY of the same file and the fastest pure-SQL import into the same
tables, and `import_articles` of 10,000 small articles.

Everything runs in a throwaway test database (see django_env.py). The vote file is a plain CSV
`user,claim,value` in random order, every voter new, with 1% of the rows a later change of mind
(so that "the last row stands" has work to do). Each contender starts from the same state: no
votes, no voters, checkpointed. The commands run in fresh processes, so their times include
starting Django and their peak RSS is their own (wait4). The pure-SQL imports stream the file
into a COPY with no Python per row, then run the same two set-based statements the importer does
(users, then votes with ON CONFLICT) and commit, which runs the deferred foreign-key checks.

Then the vote table's indexes: which of the app's queries use which (EXPLAIN), and whether the two
single-column foreign-key indexes Django would add by default (migration 0006 dropped them) would
plan any better, and what they would cost an import.

    DATABASE_URL=postgres://... .venv/bin/python bench/import_scale.py [--votes N] [--articles N]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from django_env import django_test_database, run_manage

N_CLAIMS = 10_000
VOTES_PER_USER = 10
CHANGED_MIND = 0.01
WORDS = np.array(["agree", "disagree", "unsure"])


def write_votes(path: Path, n_votes: int, claim_ids: np.ndarray, seed: int = 0) -> int:
    """The vote file; returns how many (voter, claim) pairs it holds (what an import keeps)."""
    rng = np.random.default_rng(seed)
    repeats = int(n_votes * CHANGED_MIND)
    n_users = max(1, (n_votes - repeats) // VOTES_PER_USER)
    users = np.repeat(np.arange(n_users), VOTES_PER_USER)
    # Ten different claims per voter: a random start and a stride coprime to the claim count.
    claims = (rng.integers(0, N_CLAIMS, n_users).repeat(VOTES_PER_USER) + np.tile(np.arange(VOTES_PER_USER) * 997, n_users)) % N_CLAIMS
    order = rng.permutation(users.size)
    again = rng.integers(0, users.size, repeats)
    users, claims = np.concatenate([users[order], users[again]]), np.concatenate([claims[order], claims[again]])
    values = WORDS[rng.integers(0, 3, users.size)]
    with path.open("w", encoding="utf-8") as handle:
        handle.write("user,claim,value\n")
        for start in range(0, users.size, 100_000):
            part = slice(start, start + 100_000)
            handle.write("".join(
                f"voter{u:07d},{c},{v}\n" for u, c, v in zip(users[part].tolist(), claim_ids[claims[part]].tolist(), values[part].tolist(), strict=True)
            ))
    return users.size - repeats


def reset() -> np.ndarray:
    """No users, votes or consensus; one article with the claims, ids from 1. Returns the claim ids."""
    from django.contrib.auth import get_user_model
    from django.db import connection

    from annotations.models import Claim
    from annotations.services.articles import article_create

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {quote(get_user_model()._meta.db_table)}, annotations_article RESTART IDENTITY CASCADE")
        article = article_create(text="Benchmark Article\nOne sentence to hang the claims on.")
        with cursor.copy(f"COPY {quote(Claim._meta.db_table)} (article_id, quote, created_at, hidden_reason, thread_lock_reason) FROM STDIN") as copy:
            copy.write("".join(f"{article.pk}\tClaim {c}.\t2026-01-01 00:00:00+00\t\t\n" for c in range(N_CLAIMS)))
        cursor.execute(f"ANALYZE {quote(Claim._meta.db_table)}")
        cursor.execute("CHECKPOINT")
    return np.array(Claim.objects.order_by("pk").values_list("pk", flat=True))


def run_command(*args: str) -> tuple[float, int, str]:
    """A manage.py command in a fresh process on this database: (wall s, peak RSS bytes, output).
    Tasks it queues go to a broker folder of its own, never to the development one."""
    from tests.worker.conftest import database_url

    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    with tempfile.TemporaryDirectory() as broker:
        return run_manage(*args, env={**env, "DATABASE_URL": database_url(), "CELERY_BROKER_DIR": broker})


def _copy_file(cursor, statement: str, path: Path) -> None:
    with cursor.copy(statement) as copy, path.open("rb") as handle:
        while block := handle.read(1 << 20):
            copy.write(block)


def raw_copy(path: Path) -> float:
    """The file into an unindexed table of text columns: the floor for getting it in at all."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE raw_votes (username text, claim text, value text) ON COMMIT DROP")
        _copy_file(cursor, "COPY raw_votes FROM STDIN (FORMAT csv, HEADER true)", path)
    return time.perf_counter() - started


VALUE = "CASE r.value WHEN 'agree' THEN 1 WHEN 'disagree' THEN -1 ELSE 0 END"
PURE_SQL_LATEST = {
    "DISTINCT ON": f"""SELECT DISTINCT ON (u.id, r.claim_id) u.id, r.claim_id, {VALUE}, now(), now()
        FROM raw_votes r JOIN auth_user u ON u.username = r.username JOIN annotations_claim c ON c.id = r.claim_id
        ORDER BY u.id, r.claim_id, r.seq DESC""",
    "row_number()": f"""SELECT u.id, r.claim_id, {VALUE}, now(), now() FROM (
          SELECT *, row_number() OVER (PARTITION BY username, claim_id ORDER BY seq DESC) AS recency FROM raw_votes) r
        JOIN auth_user u ON u.username = r.username JOIN annotations_claim c ON c.id = r.claim_id
        WHERE r.recency = 1""",
}


FOREIGN_KEY_INDEXES = {
    "vote_user_fk": "CREATE INDEX vote_user_fk ON annotations_vote (user_id)",
    "vote_claim_fk": "CREATE INDEX vote_claim_fk ON annotations_vote (claim_id)",
}


def pure_sql(path: Path, latest: str, *, add_indexes: dict[str, str] | None = None) -> tuple[float, int]:
    """Users and votes from the file by SQL alone; (seconds, votes written). With `add_indexes`
    those indexes are created first and everything is rolled back after the deferred checks."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in (add_indexes or {}).values():
            cursor.execute(statement)
        cursor.execute(
            "CREATE TEMPORARY TABLE raw_votes (seq bigint GENERATED ALWAYS AS IDENTITY, username text, "
            "claim_id bigint, value text) ON COMMIT DROP"
        )
        _copy_file(cursor, "COPY raw_votes (username, claim_id, value) FROM STDIN (FORMAT csv, HEADER true)", path)
        cursor.execute("ANALYZE raw_votes")
        cursor.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined) SELECT '!' || md5(n.username), false, n.username, '', '', '', false, true, now() "
            "FROM (SELECT DISTINCT r.username FROM raw_votes r JOIN annotations_claim c ON c.id = r.claim_id) n "
            "ON CONFLICT (username) DO NOTHING"
        )
        cursor.execute(
            f"INSERT INTO annotations_vote (user_id, claim_id, value, created_at, updated_at) {PURE_SQL_LATEST[latest]} "
            "ON CONFLICT (user_id, claim_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at"
        )
        written = cursor.rowcount
        if add_indexes:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
            return elapsed, written
    return time.perf_counter() - started, written


def vote_indexes() -> dict[str, str]:
    """Index name -> definition, for the vote table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'annotations_vote' ORDER BY indexname")
        return dict(cursor.fetchall())


def explain_queries() -> None:
    """The plans of the app's queries on votes, with the table's indexes and with the
    single-column foreign-key ones added."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE annotations_vote")
        cursor.execute("SELECT min(user_id), min(claim_id) FROM annotations_vote")
        user, claim = cursor.fetchone()
    queries = {
        "vote_cast / your vote (user, claim)": f"SELECT id, value FROM annotations_vote WHERE user_id = {user} AND claim_id = {claim}",
        "claim refresh (claim IN …)": f"SELECT claim_id, value FROM annotations_vote WHERE claim_id IN ({claim}, {claim + 1}, {claim + 2})",
        "has votes (claim)": f"SELECT 1 FROM annotations_vote WHERE claim_id = {claim} LIMIT 1",
        "deleting a user (cascade)": f"SELECT id FROM annotations_vote WHERE user_id IN ({user}, {user + 1})",
        "deleting a claim (cascade)": f"SELECT id FROM annotations_vote WHERE claim_id IN ({claim})",
        "claims without votes": "SELECT c.id FROM annotations_claim c WHERE NOT EXISTS "
        "(SELECT 1 FROM annotations_vote v WHERE v.claim_id = c.id) LIMIT 10",
    }

    def plans() -> dict[str, str]:
        found = {}
        with connection.cursor() as cursor:
            for label, sql in queries.items():
                cursor.execute(f"EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF, COSTS OFF) {sql}")
                lines = [row[0] for row in cursor.fetchall()]
                found[label] = " | ".join(line.strip() for line in lines if "Scan" in line or "Join" in line)
        return found

    before = plans()
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in FOREIGN_KEY_INDEXES.values():
            cursor.execute(statement)
        after = plans()
        transaction.set_rollback(True)
    for label in queries:
        print(f"  {label}:\n    the table's indexes: {before[label]}\n    with FK ones added:  {after[label]}")


def index_sizes(indexes: dict[str, str]) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        sizes = []
        for name in indexes:
            cursor.execute("SELECT pg_relation_size(%s::regclass)", [name])
            sizes.append(f"{name} {cursor.fetchone()[0] / 2**20:.0f} MB")
    return ", ".join(sizes)


def write_articles(folder: Path, n: int, seed: int = 1) -> None:
    """`n` small articles: a title and three short paragraphs of made-up sentences, all different."""
    rng = np.random.default_rng(seed)
    words = ["the", "council", "vote", "budget", "school", "river", "people", "report", "said", "plan", "road"]
    for i in range(n):
        sentences = [" ".join(rng.choice(words, 8)).capitalize() + "." for _ in range(9)]
        body = "\n".join(" ".join(sentences[p * 3 : p * 3 + 3]) for p in range(3))
        (folder / f"article-{i:05d}.txt").write_text(f"Report number {i}\n{body}\n", encoding="utf-8")


def bench_votes(scratch: Path, n_votes: int) -> None:
    from annotations.models import Vote

    claim_ids = reset()
    csv_path = scratch / "votes.csv"
    pairs = write_votes(csv_path, n_votes, claim_ids)
    print(f"{n_votes:,} votes ({pairs:,} voter-claim pairs) by {pairs // VOTES_PER_USER:,} new voters on "
          f"{N_CLAIMS:,} claims: {csv_path.stat().st_size / 2**20:.0f} MB of CSV")
    copy_s = raw_copy(csv_path)
    sql_times = {}
    for latest in PURE_SQL_LATEST:
        reset()
        sql_times[latest], written = pure_sql(csv_path, latest)
        assert written == pairs, (latest, written, pairs)
    reset()
    wall, peak, output = run_command("import_votes", str(csv_path))
    assert Vote.objects.count() == pairs, output
    fastest = min(sql_times.values())
    print(f"  raw COPY into an unindexed table   {copy_s:7.1f} s")
    for latest, seconds in sql_times.items():
        print(f"  pure SQL, latest by {latest:13} {seconds:7.1f} s  ({seconds / copy_s:.0f}x the raw COPY)")
    print(f"  manage.py import_votes             {wall:7.1f} s  peak {peak / 2**20:.0f} MB  "
          f"({wall / fastest:.2f}x the fastest pure SQL; target <= 2x and <= 300 MB)")
    print(f"    {output.strip().splitlines()[-1]}")
    print(f"  load average {os.getloadavg()[0]:.1f}")

    indexes = vote_indexes()
    print(f"\nvote indexes with {pairs:,} votes: {index_sizes(indexes)}")
    explain_queries()
    reset()
    with_fk, _ = pure_sql(csv_path, min(sql_times, key=sql_times.get), add_indexes=FOREIGN_KEY_INDEXES)
    print(f"  fastest pure SQL with {', '.join(FOREIGN_KEY_INDEXES)} added: {with_fk:.1f} s (without {fastest:.1f} s)")


def bench_articles(scratch: Path, n_articles: int) -> None:
    folder = scratch / "articles"
    folder.mkdir()
    write_articles(folder, n_articles)
    wall, peak, output = run_command("import_articles", str(folder), "--no-progress")
    print(f"\nmanage.py import_articles of {n_articles:,} small articles: {wall:.1f} s, "
          f"{n_articles / wall:.0f} articles/s, peak {peak / 2**20:.0f} MB ({output.strip().splitlines()[-1]})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--votes", type=int, default=1_000_000, help="votes in the file (default 1,000,000; 0: skip)")
    parser.add_argument("--articles", type=int, default=10_000, help="small articles to import (0: skip)")
    args = parser.parse_args()

    with django_test_database(), tempfile.TemporaryDirectory() as scratch:
        from django.db import connection

        if connection.vendor != "postgresql":
            raise SystemExit("import_scale.py measures PostgreSQL: set DATABASE_URL=postgres://...")
        scratch = Path(scratch)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        if args.votes:
            bench_votes(scratch, args.votes)
        if args.articles:
            bench_articles(scratch, args.articles)
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
