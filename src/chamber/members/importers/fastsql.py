"""Bulk inserts and updates without the ORM's per-value machinery.

Django's bulk_create compiles every value of every row through the field API: about
300 µs a row for an enterprise on SQLite here, where the database itself needs 20. An
import writes six records a row (enterprise, person, membership and their audit
entries), so it inserts the way the database likes best: SQLite through one prepared
statement (executemany), PostgreSQL through COPY. Ids are reserved first, so rows that
point at each other can be written in one pass: on SQLite the import's transaction
holds the write lock (transaction_mode IMMEDIATE), so the next ids are free; on
PostgreSQL they are drawn from the table's sequence.

Values must already be what the column holds (a model's field values after the
services' cleaning): converters only change their Python type for the driver.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connection, models


def _sqlite_value(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.DateTimeField):
        # An import stamps every row with the same moment: convert it once.
        memo: dict[Any, Any] = {}

        def stamp(v):
            if v is None:
                return None
            if v not in memo:
                memo[v] = connection.ops.adapt_datetimefield_value(v)
            return memo[v]

        return stamp
    # Dates and decimals need nothing: Django registers sqlite3 adapters for them.
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, cls=field.encoder)
    return None


def _pg_value(field: models.Field) -> Callable[[Any], Any] | None:
    if isinstance(field, models.JSONField):
        return lambda v: json.dumps(v, cls=field.encoder)
    return None


class Table:
    """Inserts and updates of some fields of one model."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]):
        self.model = model
        meta = model._meta
        self.fields = [meta.get_field(f) for f in fields]
        self.table = meta.db_table
        self.columns = [f.column for f in self.fields]
        self.pk_column = meta.pk.column
        self.vendor = connection.vendor
        make = _sqlite_value if self.vendor == "sqlite" else _pg_value
        self.converters = [make(f) for f in self.fields]
        self.converting = [i for i, c in enumerate(self.converters) if c is not None]

    def _convert(self, rows: Iterable[Sequence[Any]]) -> list[Sequence[Any]]:
        if not self.converting:
            return list(rows)
        conv = [(i, self.converters[i]) for i in self.converting]
        out = []
        for row in rows:
            if row.__class__ is not list:
                row = list(row)
            for i, c in conv:
                row[i] = c(row[i])  # type: ignore[misc]
            out.append(row)
        return out

    def insert(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        q = connection.ops.quote_name
        cols = ", ".join(q(c) for c in self.columns)
        data = self._convert(rows)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # the driver's own cursor: its errors mapped to Django's (IntegrityError)
                with (
                    connection.wrap_database_errors,
                    cursor.cursor.copy(f"COPY {q(self.table)} ({cols}) FROM STDIN") as copy,
                ):
                    for row in data:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {q(self.table)} ({cols}) VALUES ({marks})", data)

    def update(self, rows: Sequence[Sequence[Any]]) -> None:
        """Rows are (*values in field order, pk)."""
        if not rows:
            return
        q = connection.ops.quote_name
        sets = ", ".join(f"{q(c)} = %s" for c in self.columns)
        data = self._convert([r[:-1] for r in rows])
        data = [[*d, r[-1]] for d, r in zip(data, rows, strict=True)]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {q(self.table)} SET {sets} WHERE {q(self.pk_column)} = %s", data
            )


def _reader(field: models.Field) -> Callable[[Any], Any] | None:
    """What a raw SELECT returns, as the ORM would: SQLite gives decimals back as int or
    float (dates and booleans are converted by the adapters Django registers)."""
    if connection.vendor == "sqlite" and isinstance(field, models.DecimalField):
        quantum = decimal.Decimal(1).scaleb(-field.decimal_places)

        def to_decimal(v):
            if v is None:
                return None
            return decimal.Decimal(repr(v) if isinstance(v, float) else v).quantize(quantum)

        return to_decimal
    return None


def select(
    model: type[models.Model], fields: Sequence[str], key: str, values: Sequence[Any]
) -> list[dict[str, Any]]:
    """Rows of `model` whose `key` is one of `values`, as dicts of `fields` (a foreign
    key by its field name, holding the id): one query per SQLite-sized batch."""
    if not values:
        return []
    meta = model._meta
    cols = [meta.get_field(f) for f in fields]
    q = connection.ops.quote_name
    select_list = ", ".join(q(f.column) for f in cols)
    key_col = q(meta.get_field(key).column)
    readers = [(i, r) for i, r in enumerate(_reader(f) for f in cols) if r is not None]
    out: list[dict[str, Any]] = []
    batch = 900 if connection.vendor == "sqlite" else 5000
    with connection.cursor() as cursor:
        for start in range(0, len(values), batch):
            part = list(values[start : start + batch])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT {select_list} FROM {q(meta.db_table)} WHERE {key_col} IN ({marks})",
                part,
            )
            for row in cursor.fetchall():
                if readers:
                    row = list(row)
                    for i, r in readers:
                        row[i] = r(row[i])
                out.append(dict(zip(fields, row, strict=True)))
    return out


def reserve_ids(model: type[models.Model], n: int) -> list[int]:
    """`n` fresh primary keys for `model`, inside the current transaction."""
    if n <= 0:
        return []
    table = model._meta.db_table
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, model._meta.pk.column, n],
            )
            return [r[0] for r in cursor.fetchall()]
        cursor.execute(f"SELECT MAX({q(model._meta.pk.column)}) FROM {q(table)}")
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(top, row[0] if row else 0) + 1
        return list(range(start, start + n))
