"""Benchmarks that need Django run against a throwaway test database on the configured backend.

`DATABASE_URL` chooses it (PostgreSQL in CI, SQLite otherwise); the benchmark never touches the
real database, only `test_<name>`, created and dropped around the run.
"""
from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("REDNOTE_CORPUS_DIR", REPO.parent / "shared" / "corpus"))


@contextmanager
def django_test_database():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rednote.settings")
    # Benchmarks are local work, like `manage.py up`: development settings unless told otherwise.
    os.environ.setdefault("DEBUG", "true")
    # Posting limits and API throttles are for people, not for benchmarks that post in bulk.
    os.environ.setdefault("REDNOTE_RATE_LIMITS", "false")
    import django

    django.setup()
    from django.test.utils import setup_databases, setup_test_environment, teardown_databases

    from rednote.celery import app

    app.conf.task_always_eager = True
    setup_test_environment()
    config = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(config, verbosity=0)


def timed(fn, *, repeat: int) -> list[float]:
    """Wall-clock seconds of each of `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


_PEAK = "peak-rss-kb:"
_MEASURED_MANAGE = f"""
import runpy, sys
sys.argv = ["manage.py", *sys.argv[1:]]
try:
    runpy.run_path("manage.py", run_name="__main__")
finally:
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print("{_PEAK}", peak, file=sys.stderr)
"""


def run_manage(*args: str, env: dict[str, str]) -> tuple[float, int, str]:
    """`manage.py *args` in a fresh process: (wall seconds, its peak RSS in bytes, its output).

    The peak is the process' own high-water mark (VmHWM), read as it exits. The rusage that
    wait4 hands the parent is no good for this: Linux carries over the peak of the memory the
    child shared with its parent between fork and exec, so a benchmark holding a gigabyte of
    test data would see every command it starts peak at a gigabyte.
    """
    import subprocess

    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _MEASURED_MANAGE, *args], cwd=REPO, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    wall = time.perf_counter() - started
    lines = result.stdout.splitlines()
    peak = next((int(line.split()[1]) * 1024 for line in lines if line.startswith(_PEAK)), 0)
    output = "\n".join(line for line in lines if not line.startswith(_PEAK))
    if result.returncode != 0:
        raise SystemExit(f"manage.py {args[0]} failed:\n{output[-3000:]}")
    return wall, peak, output


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def runserver(port: int, env: dict) -> subprocess.Popen:
    """`manage.py runserver` on `port` with `env`, once it answers; exits if it never does."""
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")
