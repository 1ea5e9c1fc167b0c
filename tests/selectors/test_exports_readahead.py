"""Reading ahead in a thread: order kept, errors raised where the rows are used, and a
consumer that stops early stops the reading."""
import threading

import pytest

from annotations.selectors.exports_readahead import read_ahead


def test_items_come_in_order_and_the_next_chunk_is_read_in_another_thread():
    readers = set()

    def read(chunk):
        readers.add(threading.current_thread().name)
        return [f"{chunk}-{i}" for i in range(3)]

    assert list(read_ahead(read, range(4))) == [f"{c}-{i}" for c in range(4) for i in range(3)]
    assert readers == {"export-read-ahead"}


def test_an_error_while_reading_is_raised_to_the_consumer():
    def read(chunk):
        if chunk == 2:
            raise ValueError("the database went away")
        return [chunk]

    items = read_ahead(read, range(5))
    assert [next(items), next(items)] == [0, 1]
    with pytest.raises(ValueError, match="went away"):
        next(items)


def test_stopping_early_stops_the_reading():
    read_chunks = []

    def read(chunk):
        read_chunks.append(chunk)
        return [chunk]

    items = read_ahead(read, range(1000), depth=1)
    assert next(items) == 0
    items.close()  # the writer stopped (cancelled, failed)
    assert len(read_chunks) <= 3  # the one handed over, one waiting, one being read
    assert not any(t.name == "export-read-ahead" for t in threading.enumerate())
