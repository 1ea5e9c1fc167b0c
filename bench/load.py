"""The app under load: gunicorn with N workers and a Celery worker beside it, on the configured
database, driven by wrk at 16 connections.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load.py \
        [--workers 3] [--connections 16] [--duration 10] [--articles 1000] [--annotations 100000] [--votes 20000]

On PostgreSQL it creates its own database (`--database`, default `rednote_load`) beside the one
DATABASE_URL names and drops it at the end; on SQLite it uses a temporary file. It migrates,
imports the sample corpus (../shared/corpus), measures the article list, then writes a synthetic
corpus in bulk (1,000 articles, 100,000 annotations, 20,000 votes), puts 1,000 annotations by
100 people on the longest sample article, refits the consensus and measures every hot path:
the ceiling (`/healthz`, a plain Django view returning a small JSON), the article list and one
article through the API, that article's annotations, its reader page, a claim page, the
claim's consensus, the home page (the pages as a visitor who is not signed in sees them), the
claim page, the reader and the home page again as a signed-in member (reported, with no goal),
and a mix with 25% writes (votes and annotations through the API with members' tokens).
Each prints req/s, p50/p95/p99 latency, errors (non-2xx/3xx answers and socket errors) and
its share of the ceiling, which is measured right before and right after every target (a
shared machine's load moves from minute to minute), then a verdict per goal: no errors; every
read at least 20% of the ceiling (the reader with 1,000 annotations at least 10%); p95 under
200 ms; the article list's share no smaller (within 20%) with the synthetic corpus than with
the sample corpus alone. It exits 0 when every goal holds, 1 when one does not, and 2 when wrk
or gunicorn (or the sample corpus) is missing.

The server runs as in production: DEBUG=false, a random SECRET_KEY, collected static files, and
REDNOTE_RATE_LIMITS=false (throttles and posting limits are for people, not for this). With
REDIS_URL set the cache and the broker are that Redis (use a database number of your own);
otherwise the cache is per process and the broker a temporary folder.

Why wrk and not locust: wrk is C with an event loop, so on a 2-core machine it costs a sliver
of one core while the server gets the rest (locust's Python clients would take a core of their
own and cap the rate they can measure); its Lua hook (bench/load.lua) is enough for the write
mix and the token header; and it is a Debian package, nothing to install from PyPI.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from django_env import free_port

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS_DIR = Path(os.environ.get("REDNOTE_CORPUS_DIR", REPO.parent / "shared" / "corpus"))
READER_SHARE, READ_SHARE, P95_MS = 0.10, 0.20, 200.0


@dataclass(frozen=True)
class Result:
    name: str
    requests: int
    seconds: float
    p50: float
    p95: float
    p99: float
    errors: int
    ceiling: float = 0.0
    """The ceiling's req/s measured beside it (see `interleaved`)."""

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def missing_tools() -> list[str]:
    missing = [] if shutil.which("wrk") else ["wrk (apt-get install wrk)"]
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        missing.append("gunicorn (pip install -e .)")
    return missing


@contextmanager
def load_database(name: str):
    """The URL of an empty database for this run: on PostgreSQL `name`, created beside the one
    DATABASE_URL names and dropped afterwards; otherwise a temporary SQLite file."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith(("postgres://", "postgresql://")):
        with tempfile.TemporaryDirectory(prefix="rednote-load-db-") as folder:
            yield f"sqlite:///{folder}/load.sqlite3"
        return
    import psycopg

    def admin(statement: str) -> None:
        with psycopg.connect(configured, autocommit=True) as connection:
            connection.execute(statement)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    try:
        yield urlsplit(configured)._replace(path=f"/{name}").geturl()
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(database_url: str, scratch: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",
        "REDNOTE_RATE_LIMITS": "false",
        "STATIC_ROOT": str(scratch / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if not env.get("REDIS_URL"):
        env["CELERY_BROKER_DIR"] = str(scratch / "celery")
    return env


def manage(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout



@contextmanager
def process(command: list[str], *, env: dict[str, str], log: Path):
    """A process group of ours, stopped (TERM, then KILL) on the way out."""
    with log.open("w") as output:
        child = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield child
        finally:
            if child.poll() is None:
                os.killpg(child.pid, signal.SIGTERM)
                try:
                    child.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(child.pid, signal.SIGKILL)
                    child.wait()


def wait_until_up(base: str, server: subprocess.Popen, log: Path, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer /healthz in {timeout:.0f} s:\n{log.read_text()[-3000:]}")


def lua_list(items) -> str:
    return "{" + ", ".join(lua_value(item) for item in items) + "}"


def lua_value(item) -> str:
    if isinstance(item, (list, tuple)):
        return lua_list(item)
    if isinstance(item, str):
        return json.dumps(item)  # a JSON string of ASCII is a Lua string
    return str(item)


def write_config(path: Path, *, reads: list[str], targets, headers: dict[str, str] | None = None) -> None:
    sent = ", ".join(f"[{lua_value(name)}] = {lua_value(value)}" for name, value in (headers or {}).items())
    path.write_text(
        "return {\n"
        f"  headers = {{{sent}}},\n"
        f"  reads = {lua_list(reads)},\n"
        f"  claims = {lua_list(targets.claims)},\n"
        f"  spans = {lua_list(targets.spans)},\n"
        f"  tokens = {lua_list(targets.tokens)},\n"
        "}\n"
    )


def drive(name: str, url: str, *, mode: str, config: Path, args) -> Result:
    """wrk against `url`: a short warm-up (caches filled, workers busy), then the measured run."""
    def wrk(seconds: int) -> dict:
        command = ["wrk", "--threads", str(args.threads), "--connections", str(args.connections),
                   "--duration", f"{seconds}s", "--timeout", "10s", "--script", str(HERE / "load.lua"),
                   url, "--", str(config), mode]
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        return json.loads(result.stdout.strip().splitlines()[-1])

    wrk(args.warmup)
    figures = wrk(args.duration)
    errors = sum(figures[kind] for kind in ("connect", "read", "write", "status", "timeout"))
    return Result(name, figures["requests"], figures["duration_us"] / 1e6, figures["p50_us"] / 1000,
                  figures["p95_us"] / 1000, figures["p99_us"] / 1000, errors)


CEILING = "healthz (ceiling)"
SIGNED_IN = " *"
"""Marks the rows measured as a signed-in member: reported, with no goal (see `verdicts`)."""


def interleaved(targets: list[Callable[[], Result]], ceiling: Callable[[], Result]) -> tuple[list[Result], list[Result]]:
    """Each target between two runs of the ceiling, and its ratio to their mean: on a shared
    machine whose load moves from one minute to the next, a target is compared with the
    ceiling measured beside it. Returns the ceiling's runs and the targets' rows."""
    ceilings = [ceiling()]
    rows = []
    for target in targets:
        measured = target()
        ceilings.append(ceiling())
        rows.append(replace(measured, ceiling=(ceilings[-2].rate + ceilings[-1].rate) / 2))
    return ceilings, rows


def print_table(rows: list[Result], ceilings: list[Result]) -> None:
    print(f"{'target':<34}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}{'ceiling':>9}{'share':>7}")
    for r in rows:
        print(f"{r.name:<34}{r.rate:>8.0f}{r.p50:>8.1f}{r.p95:>8.1f}{r.p99:>8.1f}{r.errors:>8}{r.ceiling:>9.0f}"
              f"{r.rate / r.ceiling:>7.0%}")
    rates = sorted(c.rate for c in ceilings)
    print(f"{CEILING}, {len(ceilings)} runs beside them: {rates[0]:.0f}–{rates[-1]:.0f} req/s, p50 "
          f"{min(c.p50 for c in ceilings):.1f}–{max(c.p50 for c in ceilings):.1f} ms, p95 "
          f"{min(c.p95 for c in ceilings):.1f}–{max(c.p95 for c in ceilings):.1f} ms, "
          f"{sum(c.errors for c in ceilings)} errors")


def verdicts(rows: list[Result], *, reader: str, mix: str) -> bool:
    """Print one line per goal and whether it holds; True when all hold."""
    ok = True

    def goal(holds: bool, text: str) -> None:
        nonlocal ok
        ok &= holds
        print(f"  [{'ok' if holds else 'MISSED'}] {text}")

    failing = [r.name for r in rows if r.errors]
    goal(not failing, "0 errors" + (f" (errors: {', '.join(failing)})" if failing else ""))
    for r in rows:
        if r.name == mix or r.name.endswith(SIGNED_IN):
            continue
        floor = READER_SHARE if r.name == reader else READ_SHARE
        goal(r.rate >= floor * r.ceiling, f"{r.name}: {r.rate / r.ceiling:.0%} of the ceiling (goal ≥ {floor:.0%})")
    slow = [f"{r.name} {r.p95:.0f} ms" for r in rows if r.p95 >= P95_MS and not r.name.endswith(SIGNED_IN)]
    goal(not slow, f"p95 < {P95_MS:.0f} ms everywhere" + (f" (not: {', '.join(slow)})" if slow else ""))
    return ok


def load_data(args, env: dict[str, str]):
    """Set this process up on the load database: migrate, import the sample corpus."""
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rednote.settings"
    sys.path[:0] = [str(REPO), str(HERE)]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("import_articles", str(CORPUS_DIR), "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per target (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target (default 2)")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--votes", type=int, default=20_000)
    parser.add_argument("--tokens", type=int, default=20, help="members writing in the mix (default 20)")
    parser.add_argument("--database", default="rednote_load", help="PostgreSQL database to create and drop")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"bench/load.py needs {' and '.join(missing)}.", file=sys.stderr)
        return 2
    if not (CORPUS_DIR / "manifest.json").is_file():
        print(f"sample corpus not found at {CORPUS_DIR}", file=sys.stderr)
        return 2

    with ExitStack() as stack:
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rednote-load-")))
        database_url = stack.enter_context(load_database(args.database))
        env = server_env(database_url, scratch)
        before = os.getloadavg()
        started = time.perf_counter()
        load_data(args, env)
        from django.core.management import call_command
        from django.db import connection, connections
        from load_data import member_session_cookie, synthetic_corpus, targets
        from reader_annotations import populate

        from annotations.models import Annotation, Article, Vote

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = scratch / "gunicorn.log"
        server = stack.enter_context(process(
            [sys.executable, "-m", "gunicorn", "rednote.wsgi", "--workers", str(args.workers),
             "--bind", f"127.0.0.1:{port}", "--error-logfile", "-", "--log-level", "warning"],
            env=env, log=log,
        ))
        stack.enter_context(process(
            [sys.executable, "-m", "celery", "-A", "rednote", "worker", "--concurrency", "1", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--without-heartbeat"],
            env=env, log=scratch / "celery.log",
        ))
        wait_until_up(base, server, log)
        empty = scratch / "empty.lua"
        empty.write_text("return {headers = {}}\n")
        small = Article.objects.count()
        healthz = lambda config: drive(CEILING, f"{base}/healthz", mode="get", config=config, args=args)  # noqa: E731
        alone_ceilings, alone = interleaved(
            [lambda: drive("GET /api/articles/", f"{base}/api/articles/", mode="get", config=empty, args=args)],
            lambda: healthz(empty),
        )

        loading = time.perf_counter()
        sample = Article.objects.select_related("current_revision")
        reader_article = max(sample, key=lambda a: len(a.current_revision.text))
        populate(reader_article)
        synthetic_corpus(n_articles=args.articles, n_annotations=args.annotations, n_votes=args.votes,
                         hot_article=reader_article.pk)
        call_command("recompute_consensus", stdout=open(os.devnull, "w"))  # noqa: SIM115
        aim = targets(reader_article=reader_article, n_tokens=args.tokens)
        loaded_in = time.perf_counter() - loading
        counts = (Article.objects.count(), Annotation.objects.count(), Vote.objects.count())
        connections.close_all()

        article = aim.reader_article
        reads = {
            "GET /api/articles/": "/api/articles/",
            f"GET /api/articles/{article}/": f"/api/articles/{article}/",
            "GET /api/annotations/?article=": f"/api/annotations/?article={article}",
            f"reader /articles/{article}/": f"/articles/{article}/",
            f"claim page /claims/{aim.claim}/": f"/claims/{aim.claim}/",
            f"GET /api/claims/{aim.claim}/consensus/": f"/api/claims/{aim.claim}/consensus/",
            "home page /": "/",
        }
        config = scratch / "config.lua"
        write_config(config, reads=list(reads.values()), targets=aim)
        member = scratch / "member.lua"
        write_config(member, reads=[], targets=aim, headers={"Cookie": member_session_cookie(aim.tokens[0])})
        signed_in = {
            f"claim page, signed in{SIGNED_IN}": f"/claims/{aim.claim}/",
            f"reader, signed in{SIGNED_IN}": f"/articles/{article}/",
            f"home page, signed in{SIGNED_IN}": "/",
        }
        mix = "mix: 25% writes (votes, annotations)"
        runs = [
            *(lambda name=name, path=path: drive(name, f"{base}{path}", mode="get", config=config, args=args)
              for name, path in reads.items()),
            *(lambda name=name, path=path: drive(name, f"{base}{path}", mode="get", config=member, args=args)
              for name, path in signed_in.items()),
            lambda: drive(mix, f"{base}/", mode="mix", config=config, args=args),
        ]
        ceilings, results = interleaved(runs, lambda: healthz(config))
        after = os.getloadavg()

        print(f"backend: {connection.vendor}; gunicorn {args.workers} workers (sync), 1 Celery worker; wrk "
              f"{args.threads} threads, {args.connections} connections, {args.duration} s per target after "
              f"{args.warmup} s of warm-up; cache: {'Redis' if env.get('REDIS_URL') else 'per process'}")
        print(f"corpus: {counts[0]:,} articles, {counts[1]:,} annotations, {counts[2]:,} votes "
              f"(synthetic part written in {loaded_in:.0f} s); reader article {article} has "
              f"{Annotation.objects.filter(article_id=article).count():,} annotations")
        print(f"load average (1, 5, 15 min) before: {', '.join(f'{x:.2f}' for x in before)}; "
              f"after: {', '.join(f'{x:.2f}' for x in after)}; {os.cpu_count()} CPUs; {time.perf_counter() - started:.0f} s in all\n")
        print_table(results, ceilings)
        print(f"{SIGNED_IN.strip()} as a signed-in member: pages rendered for them (their votes, forms and "
              "permissions), reported with no goal")
        print(f"\nthe article list with the sample corpus alone ({small} articles), then with {counts[0]:,}:")
        print_table(alone, alone_ceilings)
        share_alone = alone[0].rate / alone[0].ceiling
        listed = next(r for r in results if r.name == "GET /api/articles/")
        share_now = listed.rate / listed.ceiling
        print("\nverdicts:")
        ok = verdicts(results, reader=f"reader /articles/{article}/", mix=mix)
        holds = share_now >= 0.8 * share_alone
        print(f"  [{'ok' if holds else 'MISSED'}] the article list does not slow as the corpus grows: "
              f"{share_alone:.0%} of the ceiling with {small} articles, {share_now:.0%} with {counts[0]:,}")
        if any(r.errors for r in results + alone):
            lines = [line for line in log.read_text().splitlines() if line.strip()]
            print("\nlast lines of the server's log:\n  " + "\n  ".join(lines[-15:]))
        return 0 if ok and holds else 1


if __name__ == "__main__":
    sys.exit(main())
