"""Every vote, read for the full refit as numpy arrays, and database ids turned into array
indices. At ten million votes reading is a large part of a refit, so on PostgreSQL the votes
are packed server-side into a few large binary values instead of millions of rows."""
from __future__ import annotations

from itertools import chain

import numpy as np
import psycopg
from django.db import connection

from annotations.models import Vote

PACKED_BLOCKS = 10_000
"""Table pages per packed value: about a million votes, 8 to 18 MB, far below PostgreSQL's 1 GB per value."""
_WIDE = np.dtype([("user", ">i8"), ("claim", ">i8"), ("value", ">i2")])


class _Packing:
    """How a vote is packed: into one big-endian 64-bit integer (user id, claim id and value + 1
    side by side: one function call per vote on the server, 8 bytes on the wire) when ids up
    to the given largest ones leave room, else into 18 bytes (8 + 8 + 2)."""

    def __init__(self, top_user: int, top_claim: int) -> None:
        self.claim_bits = top_claim.bit_length()
        self.user_bits = 63 - 2 - self.claim_bits
        self.narrow = top_user.bit_length() <= self.user_bits
        if self.narrow:
            self.expression = (
                f"int8send((user_id::bigint << {self.claim_bits + 2}) | (claim_id::bigint << 2) | (value + 1))"
            )
        else:
            self.expression = "int8send(user_id::bigint) || int8send(claim_id::bigint) || int2send(value::smallint)"

    def holds(self, top_user: int, top_claim: int) -> bool:
        return not self.narrow or (top_claim.bit_length() <= self.claim_bits and top_user.bit_length() <= self.user_bits)

    @property
    def size(self) -> int:
        """Bytes per vote."""
        return 8 if self.narrow else _WIDE.itemsize

    def unpack(self, data: bytes, users: np.ndarray, claims: np.ndarray, values: np.ndarray) -> None:
        """Unpack `data` into the given slices of the result arrays, with no temporary arrays."""
        if not self.narrow:
            rows = np.frombuffer(data, dtype=_WIDE)
            users[:], claims[:], values[:] = rows["user"], rows["claim"], rows["value"]
            return
        packed = np.frombuffer(data, dtype=">i8")
        np.right_shift(packed, self.claim_bits + 2, out=users)
        np.right_shift(packed, 2, out=claims)
        np.bitwise_and(claims, (1 << self.claim_bits) - 1, out=claims)
        np.bitwise_and(packed, 3, out=values, casting="unsafe")
        values -= 1


def _packed_chunks(table: str) -> tuple[_Packing, list[bytes]]:
    """Every vote packed server-side into a few large values, fetched in binary.

    One statement (so one snapshot) of one aggregate per range of table pages: TID range scans
    read the table sequentially, where ranges of ids cost an index scan each, and PostgreSQL
    runs the ranges in parallel workers (a parallel append). The ids are packed to fit the
    largest ones found before; should a larger one have come meanwhile, it is read again.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(user_id), 0), coalesce(max(claim_id), 0) FROM {table}")
        packing = _Packing(*cursor.fetchone())
        cursor.execute(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::bigint")
        pages = cursor.fetchone()[0]
    ranges = [
        f"ctid >= '({start},0)'::tid" + ("" if start + PACKED_BLOCKS >= pages else f" AND ctid < '({start + PACKED_BLOCKS},0)'::tid")
        for start in range(0, max(pages, 1), PACKED_BLOCKS)
    ]  # the last range is open-ended: the table may have grown since
    connection.ensure_connection()
    # Django's cursors bind client-side, and those cannot receive binary results.
    with psycopg.Cursor(connection.connection) as cursor:
        while True:
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT string_agg({packing.expression}, ''::bytea), coalesce(max(user_id), 0), "
                    f"coalesce(max(claim_id), 0) FROM {table} WHERE {where}"
                    for where in ranges
                ),
                binary=True,
            )
            rows = cursor.fetchall()
            top_user, top_claim = max(row[1] for row in rows), max(row[2] for row in rows)
            if packing.holds(top_user, top_claim):
                return packing, [row[0] or b"" for row in rows]
            packing = _Packing(top_user, top_claim)


def read_votes() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every vote as arrays of user id and claim id (int64) and value (int8)."""
    if connection.vendor == "postgresql":
        packing, parts = _packed_chunks(connection.ops.quote_name(Vote._meta.db_table))
        # Filled in place, part by part: no list of pieces to concatenate, each part freed once read.
        total = sum(len(part) for part in parts) // packing.size
        users, claims, values = np.empty(total, np.int64), np.empty(total, np.int64), np.empty(total, np.int8)
        end = total
        while parts:
            part = parts.pop()
            start = end - len(part) // packing.size
            packing.unpack(part, users[start:end], claims[start:end], values[start:end])
            end = start
        return users, claims, values
    rows = Vote.objects.order_by().values_list("user_id", "claim_id", "value").iterator(chunk_size=20_000)
    table = np.fromiter(chain.from_iterable(rows), dtype=np.int64).reshape(-1, 3)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].astype(np.int8)


def dense_index(ids: np.ndarray, also: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct ids of `ids` and `also`, sorted, and each of `ids`' position among them
    (int32): what np.unique(…, return_inverse=True) gives, in linear time through a lookup
    table when the ids are not much sparser than their count (database ids seldom are)."""
    high = int(max(ids.max(initial=-1), also.max(initial=-1)))
    if high < 4 * (ids.size + also.size) + 1_000_000:
        present = np.zeros(high + 1, dtype=bool)
        present[ids] = True
        present[also] = True
        position = np.cumsum(present, dtype=np.int32) - 1
        return np.flatnonzero(present), position[ids]
    distinct, inverse = np.unique(np.concatenate([ids, also]), return_inverse=True)
    return distinct, inverse[: ids.size].astype(np.int32)


def in_user_claim_order(
    users: np.ndarray, claims: np.ndarray, values: np.ndarray, n_claims: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The votes (user and claim indices, values −1, 0, 1) sorted by user, then claim.

    Sorts one key that holds all three rather than arg-sorting and gathering three arrays:
    several times faster, and faster again in 32 bits, which hold it up to about 1.4 billion
    user-claim pairs."""
    key = (users.astype(np.int64) * n_claims + claims) * 3 + (values + 1)
    if key.size and int(key.max()) < 2**32:
        key = key.astype(np.uint32)
    key.sort()
    pairs, values = np.divmod(key, 3)
    users, claims = np.divmod(pairs, n_claims)
    return users.astype(np.int32), claims.astype(np.int32), values.astype(np.int8) - 1
