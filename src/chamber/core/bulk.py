"""Fast bulk inserts for generated or imported rows.

Django's bulk_create builds a model instance per row and compiles every value through
the field machinery: about 30 µs a row here, minutes at a million rows. This writes
plain tuples: PostgreSQL's COPY, SQLite's executemany. Callers give explicit primary
keys (from `IdBlock`), so rows can reference each other before they are written, and
`reset_sequences` puts PostgreSQL's sequences past them afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models


class IdBlock:
    """Hands out primary keys after the highest one in use."""

    def __init__(self, model: type[models.Model]):
        current = model.objects.aggregate(m=models.Max("pk"))["m"] or 0
        self._next = current + 1

    def take(self) -> int:
        pk = self._next
        self._next += 1
        return pk


def columns(model: type[models.Model], fields: Sequence[str]) -> list[str]:
    opts = model._meta
    return [opts.get_field(f).column if f != "id" else opts.pk.column for f in fields]


def insert(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Insert `rows` (tuples in the order of `fields`, attnames) into `model`'s table.
    Values must already be what the database stores (no field conversion happens)."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns(model, fields))
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            batch = list(rows)
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({placeholders})", batch)
            count = len(batch)
    return count


def reset_sequences(*models_: type[models.Model]) -> None:
    sql = connection.ops.sequence_reset_sql(no_style(), list(models_))
    if sql:
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)


# Fields whose Python value is what the database stores (exact classes: subclasses, such
# as encrypted fields, go through their own conversion).
RAW_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.SmallIntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.ForeignKey,
    models.OneToOneField,
)


def insert_objects(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    """Insert unsaved instances of `model` as plain rows (`insert`), several times
    faster than bulk_create: ids come from an `IdBlock` and are set on the instances;
    auto_now fields are filled as a save would; values other than plain numbers, text
    and keys go through their field's conversion for the database."""
    fields = model._meta.concrete_fields
    ids = IdBlock(model)
    auto = [f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    prep = [(f.attname, None if type(f) in RAW_FIELDS else f.get_db_prep_save) for f in fields]
    rows = []
    for obj in objs:
        obj.pk = ids.take()
        for f in auto:
            f.pre_save(obj, add=True)
        rows.append(
            tuple(
                p(getattr(obj, name), connection) if p else getattr(obj, name) for name, p in prep
            )
        )
        obj._state.adding, obj._state.db = False, connection.alias
    count = insert(model, [f.attname for f in fields], rows)
    reset_sequences(model)
    return count
