"""python manage.py up [--demo]: migrate, import the sample corpus (and seed the demo), then run
the web server, a Celery worker and beat, each line of theirs prefixed with its name, until
Ctrl-C stops them all."""
from __future__ import annotations

import errno
import os
import signal
import socket
import sys
import time
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from annotations.dev_mail import mail_goes_to_terminal
from annotations.management.supervisor import ProcessSet, StopRequested, StopSignals

WORKER_LADDER = ((0.0, signal.SIGTERM), (0.2, signal.SIGQUIT), (0.4, signal.SIGQUIT), (0.6, signal.SIGQUIT))
"""Celery's warm shutdown, which an idle worker notices only when its wait for messages ends (up
to 2 s); then its cold shutdown (running tasks are cancelled and their messages put back), whose
third signal ends the worker at once. A worker still importing dies of the first, silently."""
STOP_WEB = ((0.0, signal.SIGTERM),)
"""The development server has nothing to tidy: SIGTERM ends it at once, even while it starts
(where SIGINT would print a KeyboardInterrupt's traceback)."""
ROOT_WARNING = "You're running the worker with superuser privileges"
"""Celery warns every worker started as root (containers, throwaway VMs) with this; `up` is for
one's own machine, so that warning (and only that one) is silenced in its worker."""


class Command(BaseCommand):
    help = (
        "Run rednote on this machine: apply migrations, import the sample corpus when present "
        "(--demo: and add the demo readers), then serve the app with a real Celery worker and beat "
        "beside it, their output prefixed by process. Ctrl-C stops everything."
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
        parser.add_argument("--demo", action="store_true", help="Add the demo readers and their votes (seed_demo).")
        parser.add_argument("--concurrency", type=int, default=2, help="Worker processes.")

    def handle(self, *args, addr: str, corpus: Path, no_import: bool, demo: bool, concurrency: int, **options):
        with StopSignals() as signals:
            try:
                host, port = _split(addr)
                _check_free(host, port)
                self._prepare(corpus=None if no_import else corpus, demo=demo)
                self._banner(host, port)
                name, code, others = self._run(signals, addr=addr, concurrency=concurrency)
            except StopRequested:
                self.stdout.write("Stopped.")
                return
        raise CommandError(f"The {name} process exited unexpectedly (code {code}); stopped {others}.")

    def _prepare(self, *, corpus: Path | None, demo: bool) -> None:
        settings.VAR_DIR.mkdir(exist_ok=True)
        self.stdout.write("Bringing the database up to date…")
        # The system checks run once, in the web server; here they would import every view.
        call_command("migrate", interactive=False, verbosity=0, skip_checks=True)
        if corpus is not None:
            self._import_corpus(corpus)
        if demo:
            try:
                call_command("seed_demo", stdout=self.stdout)
            except CommandError as error:
                self.stderr.write(self.style.WARNING(f"No demo: {error}"))

    def _import_corpus(self, corpus: Path) -> None:
        if not corpus.is_dir():
            self.stdout.write(f"No corpus at {corpus}; starting with what the database has.")
            return
        report = StringIO()
        try:
            call_command("import_articles", str(corpus), no_progress=True, stdout=report)
            self.stdout.write(f"Corpus {corpus}: {report.getvalue().strip().splitlines()[-1]}.")
        except CommandError as error:
            self.stdout.write(report.getvalue().rstrip())
            self.stderr.write(self.style.WARNING(f"Some files were not imported: {error}"))

    def _banner(self, host: str, port: int) -> None:
        shown = f"[{host}]" if ":" in host else host
        lines = [
            ("app", f"http://{'127.0.0.1' if host == '0.0.0.0' else shown}:{port}/"),
            ("database", describe_database(settings.DATABASES["default"])),
            ("broker", describe_broker(settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS)),
            ("mail", "printed here, one line per mail with its links (\"mail | …\"): sign-up confirmations too"
             if mail_goes_to_terminal() else f"sent with {settings.EMAIL_BACKEND}"),
            ("admin", "DEBUG=true .venv/bin/python manage.py createsuperuser, or make an existing account "
             "one: manage.py set_role USERNAME admin"),
        ]
        self.stdout.write(self.style.SUCCESS("rednote is starting: web server, Celery worker and beat."))
        for label, text in lines:
            self.stdout.write(f"  {label:<9} {text}")
        self.stdout.write("  Ctrl-C stops everything.")

    def _run(self, signals: StopSignals, *, addr: str, concurrency: int) -> tuple[str, int, str]:
        """Start the three processes and wait until one ends by itself, then stop the others and
        return (its name, its exit code, the others' names). On Ctrl-C stop them all and raise
        StopRequested."""
        python = sys.executable
        # Celery's own options: no start-up banner; the system checks are the web server's.
        celery = [python, "-W", f"ignore:{ROOT_WARNING}", "-m", "celery", "-A", "rednote", "--quiet", "--skip-checks"]
        commands = {
            "web": ([python, "manage.py", "runserver", addr, "--noreload"], STOP_WEB),
            "worker": ([*celery, "worker", "--loglevel", "INFO", "--concurrency", str(concurrency),
                        "--hostname", "rednote@%h"], WORKER_LADDER),
            "beat": ([*celery, "beat", "--loglevel", "INFO", "--schedule", settings.CELERY_BEAT_SCHEDULE_FILENAME],
                     ((0.0, signal.SIGTERM),)),
        }
        children = ProcessSet(self.stdout, width=max(len(name) for name in [*commands, "mail"]))
        env = child_environment(os.environ)
        try:
            for name, (argv, ladder) in commands.items():
                with signals.deferred():
                    children.start(name, argv, env=env, cwd=settings.BASE_DIR, ladder=ladder)
            while (ended := children.ended()) is None:
                time.sleep(0.1)
            signals.stopping()
        except StopRequested:
            children.note("Stopping…")
            self._stop(children)
            raise
        others = " and ".join(child.name for child in children.children if child is not ended)
        self._stop(children)
        return ended.name, ended.process.returncode, others

    def _stop(self, children: ProcessSet) -> None:
        killed = children.stop()
        if killed:
            children.note(f"Killed {' and '.join(killed)}: not stopped in time.")


def child_environment(environ) -> dict[str, str]:
    """The web server, worker and beat run for local work: DEBUG on unless the user set it; their
    output unbuffered, so that it comes out as it is written; and the web server leaves request
    lines to itself (one line per request)."""
    return {
        **environ, "DEBUG": environ.get("DEBUG", "true"), "PYTHONUNBUFFERED": "1",
        "REDNOTE_SERVER_LOGS_REQUESTS": "true",
    }


def _split(addr: str) -> tuple[str, int]:
    host, _, port = addr.rpartition(":")
    if not port.isdigit():
        raise CommandError(f"--addr {addr}: give HOST:PORT, such as 127.0.0.1:8000.")
    return host.strip("[]") or "127.0.0.1", int(port)


def _check_free(host: str, port: int) -> None:
    """Stop at once, before migrating, when the port is taken (another `up`?)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = "is in use (another manage.py up?)" if error.errno == errno.EADDRINUSE else f"cannot be used: {error.strerror}"
            raise CommandError(f"Port {port} on {host} {reason}; choose another with --addr HOST:PORT.") from None


def describe_database(database: dict) -> str:
    """Which database, without its password."""
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    if engine == "sqlite3":
        return f"SQLite, {database['NAME']}"
    where = f"{database.get('HOST') or 'localhost'}:{database.get('PORT') or 'default port'}"
    user = f" as {database['USER']}" if database.get("USER") else ""
    return f"{'PostgreSQL' if engine.startswith('postgres') else engine} {database['NAME']} on {where}{user}"


def describe_broker(url: str, options: dict) -> str:
    """Which broker, without its password."""
    if url.startswith("filesystem://"):
        folder = Path(options["data_folder_in"]).parent
        return f"Celery's filesystem broker in {folder} (no server needed; this machine only)"
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme} at {parts.scheme}://{host}{port}{parts.path}"
