"""Bulk writes: chunks of ids for `IN` lists, a fast insert-or-update (COPY on PostgreSQL), and
temporary tables streamed full of rows for set-based statements."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import islice

from django.db import connection, models
from psycopg.types.json import Jsonb

BATCH = 5000
"""Rows per bulk statement."""


def chunks(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def bulk_upsert(model, rows: Iterable[dict], *, update_fields: list[str]) -> None:
    """Insert `rows` (dicts from every column's attribute name to its value); where the primary
    key exists already, update `update_fields` (or, when empty, leave the row alone). Call
    inside a transaction.

    On PostgreSQL the rows are COPY'd into a temporary table and merged with one INSERT … ON
    CONFLICT, and no model instances are made: for 100k rows that is several times faster
    than bulk_create, whose time goes into building instances and multi-row INSERTs.
    """
    pk = model._meta.pk
    if connection.vendor != "postgresql":
        objs = [model(**row) for row in rows]
        if update_fields:
            model.objects.bulk_create(
                objs, batch_size=BATCH, update_conflicts=True, unique_fields=[pk.name], update_fields=update_fields
            )
        else:
            model.objects.bulk_create(objs, batch_size=BATCH, ignore_conflicts=True)
        return
    quote = connection.ops.quote_name
    fields = model._meta.concrete_fields
    table, columns = quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    updates = ", ".join(f"{quote(c)} = EXCLUDED.{quote(c)}" for c in (model._meta.get_field(f).column for f in update_fields))
    json = [(f.attname, isinstance(f, models.JSONField)) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bulk_upsert_rows (LIKE {table}) ON COMMIT DROP")
        with cursor.copy(f"COPY bulk_upsert_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([Jsonb(row[name]) if is_json else row[name] for name, is_json in json])
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM bulk_upsert_rows "
            f"ON CONFLICT ({quote(pk.column)}) " + (f"DO UPDATE SET {updates}" if updates else "DO NOTHING")
        )
        cursor.execute("DROP TABLE bulk_upsert_rows")


@contextmanager
def staging_table(name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence]) -> Iterator[int]:
    """A temporary table `name` with `columns` ((name, SQL type) pairs) holding `rows`, for
    set-based statements; yields how many rows it holds and drops it afterwards. Call inside
    a transaction.

    The rows are streamed, never all in memory: COPY on PostgreSQL (then ANALYZE, since
    autovacuum never sees a temporary table and the planner would guess its size), `BATCH`
    rows per INSERT elsewhere.
    """
    quote = connection.ops.quote_name
    table = quote(name)
    names = ", ".join(quote(column) for column, _ in columns)
    definition = ", ".join(f"{quote(column)} {kind}" for column, kind in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition}) ON COMMIT DROP")
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            cursor.execute(f"ANALYZE {table}")
        else:
            cursor.execute(f"CREATE TEMPORARY TABLE {table} ({definition})")
            insert = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH)):
                cursor.executemany(insert, batch)
                count += len(batch)
    yield count
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {table}")
