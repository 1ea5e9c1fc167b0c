"""Running a few processes as one, for `manage.py up`: every line they print comes out prefixed
with the process's name, and they all stop within a deadline when asked or when one of them
ends.

Each child runs in a process group of its own, so a Ctrl-C in the terminal reaches only `up`,
which then stops the children in its own way: the polite signal first, then stronger ones on a
schedule (the "ladder"), and whatever is left in a child's group is killed at the deadline. A
Celery worker on the filesystem broker notices a warm shutdown only when its 2-second wait for
messages ends, then waits for its running tasks, so it gets Celery's cold shutdown instead,
which cancels running tasks and puts their messages back in the queue (tasks are idempotent
and acknowledged late; the sweep catches up on anything lost).
"""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TextIO

STOP_DEADLINE = 2.0
"""Seconds from the start of a stop to killing what is left: with `up`'s own exit, everything is
gone within 3 seconds of the Ctrl-C (children usually stop in well under a second)."""
MAIL_PREFIX = "mail | "
"""A child's line starting with this is shown under "mail" (`annotations/dev_mail.py`)."""

Ladder = Sequence[tuple[float, int]]
"""(seconds after the stop began, signal to send then)."""


class StopRequested(BaseException):
    """Ctrl-C (SIGINT) or SIGTERM reached `up`. A BaseException, like KeyboardInterrupt, so that
    no `except Exception` on the way swallows it."""


class StopSignals:
    """While entered, the first SIGINT or SIGTERM raises StopRequested in the main thread and
    later ones are ignored (the stop is under way). Inside `deferred()` the exception waits
    until the block ends, so that a child is never left started but unrecorded."""

    def __init__(self) -> None:
        self.requested = False
        self._pending = False
        self._depth = 0
        self._previous: dict[int, object] = {}

    def __enter__(self) -> StopSignals:
        for number in (signal.SIGINT, signal.SIGTERM):
            self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    def _handle(self, signum, frame) -> None:
        if self.requested:
            return
        self.requested = True
        if self._depth:
            self._pending = True
        else:
            raise StopRequested

    def stopping(self) -> None:
        """From now on signals are ignored: a stop is under way for another reason."""
        self.requested = True

    @contextmanager
    def deferred(self) -> Iterator[None]:
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
        if self._pending and not self._depth:
            self._pending = False
            raise StopRequested


@dataclass
class Child:
    name: str
    process: subprocess.Popen
    ladder: Ladder
    pump: threading.Thread
    sent: set[int] = field(default_factory=set)
    """Steps of the ladder taken, by index."""


class ProcessSet:
    """Children started with `start`, their output written to `out` as `name | line`."""

    def __init__(self, out: TextIO, *, width: int) -> None:
        self.out = out
        self.width = width
        self.children: list[Child] = []
        self._lock = threading.Lock()

    def say(self, name: str, line: str) -> None:
        self.note(f"{name:<{self.width}} | {line}")

    def note(self, text: str) -> None:
        """A line of `up`'s own, never in the middle of a child's."""
        with self._lock:
            self.out.write(f"{text}\n")
            self.out.flush()

    def start(self, name: str, argv: Sequence[str], *, env: Mapping[str, str], cwd, ladder: Ladder) -> Child:
        process = subprocess.Popen(
            argv, cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, process_group=0,
        )
        pump = threading.Thread(target=self._pump, args=(name, process.stdout), name=f"{name}-output", daemon=True)
        child = Child(name=name, process=process, ladder=ladder, pump=pump)
        self.children.append(child)
        pump.start()
        return child

    def _pump(self, name: str, stream) -> None:
        with stream:
            for raw in iter(stream.readline, b""):
                line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
                if line.startswith(MAIL_PREFIX):
                    self.say("mail", line.removeprefix(MAIL_PREFIX))
                else:
                    self.say(name, line)

    def ended(self) -> Child | None:
        """A child that has exited, if any."""
        return next((child for child in self.children if child.process.poll() is not None), None)

    def stop(self, *, deadline: float = STOP_DEADLINE) -> list[str]:
        """Climb every child's ladder until all have exited; at the deadline kill what is left of
        each child's process group (a worker's pool processes too). Returns the names of the
        children that had to be killed."""
        began = time.monotonic()
        while (elapsed := time.monotonic() - began) < deadline:
            running = [child for child in self.children if child.process.poll() is None]
            if not running:
                break
            for child in running:
                for step, (after, number) in enumerate(child.ladder):
                    if after <= elapsed and step not in child.sent:
                        child.sent.add(step)
                        with suppress(ProcessLookupError):
                            os.kill(child.process.pid, number)
            time.sleep(0.02)
        killed = []
        for child in self.children:
            if child.process.poll() is None:
                killed.append(child.name)
            with suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
        for child in self.children:
            child.process.wait()
            child.pump.join(timeout=0.5)
        return killed
