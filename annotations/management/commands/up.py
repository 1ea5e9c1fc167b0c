"""python manage.py up: migrate, import the sample corpus, run web server + Celery worker + beat."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

STOP_GRACE_SECONDS = 15


class Command(BaseCommand):
    help = (
        "Run rednote on this machine: apply migrations, import the sample corpus when present, "
        "then serve the app with a real Celery worker and beat beside it. Ctrl-C stops everything."
    )

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="Address the web server listens on.")
        parser.add_argument(
            "--corpus",
            type=Path,
            default=settings.REDNOTE_CORPUS_DIR,
            help="Folder of articles to import at start (default: REDNOTE_CORPUS_DIR, %(default)s).",
        )
        parser.add_argument("--no-import", action="store_true", help="Do not import the corpus.")
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes.")

    def handle(self, *args, addr: str, corpus: Path, no_import: bool, concurrency: int, **options):
        settings.VAR_DIR.mkdir(exist_ok=True)
        call_command("migrate", interactive=False, verbosity=1)
        if not no_import:
            self._import_corpus(corpus)

        python = sys.executable
        commands = {
            "web": [python, "manage.py", "runserver", addr, "--noreload"],
            "worker": [python, "-m", "celery", "-A", "rednote", "worker", "--loglevel", "INFO",
                       "--concurrency", str(concurrency), "--hostname", "rednote@%h"],
            "beat": [python, "-m", "celery", "-A", "rednote", "beat", "--loglevel", "INFO",
                     "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
        }
        broker = "Redis" if settings.REDIS_URL else "the embedded filesystem broker"
        self.stdout.write(self.style.SUCCESS(f"Starting web, worker and beat on {broker}. Ctrl-C stops all."))
        self.stdout.write(f"Open http://{addr}/")
        env = child_environment(os.environ)
        processes = {
            name: subprocess.Popen(cmd, cwd=settings.BASE_DIR, env=env) for name, cmd in commands.items()
        }
        signal.signal(signal.SIGTERM, _interrupt)
        failed = None
        try:
            while failed is None:
                time.sleep(0.5)
                failed = next((name for name, p in processes.items() if p.poll() is not None), None)
        except KeyboardInterrupt:
            self.stdout.write("\nStopping…")
        finally:
            _stop(list(processes.values()))
        if failed:
            raise CommandError(f"The {failed} process exited (code {processes[failed].returncode}); stopped the rest.")

    def _import_corpus(self, corpus: Path) -> None:
        if not corpus.is_dir():
            self.stdout.write(f"No corpus at {corpus}; starting with what the database has.")
            return
        self.stdout.write(f"Importing the corpus from {corpus}…")
        try:
            call_command("import_articles", str(corpus), no_progress=True, stdout=self.stdout)
        except CommandError as error:
            self.stderr.write(self.style.WARNING(f"Some files were not imported: {error}"))


def child_environment(environ) -> dict[str, str]:
    """The web server, worker and beat run for local work: DEBUG on unless the user set it."""
    return {**environ, "DEBUG": environ.get("DEBUG", "true")}


def _interrupt(signum, frame) -> None:
    """SIGTERM stops the stack the same way Ctrl-C does."""
    raise KeyboardInterrupt


def _stop(processes: list[subprocess.Popen]) -> None:
    """Ask every child to stop, wait a little, then kill what is left."""
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
