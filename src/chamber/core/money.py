"""Exact money sums on both databases.

SQLite keeps a decimal column as a floating-point number and SUM over it returns a
float, so a total of many amounts could be off by a fen. Each amount is therefore
turned into whole fen (ROUND(amount * 100), exact for any amount a DecimalField with 14
digits holds) and those integers are summed: exact on SQLite and on PostgreSQL, in the
database, without loading the rows. Used by donations, funds and dues.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import BigIntegerField, F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Round

CENT = Decimal("0.01")


def cents(field: str = "amount"):
    """An expression: `field` in whole fen, as an integer."""
    return Cast(Round(F(field) * 100), output_field=BigIntegerField())


def sum_cents(field: str = "amount", **extra):
    return Coalesce(Sum(cents(field), **extra), Value(0), output_field=BigIntegerField())


def from_cents(value: int | None) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


def exact_sum(qs: QuerySet, field: str = "amount") -> Decimal:
    """The exact sum of a money column over `qs`, as a Decimal."""
    return from_cents(qs.aggregate(c=sum_cents(field))["c"])


def subquery_cents(qs: QuerySet, outer: str, field: str = "amount") -> Subquery:
    """A correlated subquery giving, per outer row, the sum in fen of `qs` rows whose
    `outer` field points at it (e.g. a fund's donations): no join fan-out."""
    summed = (
        qs.filter(**{outer: OuterRef("pk")})
        .order_by()
        .values(outer)
        .annotate(c=Sum(cents(field)))
        .values("c")
    )
    return Coalesce(Subquery(summed, output_field=BigIntegerField()), Value(0))
