"""Benchmarks that need Django run against a throwaway test database on the configured backend.

`DATABASE_URL` chooses it (PostgreSQL in CI, SQLite otherwise); the benchmark never touches the
real database, only `test_<name>`, created and dropped around the run.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS_DIR = Path(os.environ.get("REDNOTE_CORPUS_DIR", REPO.parent / "shared" / "corpus"))


@contextmanager
def django_test_database():
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rednote.settings")
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
