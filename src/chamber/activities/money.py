"""Exact money sums on both databases, and amounts written out in Chinese.

SQLite keeps a decimal column as a floating-point number and SUM over it returns a
float, so a total of many donations could be off by a fen. Each amount is therefore
turned into whole fen (ROUND(amount * 100), exact for any amount a DecimalField with 14
digits holds) and those integers are summed: exact on SQLite and on PostgreSQL, in the
database, without loading the rows.
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


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL = ["", "拾", "佰", "仟"]
_BIG = ["", "万", "亿", "万亿"]


def rmb_upper(amount: Decimal) -> str:
    """An amount in capital Chinese numerals as a receipt writes it (大写金额):
    Decimal("100000") -> 人民币壹拾万元整, Decimal("1005.30") -> 人民币壹仟零伍元叁角."""
    amount = amount.quantize(CENT)
    if amount < 0:
        raise ValueError("negative amount")
    yuan = int(amount)
    fen_total = int((amount - yuan) * 100)
    jiao, fen = divmod(fen_total, 10)
    words = _integer_words(yuan) + "元" if yuan else ""
    if jiao == 0 and fen == 0:
        words = (words or "零元") + "整"
    else:
        if jiao:
            words += _DIGITS[jiao] + "角"
        elif yuan:
            words += "零"
        if fen:
            words += _DIGITS[fen] + "分"
        else:
            words += "整"
    return "人民币" + words


def _integer_words(n: int) -> str:
    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out = ""
    zero_pending = False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or g < 1000):
            out += "零"
        out += _group_words(g) + _BIG[i]
        zero_pending = False
    return out


def _group_words(g: int) -> str:
    out = ""
    zero = False
    for pos in (3, 2, 1, 0):
        d = g // 10**pos % 10
        if d:
            if zero:
                out += "零"
            out += _DIGITS[d] + _SMALL[pos]
            zero = False
        elif out:
            zero = True
    return out
