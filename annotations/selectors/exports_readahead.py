"""Reading the next chunk of an export while the writer writes this one.

The database works (and the driver waits on the network, without the GIL) in a thread of its
own, with its own connection, while the writer serialises the chunk before. At most `depth`
chunks wait in between, so memory stays bounded. Only usable outside a transaction: a thread's
connection would not see rows the calling transaction has not committed.
"""
from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from django.db import connections

Chunk = TypeVar("Chunk")
Item = TypeVar("Item")

_DONE = object()
_POLL_SECONDS = 0.1


def read_ahead(read: Callable[[Chunk], list[Item]], chunks: Iterable[Chunk], *, depth: int = 1) -> Iterator[Item]:
    """Yield the items of `read(chunk)` for each chunk in order, reading ahead in a thread.
    An error in the thread is raised here; when the consumer stops early, the thread stops
    after the chunk it is reading."""
    results: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item) -> bool:
        while not stop.is_set():
            try:
                results.put(item, timeout=_POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if stop.is_set() or not hand_over(read(chunk)):
                    return
            hand_over(_DONE)
        except BaseException as error:  # handed to the consumer, which raises it
            hand_over(error)
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=produce, name="export-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            item = results.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield from item
    finally:
        stop.set()
        thread.join()
