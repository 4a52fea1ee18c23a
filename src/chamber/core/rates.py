"""Rates, rounded once, shown the same everywhere.

A rate is a share `part / whole` (None when `whole` is 0: no denominator, no rate).
It is rounded here, once, to a tenth of a percent (three decimals, half up, on the
exact fraction), and the report's JSON carries that value; every page, chart and
sentence shows it with `percent_text`, which only formats it. Two helpers that each
round a longer float (83.75 % → 83.7 % here, 83.8 % there) cannot disagree any more.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

STEP = Decimal("0.001")  # a tenth of a percent


def _round(value: Fraction) -> float:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return float(exact.quantize(STEP, rounding=ROUND_HALF_UP))


def rate(part: int | Decimal, whole: int | Decimal) -> float | None:
    """`part` of `whole`, e.g. resolved of raised (counts, or exact amounts such as fen
    or Decimal yuan); None when `whole` is 0."""
    if not whole:
        return None
    return _round(Fraction(part) / Fraction(whole))


def growth(now: int, before: int) -> float | None:
    """Change from `before` to `now` as a share of `before` (0.12 = +12 %)."""
    if not before:
        return None
    return _round(Fraction(now - before) / Fraction(before))


def percent_number(value: float | None) -> float | None:
    """A rate as a number of percent for a chart (0.837 → 83.7)."""
    return None if value is None else round(value * 100, 1)


def percent_text(value: float | None, empty: str = "—") -> str:
    """A rate as text with one decimal (0.837 → "83.7%"), `empty` when there is none."""
    if value is None or value == "":
        return empty
    return f"{float(value) * 100:.1f}%"
