"""`manage.py up` as a person runs it: a real process on a throwaway SQLite database and a free
port with the filesystem broker. Ctrl-C stops the web server, worker and beat within 3 seconds
with exit status 0 however early or late it comes; each child's lines are prefixed with its
name; a request is one line; an unexpected exit of a child stops the rest with an error."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from annotations.management.commands.up import child_environment, describe_broker, describe_database

REPO = Path(__file__).resolve().parents[2]
# The promise is 3 s and `up` kills what is left of a child at 2 s; reaping processes on a machine
# busier than its cores (the suite runs in parallel) takes longer, so the bound grows a second per
# unit of load beyond one per core.
def stop_seconds() -> float:
    return 3.0 + max(0.0, os.getloadavg()[0] / os.cpu_count() - 1.0)


START_TIMEOUT = 90.0


def test_children_run_in_debug_by_default():
    env = child_environment({"PATH": "/usr/bin"})
    assert env["PATH"] == "/usr/bin" and env["DEBUG"] == "true"


def test_a_debug_the_user_set_is_kept():
    assert child_environment({"DEBUG": "false"})["DEBUG"] == "false"


def test_what_up_says_about_the_database_and_broker_has_no_password():
    postgres = {"ENGINE": "django.db.backends.postgresql", "NAME": "rednote", "HOST": "db", "PORT": 5432,
                "USER": "app", "PASSWORD": "s3cret"}
    assert describe_database(postgres) == "PostgreSQL rednote on db:5432 as app"
    assert describe_broker("redis://:s3cret@cache:6379/2", {}) == "redis at redis://cache:6379/2"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def migrated_db(tmp_path_factory) -> Path:
    """One migrated SQLite file; each test starts from a copy, so `up`'s migrate has nothing to do."""
    path = tmp_path_factory.mktemp("up-template") / "db.sqlite3"
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": f"sqlite:///{path}"}
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=REPO, env=env, check=True, timeout=180)
    return path


class Up:
    """`manage.py up` in its own session (as a terminal's foreground job is in its own group),
    its output collected line by line."""

    def __init__(self, tmp_path: Path, *, database: Path | None) -> None:
        self.port = free_port()
        self.marker = uuid.uuid4().hex
        db = tmp_path / "db.sqlite3"
        if database is not None:
            shutil.copy(database, db)
        env = {
            **os.environ, "DATABASE_URL": f"sqlite:///{db}", "CELERY_BROKER_DIR": str(tmp_path / "celery"),
            "CELERY_BEAT_SCHEDULE_FILENAME": str(tmp_path / "beat-schedule"), "REDNOTE_UP_TEST": self.marker,
            "PYTHONUNBUFFERED": "1",
        }
        # As a person runs it: the project's settings, and `up` turns DEBUG on itself; the
        # filesystem broker even where CI has Redis.
        for name in ("DEBUG", "DJANGO_SETTINGS_MODULE", "REDIS_URL"):
            env.pop(name, None)
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "up", "--addr", f"127.0.0.1:{self.port}", "--no-import"],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for raw in self.process.stdout:
            self.lines.append(raw.decode("utf-8", errors="replace").rstrip("\n"))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_for_line(self, pattern: str, timeout: float = START_TIMEOUT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = next((line for line in self.lines if re.search(pattern, line)), None)
            if found:
                return found
            assert self.process.poll() is None, "\n".join(self.lines)
            time.sleep(0.05)
        raise AssertionError(f"no line matching {pattern!r}:\n" + "\n".join(self.lines))

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/", timeout=2)
                return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                assert self.process.poll() is None, "\n".join(self.lines)
                time.sleep(0.1)
        raise AssertionError("the web server never answered:\n" + "\n".join(self.lines))

    def descendants(self) -> list[int]:
        """Live processes started for this run (they inherit its marker), `up` excepted."""
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == self.process.pid:
                continue
            try:
                if f"REDNOTE_UP_TEST={self.marker}".encode() not in (entry / "environ").read_bytes():
                    continue
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if state != "Z":
                found.append(int(entry.name))
        return found

    def interrupt(self, *, group: bool) -> float:
        """Ctrl-C: SIGINT to the process group as a terminal sends it, or to `up` alone. Returns
        the seconds until `up` exited."""
        began = time.monotonic()
        if group:
            os.killpg(self.process.pid, signal.SIGINT)
        else:
            self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=30)
        return time.monotonic() - began

    def output(self) -> str:
        self._reader.join(timeout=5)
        return "\n".join(self.lines)

    def close(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        for pid in self.descendants():
            os.kill(pid, signal.SIGKILL)


@pytest.fixture
def up(tmp_path, migrated_db):
    runs: list[Up] = []

    def start(*, migrated: bool = True) -> Up:
        runs.append(Up(tmp_path, database=migrated_db if migrated else None))
        return runs[-1]

    yield start
    for run in runs:
        run.close()


def sign_up(url: str, username: str) -> str:
    """Sign up in the browser's way (form with its CSRF token); returns the page landed on."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = opener.open(f"{url}/accounts/signup/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({
        "csrfmiddlewaretoken": token, "username": username, "email": f"{username}@example.org",
        "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase",
    }).encode()
    return opener.open(f"{url}/accounts/signup/", data=body, timeout=30).read().decode()


def test_ctrl_c_once_everything_runs(up):
    run = up()
    run.wait_until_serving()
    run.wait_for_line(r"^worker \| .* ready\.")
    run.wait_for_line(r"^beat   \| .*beat: Starting")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(run.url + "/h2-no-such-page", timeout=10)
    name = f"alice{run.marker[:8]}"  # allauth mails an address once in a few minutes
    landed = sign_up(run.url, name)
    assert "printed in the terminal running" in landed
    mail = run.wait_for_line(r"^mail   \| ", timeout=10)
    children = run.descendants()
    assert len(children) >= 3  # web, worker (and its pool), beat

    took = run.interrupt(group=True)

    assert run.process.returncode == 0 and took < stop_seconds(), (took, run.output())
    assert run.descendants() == []
    out = run.output()
    lines = out.splitlines()
    # What up says first: where the app is, what it runs on, how to make an admin, where mail goes.
    for expected in (f"app       {run.url}/", "database  SQLite, ", "broker    Celery's filesystem broker",
                     "manage.py createsuperuser", "set_role USERNAME admin", "mail      printed here"):
        assert expected in out
    # Every line of the children's is prefixed with its process, and nothing else appears.
    started = lines.index("  Ctrl-C stops everything.")
    own = r"^(Stopping…|Stopped\.|Killed [a-z ]+: not stopped in time\.)$"  # the last only on a machine too busy
    assert all(re.match(r"^(web   |worker|beat  |mail  ) \| ", line) or re.match(own, line) for line in lines[started + 1:]), out
    assert {line[:6] for line in lines[started + 1:] if " | " in line} == {"web   ", "worker", "beat  ", "mail  "}
    # One line per request, 404s included; no warning about running as root; a calm ending.
    assert len([line for line in lines if "/h2-no-such-page" in line]) == 1, out
    assert re.match(rf"^mail   \| .*, to {name}@example\.org: http://127\.0\.0\.1:\d+/accounts/confirm-email/\S+$", mail)
    assert "superuser privileges" not in out and "Traceback" not in out and "CommandError" not in out
    assert lines[-1] == "Stopped."


@pytest.mark.parametrize(
    "moment, group",
    [("while it migrates", False), ("while the children start", True)],
)
def test_ctrl_c_early(up, moment, group):
    run = up(migrated=moment != "while it migrates")
    if moment == "while it migrates":
        run.wait_for_line(r"^Bringing the database up to date")
    else:
        run.wait_for_line(r"^  Ctrl-C stops everything\.")
        time.sleep(0.3)
    took = run.interrupt(group=group)
    assert run.process.returncode == 0 and took < stop_seconds(), (took, run.output())
    time.sleep(0.2)
    assert run.descendants() == []
    out = run.output()
    assert out.splitlines()[-1] == "Stopped." and "Traceback" not in out


def test_a_child_that_dies_stops_the_rest_with_an_error(up):
    run = up()
    run.wait_for_line(r"^beat   \| .*beat: Starting")
    beat = next(pid for pid in run.descendants() if b" beat " in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" "))
    os.kill(beat, signal.SIGKILL)
    run.process.wait(timeout=10)
    assert run.process.returncode == 1
    assert run.descendants() == []
    assert "The beat process exited unexpectedly (code -9); stopped web and worker." in run.output()


def test_a_port_in_use_is_refused_before_anything_starts(tmp_path, migrated_db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{migrated_db}", "DEBUG": "true"}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        env.pop("REDIS_URL", None)
        done = subprocess.run([sys.executable, "manage.py", "up", "--addr", f"127.0.0.1:{port}", "--no-import"],
                              cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"Port {port} on 127.0.0.1 is in use (another manage.py up?); choose another with --addr HOST:PORT." in done.stderr
    assert "Bringing the database up to date" not in done.stdout
